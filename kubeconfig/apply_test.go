package kubeconfig

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const testCA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="

// The two targets of the apply goldens: one new to every input, one that
// exists in many.yaml (cluster with proxy-url and extensions, user with
// installHint and an auth-provider, context with a namespace).
var targets = map[string]Entry{
	"new": NewEntry(Invocation{ClusterName: "payments", Region: "us-east-2", Profile: "pay"},
		"arn:aws:eks:us-east-2:111122223333:cluster/payments", "", "https://AAAA0000BBBB1111CCCC2222DDDD3333.gr7.us-east-2.eks.amazonaws.com",
		testCA, "ekstoken", InteractiveNever),
	"existing": NewEntry(Invocation{ClusterName: "staging", Region: "eu-central-1", Identity: "platform/dev-admin", RoleARN: "arn:aws:iam::111122223333:role/staging-ro"},
		"", "staging", "https://FEDCBA9876543210FEDCBA9876543210.yl4.eu-central-1.eks.amazonaws.com",
		testCA, "/opt/ekstoken/bin/ekstoken", InteractiveNever),
}

var inputs = []string{"many.yaml", "kubectl.json", "indented.yaml", "empty.yaml", "comment-only.yaml", "missing.yaml"}

// TestApplyGolden writes each target into each input in each mode and
// compares the file with its golden copy; every written file is then loaded
// by kubectl, which must see the entry, and every entry not named must mean
// exactly what it meant before.
func TestApplyGolden(t *testing.T) {
	for _, in := range inputs {
		for tname, e := range targets {
			for _, mode := range []Mode{ModeMerge, ModeReplace, ModeError} {
				name := strings.TrimSuffix(in, filepath.Ext(in)) + "." + tname + "." + string(mode)
				t.Run(name, func(t *testing.T) {
					dir := t.TempDir()
					path := filepath.Join(dir, "config")
					var before []byte
					if in != "missing.yaml" {
						path = copyFixture(t, "in/"+in, dir, "config")
						before, _ = os.ReadFile(path)
					}
					e := e
					res, err := Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&e, mode, true) })
					if err != nil {
						golden(t, "apply/"+name+".err", []byte(err.Error()+"\n"))
						after, _ := os.ReadFile(path)
						if string(after) != string(before) {
							t.Fatalf("file changed although Apply failed")
						}
						return
					}
					got, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					ext := ".yaml"
					if strings.HasSuffix(in, ".json") {
						ext = ".json"
						if !json.Valid(got) {
							t.Fatalf("JSON input written back as non-JSON:\n%s", got)
						}
					}
					golden(t, "apply/"+name+ext, got)
					if !res.Changed || string(res.New) != string(got) {
						t.Errorf("Result: Changed=%v, New matches file=%v", res.Changed, string(res.New) == string(got))
					}
					checkUntargeted(t, before, got, &e)
					v := kubectlView(t, path)
					if kubectlNamed(v, "users", e.UserName) == nil || kubectlNamed(v, "clusters", e.ClusterKey) == nil || kubectlNamed(v, "contexts", e.ContextName) == nil {
						t.Errorf("kubectl does not see the entry: %v", v)
					}
					if v["current-context"] != e.ContextName {
						t.Errorf("kubectl current-context = %v", v["current-context"])
					}
					// Applying again changes nothing and writes nothing.
					fi1, _ := os.Stat(path)
					res, err = Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&e, ModeMerge, true) })
					if err != nil || res.Changed {
						t.Fatalf("second merge: changed=%v err=%v", res != nil && res.Changed, err)
					}
					fi2, _ := os.Stat(path)
					if !os.SameFile(fi1, fi2) || fi1.ModTime() != fi2.ModTime() {
						t.Errorf("unchanged merge rewrote the file")
					}
				})
			}
		}
	}
}

// checkUntargeted asserts that every top-level key and every list entry
// not named by e means the same before and after.
func checkUntargeted(t *testing.T, before, after []byte, e *Entry) {
	t.Helper()
	b, _ := mustValue(t, before).(map[string]any)
	a, _ := mustValue(t, after).(map[string]any)
	named := map[string]string{"clusters": e.ClusterKey, "users": e.UserName, "contexts": e.ContextName}
	for k, bv := range b {
		if k == "current-context" {
			continue
		}
		if n, ok := named[k]; ok {
			bl, _ := bv.([]any)
			al, _ := a[k].([]any)
			kept := 0
			for _, item := range bl {
				m, _ := item.(map[string]any)
				if m["name"] == n {
					continue
				}
				if !containsValue(al, item) {
					t.Errorf("%s entry %v lost or changed", k, m["name"])
				}
				kept++
			}
			continue
		}
		if !reflect.DeepEqual(bv, a[k]) {
			t.Errorf("top-level %q changed: %v -> %v", k, bv, a[k])
		}
	}
}

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if reflect.DeepEqual(x, v) {
			return true
		}
	}
	return false
}

