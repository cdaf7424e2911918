package kubeconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzEdit: whatever the input file, Apply and Migrate either fail cleanly
// or produce a file that parses back to what the edit meant, in the same
// format (the round-trip check inside Edit), keeping every comment.
func FuzzEdit(f *testing.F) {
	for _, dir := range []string{"testdata/in", "testdata/migrate"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			f.Add(b, false)
			f.Add(b, true)
		}
	}
	f.Add([]byte("a: # c\n  {}\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, migrate bool) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		before := commentLines(c.doc)
		e := NewEntry(Invocation{ClusterName: "c", Region: "us-east-1"}, "", "", "https://x", "Y2E=", "ekstoken", InteractiveNever)
		if migrate {
			_, err = c.Migrate("ekstoken")
		} else {
			err = c.Apply(&e, ModeMerge, true)
		}
		if err != nil {
			return
		}
		want, err := c.Value()
		if err != nil {
			return
		}
		out, err := c.marshalChecked(want, before)
		if err != nil {
			if strings.HasPrefix(err.Error(), "internal error") {
				t.Skip("refused to write (safe): " + err.Error())
			}
			return
		}
		if len(c.root.Content) == 0 {
			return // an empty kubeconfig is never written (see Edit)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		if back.Format() != c.Format() {
			t.Fatalf("format changed from %v to %v:\n%s\n---\n%s", c.Format(), back.Format(), data, out)
		}
	})
}

// FuzzTranslate: any args and env translate or fail with an error; a
// translation always names a cluster and never emits an empty flag value.
func FuzzTranslate(f *testing.F) {
	f.Add("aws", "--region\x00r\x00eks\x00get-token\x00--cluster-name\x00c", "AWS_PROFILE=p")
	f.Add("atmos", "aws\x00eks\x00token\x00--cluster-name=c\x00-ii", "")
	f.Add("aws-iam-authenticator", "token\x00-i\x00c\x00-r\x00arn", "DEFAULT_ROLE=x")
	f.Fuzz(func(t *testing.T, peer, args, env string) {
		var ev []EnvVar
		for _, kv := range strings.Split(env, "\x00") {
			k, v, _ := strings.Cut(kv, "=")
			ev = append(ev, EnvVar{k, v})
		}
		tr, err := Translate(peer, strings.Split(args, "\x00"), ev)
		if err != nil {
			return
		}
		if tr.Invocation.ClusterName == "" {
			t.Fatal("translation without a cluster name")
		}
		a := tr.Invocation.Args()
		for i := 0; i+1 < len(a); i += 2 {
			if a[i+1] == "" {
				t.Fatalf("empty value for %s: %q", a[i], a)
			}
		}
	})
}
