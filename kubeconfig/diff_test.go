package kubeconfig

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// applyUnified applies a unified diff to old, checking every context and
// deleted line, so a wrong hunk header or line fails.
func applyUnified(t *testing.T, old, diff string) string {
	t.Helper()
	a := splitLines(old)
	var out []string
	pos := 0
	lines := splitLines(diff)
	for i := 2; i < len(lines); i++ {
		h := lines[i]
		if !strings.HasPrefix(h, "@@ -") {
			t.Fatalf("expected hunk header, got %q", h)
		}
		var os, on, ns, nn int
		parseRange := func(s string) (int, int) {
			start, n, ok := strings.Cut(s, ",")
			st, _ := strconv.Atoi(start)
			if !ok {
				return st, 1
			}
			c, _ := strconv.Atoi(n)
			return st, c
		}
		f := strings.Fields(h)
		os, on = parseRange(f[1][1:])
		ns, nn = parseRange(f[2][1:])
		_ = ns
		if on == 0 {
			os++ // "-k,0" means after line k
		}
		for pos < os-1 {
			out = append(out, a[pos])
			pos++
		}
		gotOld, gotNew := 0, 0
		for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "@@ ") {
			i++
			l := lines[i]
			if strings.HasPrefix(l, `\ No newline`) {
				last := len(out) - 1
				if strings.HasPrefix(lines[i-1], "-") {
					continue // the old line had none: nothing to do
				}
				out[last] = strings.TrimSuffix(out[last], "\n")
				continue
			}
			body := l[1:]
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], `\ No newline`) {
				body = strings.TrimSuffix(body, "\n")
			}
			switch l[0] {
			case ' ':
				if a[pos] != body {
					t.Fatalf("context mismatch at old line %d: %q vs %q", pos+1, a[pos], body)
				}
				out = append(out, body)
				pos++
				gotOld++
				gotNew++
			case '-':
				if a[pos] != body {
					t.Fatalf("deleted line mismatch at old line %d: %q vs %q", pos+1, a[pos], body)
				}
				pos++
				gotOld++
			case '+':
				out = append(out, body)
				gotNew++
			default:
				t.Fatalf("bad diff line %q", l)
			}
		}
		if gotOld != on || gotNew != nn {
			t.Fatalf("hunk %q has %d old and %d new lines", h, gotOld, gotNew)
		}
	}
	out = append(out, a[pos:]...)
	return strings.Join(out, "")
}

func TestUnifiedDiffRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	words := []string{"a\n", "b\n", "c\n", "d\n", "e\n", "x\n"}
	gen := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(words[rng.Intn(len(words))])
		}
		s := b.String()
		if rng.Intn(4) == 0 {
			s = strings.TrimSuffix(s, "\n")
		}
		return s
	}
	for i := 0; i < 2000; i++ {
		old := gen(rng.Intn(30))
		var nw string
		if rng.Intn(3) == 0 {
			nw = gen(rng.Intn(30))
		} else { // a few edits to old
			l := splitLines(old)
			for j := rng.Intn(4); j >= 0 && len(l) > 0; j-- {
				k := rng.Intn(len(l))
				switch rng.Intn(3) {
				case 0:
					l = append(l[:k], l[k+1:]...)
				case 1:
					l = append(l[:k], append([]string{"new" + fmt.Sprint(j) + "\n"}, l[k:]...)...)
				default:
					l[k] = "changed\n"
				}
			}
			nw = strings.Join(l, "")
		}
		d := UnifiedDiff("old", "new", []byte(old), []byte(nw))
		if old == nw {
			if d != "" {
				t.Fatalf("diff of equal inputs: %q", d)
			}
			continue
		}
		if got := applyUnified(t, old, d); got != nw {
			t.Fatalf("case %d: applying the diff gives %q, want %q\nold %q\ndiff:\n%s", i, got, nw, old, d)
		}
	}
}

// TestUnifiedDiffPatch checks our diffs with GNU patch, when installed.
func TestUnifiedDiffPatch(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch not on PATH; TestUnifiedDiffRandom checks the same with a strict applier")
	}
	for _, in := range []string{"atmos.yaml", "awscli.yaml", "authenticator.yaml"} {
		dir := t.TempDir()
		path := copyFixture(t, "migrate/"+in, dir, "config")
		res, err := Edit(path, EditOptions{DryRun: true}, func(c *Config) error { _, err := c.Migrate("ekstoken"); return err })
		if err != nil {
			t.Fatal(err)
		}
		d := UnifiedDiff("config", "config", res.Old, res.New)
		pf := filepath.Join(dir, "p.diff")
		os.WriteFile(pf, []byte(d), 0o600)
		cmd := exec.Command(patch, "--quiet", "-u", path, pf)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("patch: %v\n%s", err, out)
		}
		got, _ := os.ReadFile(path)
		if string(got) != string(res.New) {
			t.Errorf("%s: patched file differs from the migrated one", in)
		}
	}
}

func TestUnifiedDiffFormat(t *testing.T) {
	old := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n"
	nw := "1\n2\n3\nfour\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\nseventeen"
	want := `--- a
+++ b
@@ -1,7 +1,7 @@
 1
 2
 3
-4
+four
 5
 6
 7
@@ -14,3 +14,4 @@
 14
 15
 16
+seventeen
\ No newline at end of file
`
	if got := UnifiedDiff("a", "b", []byte(old), []byte(nw)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := UnifiedDiff("a", "b", nil, []byte("x\n")); got != "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n" {
		t.Errorf("from empty: %q", got)
	}
}
