package token

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAppendExecCredential(t *testing.T) {
	exp := time.Date(2023, 4, 28, 0, 14, 0, 999_000_000, time.FixedZone("x", 3600))
	got := string(AppendExecCredential([]byte("pre:"), APIVersionV1, Token{Value: kaToken, Expiration: exp}))
	want := `pre:{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"expirationTimestamp":"2023-04-27T23:14:00Z","token":"` + kaToken + `"}}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// No expiration: the field is left out.
	got = string(AppendExecCredential(nil, APIVersionV1beta1, Token{Value: "t"}))
	want = `{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestAppendExecCredentialJSON: whatever goes in, the output is one line of
// valid JSON that round-trips the values (invalid UTF-8 as U+FFFD).
func TestAppendExecCredentialJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "ctl\x00\x01\x1f\x7f\n\r\t", "ünï\u2028\u2029", "bad\xff\xc3", "<>&"} {
		checkExecCredential(t, s, s)
	}
}

func checkExecCredential(t *testing.T, apiVersion, value string) {
	t.Helper()
	exp := time.Unix(1682640840, 0)
	out := AppendExecCredential(nil, apiVersion, Token{Value: value, Expiration: exp})
	if n := strings.Count(string(out), "\n"); n != 1 || out[len(out)-1] != '\n' {
		t.Fatalf("output is not one line: %q", out)
	}
	var v struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Status     struct {
			ExpirationTimestamp time.Time `json:"expirationTimestamp"`
			Token               string    `json:"token"`
		} `json:"status"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("invalid JSON %q: %v", out, err)
	}
	if v.APIVersion != fixUTF8(apiVersion) || v.Kind != "ExecCredential" ||
		v.Status.Token != fixUTF8(value) || !v.Status.ExpirationTimestamp.Equal(exp) {
		t.Errorf("round trip of %q, %q: got %+v", apiVersion, value, v)
	}
	// Same bytes as encoding/json for valid UTF-8 (modulo its HTML escaping).
	if utf8.ValidString(value) {
		ref, _ := json.Marshal(value)
		r := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(ref))
		if !strings.Contains(string(out), `"token":`+r+"}") {
			t.Errorf("token %q encoded differently from encoding/json %s: %s", value, r, out)
		}
	}
}

// fixUTF8 replaces each invalid byte by U+FFFD, as encoding/json does.
func fixUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += n
	}
	return b.String()
}

func FuzzAppendExecCredential(f *testing.F) {
	f.Add(APIVersionV1beta1, kaToken)
	f.Add("\"", "\x00\xff\u2028")
	f.Fuzz(func(t *testing.T, apiVersion, value string) {
		checkExecCredential(t, apiVersion, value)
	})
}

func TestExecAPIVersion(t *testing.T) {
	for _, tc := range []struct {
		info, want string
		warn       string // substring; "" means no warning
	}{
		{"", APIVersionV1beta1, ""},
		{`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`, APIVersionV1, ""},
		{`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":true}}`, APIVersionV1beta1, ""},
		{`{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`, APIVersionV1alpha1, "deprecated"},
		{`{"apiVersion":"client.authentication.k8s.io/v2"}`, APIVersionV1beta1, "unrecognized"},
		{`{"apiVersion":"CLIENT.authentication.k8s.io/v1"}`, APIVersionV1beta1, "unrecognized"},
		{`{"apiVersion":1}`, APIVersionV1beta1, "unrecognized"},
		{`{}`, APIVersionV1beta1, "unrecognized"},
		{`{"kind":"ExecCredential"}`, APIVersionV1beta1, "unrecognized"},
		{`not json`, APIVersionV1beta1, "cannot parse"},
		{`["client.authentication.k8s.io/v1"]`, APIVersionV1beta1, "cannot parse"},
		{`"client.authentication.k8s.io/v1"`, APIVersionV1beta1, "cannot parse"},
		{`null`, APIVersionV1beta1, "unrecognized"},
		{`{"apiVersion":"client.authentication.k8s.io/v1"`, APIVersionV1beta1, "cannot parse"},
	} {
		got, warn := ExecAPIVersion(tc.info)
		if got != tc.want || (tc.warn == "") != (warn == "") || !strings.Contains(warn, tc.warn) {
			t.Errorf("ExecAPIVersion(%q) = %q, %q; want %q, warning with %q", tc.info, got, warn, tc.want, tc.warn)
		}
		if strings.Contains(warn, "\n") {
			t.Errorf("warning is not one line: %q", warn)
		}
	}
}

