package jsonlite

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, append([]string{"list", "-deps"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("go list printed %q", out)
	}
	return lines
}

// The reason this package exists: the ekstoken command links encoding/json
// only through the kubeconfig package (which reads JSON kubeconfigs), and
// the -tags nonet build, which has no kubeconfig subcommand, not at all.
func TestCommandLinksEncodingJSONOnlyThroughKubeconfig(t *testing.T) {
	for _, tags := range []string{"", "nonet"} {
		for _, line := range goList(t, "-tags", tags, "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "github.com/ekstoken/ekstoken/cmd/ekstoken") {
			pkg, imports, _ := strings.Cut(line, " ")
			for _, imp := range strings.Fields(imports) {
				if imp == "encoding/json" && (tags == "nonet" || pkg != "github.com/ekstoken/ekstoken/kubeconfig") {
					t.Errorf("build tags %q: %s imports encoding/json", tags, pkg)
				}
			}
		}
	}
}

// TestNoReflection: this package itself stays off reflection and fmt.
func TestNoReflection(t *testing.T) {
	for _, d := range goList(t, ".") {
		if d == "reflect" || d == "fmt" || d == "encoding/json" {
			t.Errorf("jsonlite depends on %s", d)
		}
	}
}