func TestApplyModes(t *testing.T) {
	dir := t.TempDir()
	path := copyFixture(t, "in/many.yaml", dir, "config")
	e := targets["existing"]

	// merge keeps the fields of the existing entries we do not manage.
	if _, err := Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&e, ModeMerge, false) }); err != nil {
		t.Fatal(err)
	}
	v := kubectlView(t, path)
	cl := kubectlNamed(v, "clusters", e.ClusterKey)["cluster"].(map[string]any)
	if cl["proxy-url"] != "http://proxy.internal:3128" || cl["extensions"] == nil {
		t.Errorf("merge lost cluster fields: %v", cl)
	}
	ctx := kubectlNamed(v, "contexts", "staging")["context"].(map[string]any)
	if ctx["namespace"] != "web" {
		t.Errorf("merge lost the context namespace: %v", ctx)
	}
	us := kubectlNamed(v, "users", e.UserName)["user"].(map[string]any)
	if us["auth-provider"] != nil {
		t.Errorf("merge kept auth-provider next to exec: %v", us)
	}
	if v["current-context"] != "onprem" {
		t.Errorf("setCurrent=false changed current-context to %v", v["current-context"])
	}

	// replace drops them.
	if _, err := Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&e, ModeReplace, true) }); err != nil {
		t.Fatal(err)
	}
	v = kubectlView(t, path)
	cl = kubectlNamed(v, "clusters", e.ClusterKey)["cluster"].(map[string]any)
	if cl["proxy-url"] != nil {
		t.Errorf("replace kept proxy-url: %v", cl)
	}
	ex := kubectlNamed(v, "users", e.UserName)["user"].(map[string]any)["exec"].(map[string]any)
	want := []any{"--cluster-name", "staging", "--region", "eu-central-1", "--identity", "platform/dev-admin", "--role-arn", "arn:aws:iam::111122223333:role/staging-ro"}
	if !reflect.DeepEqual(ex["args"], want) || ex["command"] != "/opt/ekstoken/bin/ekstoken" || ex["interactiveMode"] != "Never" {
		t.Errorf("exec = %v", ex)
	}
}

func TestEditErrorsLeaveFileUntouched(t *testing.T) {
	e := targets["new"]
	apply := func(c *Config) error { return c.Apply(&e, ModeMerge, true) }
	for name, content := range map[string]string{
		"malformed":   "apiVersion: v1\nclusters: [\n",
		"scalar":      "just a string\n",
		"list-top":    "- a\n- b\n",
		"users-map":   "users: {a: b}\n",
		"duplicate":   "users:\n- name: ekstoken-payments-us-east-2\n- name: ekstoken-payments-us-east-2\n",
		"bad-json":    "{\"apiVersion\": \"v1\",,}",
		"tab-indent":  "apiVersion: v1\nclusters:\n\t- name: x\n",
		"alias-cycle": "a: &a [*a]\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config")
			os.WriteFile(path, []byte(content), 0o640)
			_, err := Edit(path, EditOptions{}, apply)
			if err == nil && name != "alias-cycle" {
				t.Fatalf("no error")
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			got, _ := os.ReadFile(path)
			if err != nil && string(got) != content {
				t.Errorf("file changed")
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
				t.Errorf("mode changed to %v", fi.Mode())
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Edit(dir, EditOptions{}, apply)
		if err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("invalid entry", func(t *testing.T) {
		bad := e
		bad.CertificateAuthorityData = "not base64!"
		path := filepath.Join(t.TempDir(), "config")
		_, err := Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&bad, ModeMerge, true) })
		if err == nil {
			t.Fatal("no error")
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a failed edit created the file")
		}
	})
}

func TestEditModes(t *testing.T) {
	e := targets["new"]
	apply := func(c *Config) error { return c.Apply(&e, ModeMerge, true) }
	dir := t.TempDir()

	// New file 0600 in new directories 0700.
	path := filepath.Join(dir, "a", "b", "config")
	if _, err := Edit(path, EditOptions{}, apply); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]fs.FileMode{path: 0o600, filepath.Dir(path): 0o700, filepath.Join(dir, "a"): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v (%v)", p, fi.Mode().Perm(), want, err)
		}
	}
	// An existing file keeps its mode.
	path2 := copyFixture(t, "in/many.yaml", dir, "config2")
	os.Chmod(path2, 0o644)
	if _, err := Edit(path2, EditOptions{}, apply); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path2); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	// Dry run writes nothing at all.
	path3 := filepath.Join(dir, "c", "config")
	res, err := Edit(path3, EditOptions{DryRun: true}, apply)
	if err != nil || !res.Changed || len(res.New) == 0 {
		t.Fatalf("dry run: %v %+v", err, res)
	}
	if _, err := os.Stat(filepath.Dir(path3)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dry run created the directory")
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, de := range ents {
		if de.Name() != "config" && de.Name() != "config"+LockSuffix {
			t.Errorf("left behind: %s", de.Name())
		}
	}
}

// TestCommentsNeverLost: go.yaml.in/yaml/v3's emitter drops a line comment
// after a key whose empty flow value sits on the next line; Edit appends
// such comments at the end instead of losing them.
func TestCommentsNeverLost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	src := "apiVersion: v1\npreferences: # keep me\n  {}\nclusters: # and me\n  []\nkind: Config\n"
	os.WriteFile(path, []byte(src), 0o600)
	e := targets["new"]
	if _, err := Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&e, ModeMerge, true) }); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	for _, c := range []string{"# keep me", "# and me"} {
		if !strings.Contains(string(got), c) {
			t.Errorf("comment %q lost:\n%s", c, got)
		}
	}
	kubectlView(t, path)
}

// TestLineEndsAndBOM: a file edited on Windows keeps its CR LF line ends and
// byte order mark.
func TestLineEndsAndBOM(t *testing.T) {
	src, _ := os.ReadFile("testdata/in/many.yaml")
	crlf := append([]byte("\xef\xbb\xbf"), strings.ReplaceAll(string(src), "\n", "\r\n")...)
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, crlf, 0o600)
	e := targets["new"]
	if _, err := Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&e, ModeMerge, true) }); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want, _ := os.ReadFile("testdata/golden/apply/many.new.merge.yaml")
	if string(got) != "\xef\xbb\xbf"+strings.ReplaceAll(string(want), "\n", "\r\n") {
		t.Errorf("CR LF/BOM file not kept as such:\n%q", got)
	}
	kubectlView(t, path)
}