// execAPIVersionEncodingJSON is ExecAPIVersion as it was written with
// encoding/json, the oracle for the differential tests.
func execAPIVersionEncodingJSON(execInfo string) (string, string) {
	if execInfo == "" {
		return DefaultAPIVersion, ""
	}
	var v struct {
		APIVersion any `json:"apiVersion"`
	}
	if err := json.Unmarshal([]byte(execInfo), &v); err != nil {
		return DefaultAPIVersion, "cannot parse " + ExecInfoEnv + ", answering " + DefaultAPIVersion + " (is your Kubernetes client up to date?)"
	}
	s, _ := v.APIVersion.(string)
	switch s {
	case APIVersionV1, APIVersionV1beta1:
		return s, ""
	case APIVersionV1alpha1:
		return s, "the kubeconfig user entry uses the deprecated API version " + APIVersionV1alpha1 + ", which kubectl 1.24 and later reject: change it to " + APIVersionV1beta1
	}
	return DefaultAPIVersion, "unrecognized API version in " + ExecInfoEnv + ", answering " + DefaultAPIVersion
}

var execInfoCorners = []string{
	`{"apiVersion":"client.authentication.k8s.io/v1"}`,
	`{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`,
	`[`,
	`{"APIVERSION":"client.authentication.k8s.io/v1"}`,
	"{\"apiVerſion\":\"client.authentication.k8s.io/v1\"}",
	`{"apiVersion":"client.authentication.k8s.io/v1","apiVersion":null}`,
	`{"apiVersion":"client.authentication.k8s.io/v1","apiVersion":1e999}`,
	`{"apiVersion":[1,{"a":-1e400}]}`,
	`{"apiVersion":1e-999}`,
	`{"apiVersion":"client.authentication.k8s.io\/v1"}`,
	`{"apiVersion":"client.authentication.k8s.io/v1"} x`,
	`{"apiVersion":"client.authentication.k8s.io/v1"}` + "\n",
	"\f{}",
	`{"spec":{"interactive":tru}}`,
	`null`,
	` null `,
	`{"apiVersion":"\ud800client.authentication.k8s.io/v1"}`,
}

// TestExecAPIVersionMatchesEncodingJSON: the answers are those the
// encoding/json version gave, corner cases included.
func TestExecAPIVersionMatchesEncodingJSON(t *testing.T) {
	for _, info := range execInfoCorners {
		v, w := ExecAPIVersion(info)
		rv, rw := execAPIVersionEncodingJSON(info)
		if v != rv || w != rw {
			t.Errorf("%q: got %q, %q; encoding/json version: %q, %q", info, v, w, rv, rw)
		}
	}
}

// FuzzExecAPIVersion: the answer is the encoding/json version's, and one
// of the three versions with the warnings that go with it.
func FuzzExecAPIVersion(f *testing.F) {
	for _, s := range execInfoCorners {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, info string) {
		v, warn := ExecAPIVersion(info)
		if rv, rw := execAPIVersionEncodingJSON(info); v != rv || warn != rw {
			t.Fatalf("%q: got %q, %q; encoding/json version: %q, %q", info, v, warn, rv, rw)
		}
		switch v {
		case APIVersionV1, APIVersionV1beta1:
			if v == APIVersionV1 && warn != "" {
				t.Errorf("%q: v1 with warning %q", info, warn)
			}
		case APIVersionV1alpha1:
			if warn == "" {
				t.Errorf("%q: v1alpha1 without warning", info)
			}
		default:
			t.Fatalf("%q: answered %q", info, v)
		}
		if strings.ContainsAny(warn, "\r\n") {
			t.Errorf("%q: warning not one line: %q", info, warn)
		}
	})
}

// BenchmarkExecAPIVersion compares the jsonlite reading of
// KUBERNETES_EXEC_INFO with the encoding/json version it replaced.
func BenchmarkExecAPIVersion(b *testing.B) {
	const info = `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}`
	for _, v := range []struct {
		name string
		f    func(string) (string, string)
	}{{"jsonlite", ExecAPIVersion}, {"encoding-json", execAPIVersionEncodingJSON}} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got, _ := v.f(info); got != APIVersionV1beta1 {
					b.Fatal(got)
				}
			}
		})
	}
}
