package crosscheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// restConfig is what a Go program using client-go builds for an EKS
// cluster: the exec provider runs command with args, client-go passes
// KUBERNETES_EXEC_INFO in apiVersion itself.
func restConfig(a *apiServer, apiVersion, command string, args []string, env map[string]string) *rest.Config {
	ec := &clientcmdapi.ExecConfig{
		Command:         command,
		Args:            args,
		APIVersion:      apiVersion,
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}
	for k, v := range env {
		ec.Env = append(ec.Env, clientcmdapi.ExecEnvVar{Name: k, Value: v})
	}
	return &rest.Config{
		Host:            a.URL,
		TLSClientConfig: rest.TLSClientConfig{CAData: a.caPEM()},
		ExecProvider:    ec,
		Timeout:         30 * time.Second,
	}
}

func sessionEnv() map[string]string {
	return pluginEnv(identityEnv{sessionID.AccessKeyID, sessionID.SecretAccessKey, sessionID.SessionToken})
}

// TestClientGoExecPlugin: client-go (v1beta1 and v1 exec API) runs the
// freshly built ekstoken as its credential plugin; /version and a namespace
// list succeed against an API server that authenticates with
// aws-iam-authenticator's verifier, and the identity the fake STS vouched
// for is the one ekstoken signed with.
func TestClientGoExecPlugin(t *testing.T) {
	bin := ekstokenBinary(t)
	for _, apiVersion := range []string{"client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1"} {
		t.Run(apiVersion[strings.LastIndex(apiVersion, "/")+1:], func(t *testing.T) {
			a := newAPIServer(t, "crosscheck-"+apiVersion[len(apiVersion)-2:], "aws", "us-east-2")
			cs, err := kubernetes.NewForConfig(restConfig(a, apiVersion, bin, []string{"--cluster-name", a.cluster, "--region", "us-east-2"}, sessionEnv()))
			if err != nil {
				t.Fatal(err)
			}
			v, err := cs.Discovery().ServerVersion()
			if err != nil {
				t.Fatalf("/version: %v", err)
			}
			if v.GitVersion != "v1.32.0-eks-crosscheck" {
				t.Errorf("version %+v", v)
			}
			nss, err := cs.CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{})
			if err != nil {
				t.Fatalf("namespaces: %v", err)
			}
			if len(nss.Items) != 2 || nss.Items[0].Annotations["crosscheck/arn"] != "arn:aws:"+sessionID.ARNPath {
				t.Errorf("namespaces %+v", nss.Items)
			}
			tokens, accepted, rejected := a.stats()
			if accepted != 2 || len(rejected) != 0 {
				t.Errorf("accepted %d, rejected %q", accepted, rejected)
			}
			if len(tokens) == 2 && tokens[0] != tokens[1] {
				t.Errorf("client-go did not reuse the unexpired token")
			}
			for _, s := range fakeSTS.Seen() {
				if s.Status != 200 || s.Cluster != a.cluster {
					t.Errorf("fake STS: %+v", s)
				}
			}
		})
	}
}

// TestClientGoRefreshesAfterExpiry: ekstoken reports the credentials'
// expiry when it comes before now+14m (AWS_CREDENTIAL_EXPIRATION here, set
// 3 s ahead by a wrapper at every run). Once that time has passed,
// client-go runs ekstoken again and the new token is accepted.
func TestClientGoRefreshesAfterExpiry(t *testing.T) {
	bin := ekstokenBinary(t)
	dir := t.TempDir()
	count := filepath.Join(dir, "runs")
	wrapper := filepath.Join(dir, "ekstoken-expiring")
	script := "#!/bin/sh\necho run >> '" + count + "'\n" +
		"AWS_CREDENTIAL_EXPIRATION=$(date -u -d @$(( $(date +%s) + 3 )) +%Y-%m-%dT%H:%M:%SZ) exec '" + bin + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	a := newAPIServer(t, "crosscheck-refresh", "aws", "us-east-2")
	cs, err := kubernetes.NewForConfig(restConfig(a, "client.authentication.k8s.io/v1beta1", wrapper,
		[]string{"--cluster-name", a.cluster, "--region", "us-east-2"}, sessionEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Discovery().ServerVersion(); err != nil {
		t.Fatalf("first request: %v", err)
	}
	if _, err := cs.Discovery().ServerVersion(); err != nil {
		t.Fatalf("second request: %v", err)
	}
	time.Sleep(4 * time.Second)
	if _, err := cs.Discovery().ServerVersion(); err != nil {
		t.Fatalf("request after expiry: %v", err)
	}
	runs, _ := os.ReadFile(count)
	tokens, accepted, rejected := a.stats()
	if n := strings.Count(string(runs), "run"); n != 2 {
		t.Errorf("ekstoken ran %d times, want 2 (once, then once after expiry)", n)
	}
	if accepted != 3 || len(rejected) != 0 || len(tokens) != 3 || tokens[0] != tokens[1] || tokens[1] == tokens[2] {
		t.Errorf("accepted %d rejected %q; tokens same-before-expiry %v, new-after %v", accepted, rejected,
			len(tokens) == 3 && tokens[0] == tokens[1], len(tokens) == 3 && tokens[1] != tokens[2])
	}
	fakeSTS.Seen()
}

// TestClientGoWrongCluster: a kubeconfig naming another cluster gets a
// token the API server's verifier sends to STS with its own cluster name;
// STS answers SignatureDoesNotMatch and client-go reports 401.
func TestClientGoWrongCluster(t *testing.T) {
	bin := ekstokenBinary(t)
	a := newAPIServer(t, "crosscheck-right", "aws", "us-east-2")
	cs, err := kubernetes.NewForConfig(restConfig(a, "client.authentication.k8s.io/v1beta1", bin,
		[]string{"--cluster-name", "crosscheck-wrong", "--region", "us-east-2"}, sessionEnv()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = cs.CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{})
	if !apierrors.IsUnauthorized(err) {
		t.Fatalf("err = %v, want 401 Unauthorized", err)
	}
	_, accepted, rejected := a.stats()
	if accepted != 0 || len(rejected) == 0 || !strings.Contains(rejected[0], "SignatureDoesNotMatch") {
		t.Errorf("accepted %d, rejected %q", accepted, rejected)
	}
	seen := fakeSTS.Seen()
	if len(seen) == 0 || seen[0].Cluster != "crosscheck-right" || seen[0].Error != "SignatureDoesNotMatch" {
		t.Errorf("fake STS saw %+v", seen)
	}
}
