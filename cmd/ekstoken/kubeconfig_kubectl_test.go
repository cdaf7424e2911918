//go:build !nonet

package main

import (
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// ekstokenBinary builds this command once per test run.
func ekstokenBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ekstoken-kc-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "ekstoken")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// fakeAPIServer is a TLS Kubernetes API server that answers /version only
// to a bearer token ekstoken minted for cluster in region.
func fakeAPIServer(t *testing.T, cluster, region string) (srv *httptest.Server, caData string, seen func() int) {
	var mu sync.Mutex
	n := 0
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer k8s-aws-v1.")
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		u, perr := url.Parse(string(raw))
		if !ok || err != nil || perr != nil || u.Host != "sts."+region+".amazonaws.com" ||
			!strings.HasPrefix(u.Query().Get("X-Amz-Credential"), "AKIDEXAMPLE/") ||
			u.Query().Get("X-Amz-SignedHeaders") != "host;x-k8s-aws-id" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}`)
			return
		}
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"major":"1","minor":"31","gitVersion":"v1.31.0-eks-fake","platform":"linux/amd64"}`)
	}))
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv, base64.StdEncoding.EncodeToString(ca), func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// kubectlRaw runs `kubectl get --raw /version` with the kubeconfig, with
// ekstoken's directory first on PATH and the documented example keys.
func kubectlRaw(t *testing.T, kubeconfig, binDir string) (string, error) {
	cmd := exec.Command("kubectl", "--kubeconfig", kubeconfig, "get", "--raw", "/version")
	cmd.Env = []string{
		"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		"AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent",
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestKubectlAuthenticatesThroughWrittenEntry: kubectl, given a kubeconfig
// that `ekstoken kubeconfig` wrote, runs ekstoken as its exec plugin and
// gets through a fake API server that checks the EKS token. The same for
// an `aws eks update-kubeconfig` entry after `ekstoken kubeconfig migrate`.
func TestKubectlAuthenticatesThroughWrittenEntry(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Fatalf("kubectl not on PATH: %v", err)
	}
	bin := ekstokenBinary(t)
	srv, ca, seen := fakeAPIServer(t, "prod", "us-west-2")
	dir := t.TempDir()

	kc := filepath.Join(dir, "written")
	r := runKC(t, map[string]string{"HOME": dir}, "--cluster-name", "prod", "--region", "us-west-2",
		"--kubeconfig", kc, "--server", srv.URL, "--certificate-authority-data", ca)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	out, err := kubectlRaw(t, kc, filepath.Dir(bin))
	if err != nil || !strings.Contains(out, "v1.31.0-eks-fake") {
		t.Fatalf("kubectl through the written entry: %v\n%s", err, out)
	}

	// An AWS CLI entry, migrated.
	mig := filepath.Join(dir, "migrated")
	os.WriteFile(mig, []byte(fmt.Sprintf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: %s
    server: %s
  name: arn:aws:eks:us-west-2:111122223333:cluster/prod
contexts:
- context:
    cluster: arn:aws:eks:us-west-2:111122223333:cluster/prod
    user: arn:aws:eks:us-west-2:111122223333:cluster/prod
  name: arn:aws:eks:us-west-2:111122223333:cluster/prod
current-context: arn:aws:eks:us-west-2:111122223333:cluster/prod
kind: Config
preferences: {}
users:
- name: arn:aws:eks:us-west-2:111122223333:cluster/prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - us-west-2
      - eks
      - get-token
      - --cluster-name
      - prod
      - --output
      - json
      command: aws
`, ca, srv.URL)), 0o600)
	r = runKC(t, map[string]string{"HOME": dir}, "migrate", "--kubeconfig", mig)
	if r.code != 0 || !strings.Contains(r.stdout, "migrated 1 user(s)") {
		t.Fatalf("migrate: %d %s %s", r.code, r.stdout, r.stderr)
	}
	out, err = kubectlRaw(t, mig, filepath.Dir(bin))
	if err != nil || !strings.Contains(out, "v1.31.0-eks-fake") {
		t.Fatalf("kubectl through the migrated entry: %v\n%s", err, out)
	}
	if seen() < 2 {
		t.Errorf("API server saw %d authenticated requests, want 2", seen())
	}
}
