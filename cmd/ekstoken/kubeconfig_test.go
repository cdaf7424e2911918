//go:build !nonet

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekstoken/ekstoken/kubeconfig"
	"github.com/ekstoken/ekstoken/sigv4"
)

const kcCA = "Y2E="

var kcCreds = sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "tok-example"}

type kcRun struct {
	code           int
	stdout, stderr string
	credCalls      []string
}

// runKC runs the subcommand with env (nothing else of the real environment).
func runKC(t *testing.T, env map[string]string, args ...string) kcRun {
	t.Helper()
	var out, errb bytes.Buffer
	var r kcRun
	credsFn := func(ctx context.Context, profile, identity string) (sigv4.Credentials, error) {
		r.credCalls = append(r.credCalls, profile+"|"+identity)
		if profile == "broken" {
			return sigv4.Credentials{}, errors.New("profile broken: no credentials")
		}
		return kcCreds, nil
	}
	r.code = runKubeconfig(context.Background(), args, func(k string) string { return env[k] }, &out, &errb, credsFn)
	r.stdout, r.stderr = out.String(), errb.String()
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, kcCreds.SecretAccessKey) || strings.Contains(s, kcCreds.SessionToken) {
			t.Fatalf("output leaks a secret: %s", s)
		}
	}
	return r
}

func kcView(t *testing.T, path string) map[string]any {
	t.Helper()
	cmd := exec.Command("kubectl", "config", "view", "--raw", "-o", "json", "--kubeconfig", path)
	cmd.Env = append(os.Environ(), "KUBECONFIG=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl config view: %v\n%s", err, out)
	}
	var v map[string]any
	json.Unmarshal(out, &v)
	return v
}

func kcNamed(v map[string]any, list, name string) map[string]any {
	l, _ := v[list].([]any)
	for _, it := range l {
		if m, _ := it.(map[string]any); m["name"] == name {
			return m
		}
	}
	return nil
}

