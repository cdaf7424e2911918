package kubeconfig

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestTokenPathLinksNoYAML: the packages kubectl's token refresh runs
// (sigv4, token, creds) must not import the YAML library; only this package
// and the kubeconfig subcommand do.
func TestTokenPathLinksNoYAML(t *testing.T) {
	pkgs := []string{"../sigv4"}
	for _, p := range []string{"../token", "../creds"} {
		if _, err := os.Stat(p); err == nil {
			pkgs = append(pkgs, p)
		}
	}
	out, err := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "yaml") {
		t.Errorf("%v depend on a YAML package:\n%s", pkgs, out)
	}
	if !strings.Contains(string(out), "github.com/ekstoken/ekstoken/sigv4") {
		t.Errorf("go list output does not list sigv4; the check checks nothing:\n%s", out)
	}
}
