package crosscheck

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// peerSpellings are the exec entries the three peers write into
// kubeconfig, with the command replaced by ekstoken: a user switching to
// ekstoken changes only `command:`.
var peerSpellings = []struct {
	name    string
	command string // the peer's own command, as its kubeconfig entries name it
	args    func(cluster, region string) []string
	env     func(region string) map[string]string
}{
	// atmos auth (pkg/auth/cloud/aws/eks.go BuildKubeClusterInfo).
	{"atmos", "atmos", func(c, r string) []string { return []string{"aws", "eks", "token", "--cluster-name", c, "--region", r} }, nil},
	// aws eks update-kubeconfig.
	{"aws-cli", "aws", func(c, r string) []string {
		return []string{"--region", r, "eks", "get-token", "--cluster-name", c, "--output", "json"}
	}, nil},
	// eksctl's aws-iam-authenticator entry: region from the environment.
	{"aws-iam-authenticator", "aws-iam-authenticator", func(c, r string) []string { return []string{"token", "-i", c} },
		func(r string) map[string]string {
			return map[string]string{"AWS_STS_REGIONAL_ENDPOINTS": "regional", "AWS_DEFAULT_REGION": r}
		}},
}

// writeKubeconfig writes a kubeconfig with one context per (spelling,
// apiVersion) whose exec entry runs bin (the peer's own command when bin
// is ""), and returns its path and the context names.
func writeKubeconfig(t *testing.T, a *apiServer, bin, region string, apiVersions []string) (string, []string) {
	var clusters, users, contexts []map[string]any
	var names []string
	clusters = append(clusters, map[string]any{"name": "fake", "cluster": map[string]any{
		"server": a.URL, "certificate-authority-data": base64.StdEncoding.EncodeToString(a.caPEM())}})
	for _, sp := range peerSpellings {
		for _, av := range apiVersions {
			name := sp.name + "-" + av[strings.LastIndex(av, "/")+1:]
			env := sessionEnv()
			if sp.env != nil {
				for k, v := range sp.env(region) {
					env[k] = v
				}
			}
			var envList []map[string]string
			for k, v := range env {
				envList = append(envList, map[string]string{"name": k, "value": v})
			}
			command := bin
			if command == "" {
				command = sp.command
			}
			users = append(users, map[string]any{"name": name, "user": map[string]any{"exec": map[string]any{
				"apiVersion": av, "command": command, "args": sp.args(a.cluster, region), "env": envList, "interactiveMode": "Never",
			}}})
			contexts = append(contexts, map[string]any{"name": name, "context": map[string]any{"cluster": "fake", "user": name}})
			names = append(names, name)
		}
	}
	cfg := map[string]any{"apiVersion": "v1", "kind": "Config", "clusters": clusters, "users": users, "contexts": contexts, "current-context": names[0]}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p, names
}

// TestKubectlPeerSpellings: kubectl, given kubeconfig exec entries in the
// argument spellings of atmos, the AWS CLI and aws-iam-authenticator with
// the command pointing at ekstoken, fetches /version and the namespace
// list from an API server that authenticates with the authenticator's
// verifier, for both exec API versions.
func TestKubectlPeerSpellings(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("kubectl is not on PATH, and CI must run this test")
		}
		t.Skip("kubectl is not on PATH: install kubectl to run the kubectl end-to-end test")
	}
	bin := ekstokenBinary(t)
	a := newAPIServer(t, "crosscheck-kubectl", "aws", "eu-west-2")
	kc, contexts := writeKubeconfig(t, a, bin, "eu-west-2", []string{"client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1"})
	home := t.TempDir()
	for _, ctx := range contexts {
		for _, raw := range []string{"/version", "/api/v1/namespaces"} {
			cmd := exec.Command(kubectl, "--kubeconfig", kc, "--context", ctx, "get", "--raw", raw)
			cmd.Env = append(os.Environ(), "HOME="+home, "KUBECONFIG=")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("%s: kubectl get --raw %s: %v\n%s", ctx, raw, err, out)
				continue
			}
			want := `"gitVersion":"v1.32.0-eks-crosscheck"`
			if raw != "/version" {
				want = `"crosscheck/arn":"arn:aws:` + sessionID.ARNPath + `"`
			}
			if !strings.Contains(string(out), want) {
				t.Errorf("%s: kubectl get --raw %s printed %s", ctx, raw, out)
			}
		}
	}
	_, accepted, rejected := a.stats()
	// kubectl may ask for /version once more on its own (first run in an
	// empty HOME); every request must have been authenticated.
	if accepted < 2*len(contexts) || len(rejected) != 0 {
		t.Errorf("API server accepted %d of %d, rejected %q; paths %q", accepted, 2*len(contexts), rejected, a.paths)
	}
	for _, s := range fakeSTS.Seen() {
		if s.Status != 200 || s.Cluster != a.cluster || s.Host != "sts.eu-west-2.amazonaws.com" {
			t.Errorf("fake STS: %+v", s)
		}
	}
}