func TestKubeconfigWrite(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	r := runKC(t, env, "--cluster-name", "prod", "--region", "us-west-2", "--profile", "ops",
		"--server", "https://ABC.gr7.us-west-2.eks.amazonaws.com", "--certificate-authority-data", kcCA)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	path := filepath.Join(home, ".kube", "config")
	if want := fmt.Sprintf("wrote context %q (cluster %q, user %q) to %s\n", "ekstoken-prod-us-west-2", "ekstoken-prod-us-west-2", "ekstoken-prod-us-west-2", path); r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if len(r.credCalls) != 0 {
		t.Errorf("credentials were asked for without --describe")
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v %v", fi, err)
	}
	v := kcView(t, path)
	ex := kcNamed(v, "users", "ekstoken-prod-us-west-2")["user"].(map[string]any)["exec"].(map[string]any)
	if got := fmt.Sprint(ex["args"]); got != "[--cluster-name prod --region us-west-2 --profile ops]" || ex["command"] != "ekstoken" || ex["interactiveMode"] != "Never" {
		t.Errorf("exec = %v", ex)
	}
	if v["current-context"] != "ekstoken-prod-us-west-2" {
		t.Errorf("current-context %v", v["current-context"])
	}

	// Again: nothing to do.
	r = runKC(t, env, "--cluster-name", "prod", "--region", "us-west-2", "--profile", "ops",
		"--server", "https://ABC.gr7.us-west-2.eks.amazonaws.com", "--certificate-authority-data", kcCA)
	if r.code != 0 || !strings.Contains(r.stdout, "not rewritten") {
		t.Errorf("second run: %d %q %q", r.code, r.stdout, r.stderr)
	}
	// --mode error refuses now.
	r = runKC(t, env, "--cluster-name", "prod", "--region", "us-west-2", "--mode", "error",
		"--server", "https://ABC.gr7.us-west-2.eks.amazonaws.com", "--certificate-authority-data", kcCA)
	if r.code != 1 || r.stderr != "ekstoken kubeconfig: cluster entry \"ekstoken-prod-us-west-2\" already exists (mode error)\n" {
		t.Errorf("mode error: %d %q", r.code, r.stderr)
	}
	// --dry-run prints a diff and writes nothing.
	before, _ := os.ReadFile(path)
	r = runKC(t, env, "--cluster-name", "prod", "--region", "us-west-2", "--alias", "p", "--no-set-current", "--dry-run",
		"--server", "https://ABC.gr7.us-west-2.eks.amazonaws.com", "--certificate-authority-data", kcCA)
	after, _ := os.ReadFile(path)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "--- "+path+"\n+++ "+path+"\n@@ ") || !strings.Contains(r.stdout, "\n+  name: p\n") || string(before) != string(after) {
		t.Errorf("dry run: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestKubeconfigPaths(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--cluster-name", "c", "--server", "https://x", "--certificate-authority-data", kcCA}
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
		want string
	}{
		"KUBECONFIG first path": {map[string]string{"HOME": dir, "AWS_REGION": "eu-west-1", "KUBECONFIG": string(os.PathListSeparator) + filepath.Join(dir, "k1") + string(os.PathListSeparator) + filepath.Join(dir, "k2")}, nil, filepath.Join(dir, "k1")},
		"--kubeconfig wins":     {map[string]string{"HOME": dir, "AWS_REGION": "eu-west-1", "KUBECONFIG": filepath.Join(dir, "k1")}, []string{"--kubeconfig", filepath.Join(dir, "k3")}, filepath.Join(dir, "k3")},
		"--atmos XDG":           {map[string]string{"HOME": dir, "AWS_DEFAULT_REGION": "eu-west-1", "XDG_CONFIG_HOME": filepath.Join(dir, "xdg")}, []string{"--atmos"}, filepath.Join(dir, "xdg", "atmos", "kube", "config")},
		"--atmos ATMOS_XDG":     {map[string]string{"HOME": dir, "AWS_REGION": "eu-west-1", "XDG_CONFIG_HOME": "x", "ATMOS_XDG_CONFIG_HOME": filepath.Join(dir, "axdg")}, []string{"--atmos"}, filepath.Join(dir, "axdg", "atmos", "kube", "config")},
		"--atmos default":       {map[string]string{"HOME": dir, "AWS_REGION": "eu-west-1"}, []string{"--atmos"}, filepath.Join(dir, ".config", "atmos", "kube", "config")},
	} {
		r := runKC(t, tc.env, append(append([]string{}, args...), tc.args...)...)
		if r.code != 0 || !strings.HasSuffix(r.stdout, " to "+tc.want+"\n") {
			t.Errorf("%s: %d %q %q", name, r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(tc.want); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestKubeconfigUsageErrors(t *testing.T) {
	env := map[string]string{"HOME": t.TempDir()}
	srv := []string{"--server", "https://x", "--certificate-authority-data", kcCA}
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{append([]string{"--region", "r"}, srv...), 2, "--cluster-name is required"},
		{append([]string{"--cluster-name", "c"}, srv...), 2, "--region is required (or set AWS_REGION)"},
		{append([]string{"--cluster-name", "c", "--region", "evil.com/x"}, srv...), 2, "region"},
		{append([]string{"--cluster-name", "c d", "--region", "r"}, srv...), 2, "white space"},
		{append([]string{"--cluster-name", "c", "--region", "r", "--identity", "i", "--profile", "p"}, srv...), 2, "--identity and --profile exclude each other"},
		{append([]string{"--cluster-name", "c", "--region", "r", "--describe"}, srv...), 2, "--describe and --server/--certificate-authority-data exclude each other"},
		{[]string{"--cluster-name", "c", "--region", "r", "--server", "https://x"}, 2, "give --server and --certificate-authority-data, or --describe"},
		{append([]string{"--cluster-name", "c", "--region", "r", "--mode", "upsert"}, srv...), 2, `mode "upsert" is not merge, replace or error`},
		{append([]string{"--cluster-name", "c", "--region", "r", "--bogus"}, srv...), 2, "flag provided but not defined: -bogus"},
		{append([]string{"--cluster-name", "c", "--region", "r", "extra"}, srv...), 2, `unexpected argument "extra"`},
		{append([]string{"--cluster-name", "c", "--region", "r", "--kubeconfig", "x", "--atmos"}, srv...), 2, "--kubeconfig and --atmos exclude each other"},
		{[]string{"--cluster-name", "c", "--region", "r", "--server", "http://x", "--certificate-authority-data", kcCA}, 1, `API server URL "http://x" is not https`},
		{[]string{"--cluster-name", "c", "--region", "r", "--server", "https://x", "--certificate-authority-data", "!!"}, 1, "not valid base64"},
		{append([]string{"--cluster-name", "c", "--region", "r", "--interactive-mode", "Sometimes"}, srv...), 1, "interactive mode"},
		{[]string{"migrate", "--kubeconfig", "/nonexistent/config"}, 1, "no kubeconfig to migrate"},
		{[]string{"migrate", "extra"}, 2, `unexpected argument "extra"`},
	} {
		r := runKC(t, env, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.err) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want exit %d and %q", tc.args, r.code, r.stderr, r.stdout, tc.code, tc.err)
		}
	}
	r := runKC(t, env, "--help")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage:\n  ekstoken kubeconfig") {
		t.Errorf("--help: %d %q", r.code, r.stdout)
	}
}

