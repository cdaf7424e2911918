package crosscheck

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	authtoken "sigs.k8s.io/aws-iam-authenticator/pkg/token"
)

// apiServer is a stand-in for an EKS cluster's API server: TLS on
// 127.0.0.1, every request authenticated by aws-iam-authenticator's real
// verifier for one cluster (whose STS call goes to the fake STS), serving
// /version and the namespace list. That is all kubectl and client-go need
// to prove a token works.
type apiServer struct {
	*httptest.Server
	cluster string

	mu       sync.Mutex
	tokens   []string // every bearer token presented, in order
	paths    []string // the request paths, in order
	accepted int
	rejected []string // verifier errors
}

func newAPIServer(t *testing.T, cluster, partition, region string) *apiServer {
	a := &apiServer{cluster: cluster}
	v := authtoken.NewVerifier(cluster, partition, region)
	a.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		id, err := v.Verify(tok)
		a.mu.Lock()
		a.tokens = append(a.tokens, tok)
		a.paths = append(a.paths, r.URL.Path)
		if err != nil {
			a.rejected = append(a.rejected, err.Error())
		} else {
			a.accepted++
		}
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`))
			return
		}
		switch r.URL.Path {
		case "/version":
			w.Write([]byte(`{"major":"1","minor":"32","gitVersion":"v1.32.0-eks-crosscheck","gitCommit":"0","gitTreeState":"clean","buildDate":"2026-01-01T00:00:00Z","goVersion":"go1.26","compiler":"gc","platform":"linux/amd64"}`))
		case "/api/v1/namespaces":
			json.NewEncoder(w).Encode(map[string]any{
				"kind": "NamespaceList", "apiVersion": "v1", "metadata": map[string]any{"resourceVersion": "1"},
				"items": []any{
					map[string]any{"metadata": map[string]any{"name": "default", "annotations": map[string]string{"crosscheck/arn": id.ARN}}},
					map[string]any{"metadata": map[string]any{"name": "kube-system"}},
				},
			})
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}`))
		}
	}))
	a.StartTLS()
	t.Cleanup(a.Close)
	return a
}

// caPEM is the server's certificate, for kubeconfig and rest.Config.
func (a *apiServer) caPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Certificate().Raw})
}

func (a *apiServer) stats() (tokens []string, accepted int, rejected []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.tokens...), a.accepted, append([]string(nil), a.rejected...)
}

// pluginEnv isolates the exec plugin from the machine: credentials only
// from the environment given here, no shared files, no IMDS.
func pluginEnv(id identityEnv) map[string]string {
	env := map[string]string{
		"AWS_ACCESS_KEY_ID":                      id.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":                  id.SecretAccessKey,
		"AWS_CONFIG_FILE":                        os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE":            os.DevNull,
		"AWS_EC2_METADATA_DISABLED":              "true",
		"AWS_PROFILE":                            "",
		"AWS_DEFAULT_PROFILE":                    "",
		"AWS_ROLE_ARN":                           "",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	}
	if id.SessionToken != "" {
		env["AWS_SESSION_TOKEN"] = id.SessionToken
	} else {
		env["AWS_SESSION_TOKEN"] = ""
	}
	return env
}

type identityEnv struct{ AccessKeyID, SecretAccessKey, SessionToken string }

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	binaries  = map[string]string{}
)

// ekstokenBinary returns the path of a freshly built ekstoken (go build
// ./cmd/ekstoken in the root module, so with the root module's own
// dependency versions: the binary users get), or $EKSTOKEN_BIN when set.
func ekstokenBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("EKSTOKEN_BIN"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	return buildBinary(t, "..", "./cmd/ekstoken")
}

// buildBinary builds pkg in the module at dir into a temporary directory
// removed when the tests end.
func buildBinary(t testing.TB, dir, pkg string) string {
	t.Helper()
	buildOnce.Do(func() { buildDir, buildErr = os.MkdirTemp("", "crosscheck-bin-") })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if p, ok := binaries[pkg]; ok {
		return p
	}
	out := filepath.Join(buildDir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	binaries[pkg] = out
	return out
}

func cleanupBuilds() error {
	if buildDir == "" {
		return nil
	}
	return os.RemoveAll(buildDir)
}
