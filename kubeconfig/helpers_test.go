package kubeconfig

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n%s", name, UnifiedDiff("golden", "got", want, got))
	}
}

// copyFixture copies testdata/<src> to dir/<name> and returns its path.
func copyFixture(t *testing.T, src, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", src))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// kubectlView loads path with the real kubectl (`kubectl config view --raw
// -o json`), so every file we write is checked by the program that reads
// it. kubectl is on PATH on the development machine and in CI.
func kubectlView(t *testing.T, path string) map[string]any {
	t.Helper()
	v, err := kubectlTry(path)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func kubectlTry(path string) (map[string]any, error) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		return nil, fmt.Errorf("kubectl not on PATH: %v", err)
	}
	cmd := exec.Command(kubectl, "config", "view", "--raw", "-o", "json", "--kubeconfig", path)
	cmd.Env = append(os.Environ(), "KUBECONFIG=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("kubectl config view %s: %v\n%s", path, err, out)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("kubectl output: %v", err)
	}
	return v, nil
}

// kubectlNamed returns the entry of list (clusters/users/contexts) named name
// as kubectl sees it, or nil.
func kubectlNamed(v map[string]any, list, name string) map[string]any {
	items, _ := v[list].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if m["name"] == name {
			return m
		}
	}
	return nil
}

func mustValue(t *testing.T, data []byte) any {
	t.Helper()
	c, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Value()
	if err != nil {
		t.Fatal(err)
	}
	return v
}