// fakeEKS answers DescribeCluster for "prod" in us-west-2 and checks the
// request is SigV4-signed for eks in that region with our credentials (the
// signature itself is verified in package kubeconfig's tests).
func fakeEKS(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(auth, "/us-west-2/eks/aws4_request") || r.Header.Get("X-Amz-Security-Token") != kcCreds.SessionToken {
			t.Errorf("request not signed for eks/us-west-2: %q", auth)
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/clusters/prod" {
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(404)
			fmt.Fprint(w, `{"message":"No cluster found for name: x."}`)
			return
		}
		fmt.Fprint(w, `{"cluster":{"name":"prod","arn":"arn:aws:eks:us-west-2:111122223333:cluster/prod","endpoint":"https://ABC.gr7.us-west-2.eks.amazonaws.com","status":"ACTIVE","certificateAuthority":{"data":"Y2E="}}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestKubeconfigDescribe(t *testing.T) {
	srv := fakeEKS(t)
	home := t.TempDir()
	env := map[string]string{"HOME": home, "AWS_ENDPOINT_URL_EKS": srv.URL}
	r := runKC(t, env, "--cluster-name", "prod", "--region", "us-west-2", "--identity", "core/dev-admin", "--describe", "--alias", "prod")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if fmt.Sprint(r.credCalls) != "[|core/dev-admin]" {
		t.Errorf("credentials asked for %v", r.credCalls)
	}
	v := kcView(t, filepath.Join(home, ".kube", "config"))
	cl := kcNamed(v, "clusters", "arn:aws:eks:us-west-2:111122223333:cluster/prod")
	if cl == nil || cl["cluster"].(map[string]any)["server"] != "https://ABC.gr7.us-west-2.eks.amazonaws.com" {
		t.Errorf("cluster entry: %v", v["clusters"])
	}
	if ctx := kcNamed(v, "contexts", "prod"); ctx == nil || ctx["context"].(map[string]any)["cluster"] != "arn:aws:eks:us-west-2:111122223333:cluster/prod" {
		t.Errorf("context: %v", v["contexts"])
	}

	before, _ := os.ReadFile(filepath.Join(home, ".kube", "config"))
	r = runKC(t, env, "--cluster-name", "nope", "--region", "us-west-2", "--describe")
	if r.code != 1 || r.stderr != "ekstoken kubeconfig: cluster nope not found in us-west-2\n" {
		t.Errorf("not found: %d %q", r.code, r.stderr)
	}
	r = runKC(t, env, "--cluster-name", "prod", "--region", "us-west-2", "--profile", "broken", "--describe")
	if r.code != 1 || r.stderr != "ekstoken kubeconfig: profile broken: no credentials\n" {
		t.Errorf("no creds: %d %q", r.code, r.stderr)
	}
	after, _ := os.ReadFile(filepath.Join(home, ".kube", "config"))
	if string(before) != string(after) {
		t.Error("a failed --describe changed the file")
	}
}

// TestKubeconfigDescribeCABundle: --describe trusts AWS_CA_BUNDLE or the
// profile's ca_bundle instead of the system roots, as the token path does.
func TestKubeconfigDescribeCABundle(t *testing.T) {
	plain := fakeEKS(t)
	srv := httptest.NewTLSServer(plain.Config.Handler)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	bundle := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[profile corp]\nca_bundle = "+bundle+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--cluster-name", "prod", "--region", "us-west-2", "--describe", "--alias", "prod"}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		args  []string
		code  int
		error string
	}{
		{"system roots", nil, nil, 1, "certificate"},
		{"AWS_CA_BUNDLE", map[string]string{"AWS_CA_BUNDLE": bundle}, nil, 0, ""},
		{"profile ca_bundle", map[string]string{"AWS_PROFILE": "corp"}, nil, 0, ""},
		{"--profile ca_bundle", nil, []string{"--profile", "corp"}, 0, ""},
		{"missing bundle", map[string]string{"AWS_CA_BUNDLE": filepath.Join(dir, "nope.pem")}, nil, 1, "CA bundle (AWS_CA_BUNDLE or ca_bundle)"},
		{"not PEM", map[string]string{"AWS_CA_BUNDLE": config}, nil, 1, "holds no PEM certificate"},
		{"AWS_CA_BUNDLE beats ca_bundle", map[string]string{"AWS_CA_BUNDLE": config, "AWS_PROFILE": "corp"}, nil, 1, "holds no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": t.TempDir(), "AWS_ENDPOINT_URL_EKS": srv.URL, "AWS_CONFIG_FILE": config}
			for k, v := range tc.env {
				env[k] = v
			}
			r := runKC(t, env, append(append([]string{}, args...), tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.error) || strings.Count(r.stderr, "\n") > 1 {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.error)
			}
		})
	}
}

func TestEKSEndpoint(t *testing.T) {
	for _, tc := range []struct {
		region string
		env    map[string]string
		want   string
	}{
		{"us-west-2", nil, "https://eks.us-west-2.amazonaws.com"},
		{"cn-north-1", nil, "https://eks.cn-north-1.amazonaws.com.cn"},
		{"us-gov-west-1", nil, "https://eks.us-gov-west-1.amazonaws.com"},
		{"us-iso-east-1", nil, "https://eks.us-iso-east-1.c2s.ic.gov"},
		{"us-isob-east-1", nil, "https://eks.us-isob-east-1.sc2s.sgov.gov"},
		{"eu-isoe-west-1", nil, "https://eks.eu-isoe-west-1.cloud.adc-e.uk"},
		{"us-isof-south-1", nil, "https://eks.us-isof-south-1.csp.hci.ic.gov"},
		{"eusc-de-east-1", nil, "https://eks.eusc-de-east-1.amazonaws.eu"},
		{"us-west-2", map[string]string{"AWS_ENDPOINT_URL_EKS": "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "http://x"}, "http://127.0.0.1:1"},
		{"us-west-2", map[string]string{"AWS_ENDPOINT_URL": "http://x"}, "http://x"},
		{"us-west-2", map[string]string{"AWS_ENDPOINT_URL_EKS": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"}, "https://eks.us-west-2.amazonaws.com"},
	} {
		if got := eksEndpoint(tc.region, func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%s %v: %s, want %s", tc.region, tc.env, got, tc.want)
		}
	}
}

func TestKubeconfigInteractiveMode(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "aws-config")
	os.WriteFile(cfg, []byte("[default]\nregion = us-east-1\n[profile mfa]\nrole_arn = arn:aws:iam::1:role/r\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile  plain ]\nregion=x\n[profile chained]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = mfa\n[profile loop]\nsource_profile = loop\n"), 0o600)
	for profile, want := range map[string]string{"mfa": "IfAvailable", "plain": "Never", "": "Never", "chained": "IfAvailable", "loop": "Never", "absent": "Never"} {
		path := filepath.Join(dir, "kc-"+profile)
		args := []string{"--cluster-name", "c", "--region", "us-east-1", "--kubeconfig", path, "--server", "https://x", "--certificate-authority-data", kcCA}
		if profile != "" {
			args = append(args, "--profile", profile)
		}
		if r := runKC(t, map[string]string{"AWS_CONFIG_FILE": cfg}, args...); r.code != 0 {
			t.Fatal(r.stderr)
		}
		ex := kcNamed(kcView(t, path), "users", "ekstoken-c-us-east-1")["user"].(map[string]any)["exec"].(map[string]any)
		if ex["interactiveMode"] != want {
			t.Errorf("profile %q: interactiveMode %v, want %s", profile, ex["interactiveMode"], want)
		}
	}
	// AWS_PROFILE selects the profile when --profile is absent; the flag overrides.
	path := filepath.Join(dir, "kc-env")
	runKC(t, map[string]string{"AWS_CONFIG_FILE": cfg, "AWS_PROFILE": "mfa"}, "--cluster-name", "c", "--region", "us-east-1", "--kubeconfig", path, "--server", "https://x", "--certificate-authority-data", kcCA, "--interactive-mode", "Always")
	if ex := kcNamed(kcView(t, path), "users", "ekstoken-c-us-east-1")["user"].(map[string]any)["exec"].(map[string]any); ex["interactiveMode"] != "Always" {
		t.Errorf("--interactive-mode not honoured: %v", ex)
	}
}

func TestKubeconfigMigrate(t *testing.T) {
	src, err := os.ReadFile("../../kubeconfig/testdata/migrate/awscli.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	os.WriteFile(path, src, 0o600)
	env := map[string]string{"KUBECONFIG": path}

	r := runKC(t, env, "migrate", "--dry-run")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "--- "+path) || strings.Contains(r.stdout, "migrated user") {
		t.Fatalf("dry run: %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, `migrated user "arn:aws:eks:us-west-2:111122223333:cluster/prod" (aws) to: ekstoken --cluster-name prod --region us-west-2`) ||
		!strings.Contains(r.stderr, `ekstoken: left user "admin@legacy.us-east-1.eksctl.io" (aws) as it is: --output text: kubectl reads only json`) ||
		!strings.Contains(r.stderr, "dry run: "+path+" not changed") {
		t.Errorf("dry-run report:\n%s", r.stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != string(src) {
		t.Fatal("dry run wrote")
	}

	r = runKC(t, env, "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "migrated 4 user(s) in "+path+"; the previous file is in "+path+kubeconfig.BackupSuffix) {
		t.Fatalf("migrate: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if bak, _ := os.ReadFile(path + kubeconfig.BackupSuffix); string(bak) != string(src) {
		t.Error("backup is not the previous file")
	}
	v := kcView(t, path)
	ex := kcNamed(v, "users", "arn:aws:eks:us-west-2:111122223333:cluster/batch")["user"].(map[string]any)["exec"].(map[string]any)
	if fmt.Sprint(ex["args"]) != "[--cluster-name batch --region us-west-2 --role-arn arn:aws:iam::111122223333:role/batch-operators]" {
		t.Errorf("batch exec: %v", ex)
	}
	r = runKC(t, env, "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to migrate") {
		t.Errorf("second migrate: %q", r.stdout)
	}
}
