//go:build !nonet

package awshttp

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The reason this package exists: the ekstoken command must not link
// net/http (1.2 MB of a 7 MB budget). A new import of net/http, or of a
// package that brings it (sigv4/sigv4http, net/http/httpproxy users, …),
// anywhere in the command's non-test code fails here.
func TestCommandLinksNoNetHTTP(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, "list", "-deps", "github.com/ekstoken/ekstoken/cmd/ekstoken").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list printed %q", out)
	}
	for _, d := range deps {
		if d == "net/http" || d == "github.com/ekstoken/ekstoken/sigv4/sigv4http" {
			t.Errorf("cmd/ekstoken depends on %s", d)
		}
	}
}
