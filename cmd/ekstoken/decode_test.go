//go:build !nonet

package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// execCredentialTokenEncodingJSON is how decode read an ExecCredential
// with encoding/json, the oracle.
func execCredentialTokenEncodingJSON(b []byte) string {
	var ec struct {
		Status struct {
			Token string `json:"token"`
		} `json:"status"`
	}
	if json.Unmarshal(b, &ec) != nil {
		return ""
	}
	return ec.Status.Token
}

// FuzzExecCredentialToken: decode takes the token out of an ExecCredential
// on stdin exactly as the encoding/json version did.
func FuzzExecCredentialToken(f *testing.F) {
	for _, s := range []string{
		`{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"expirationTimestamp":"2023-04-28T00:14:00Z","token":"k8s-aws-v1.abc"}}`,
		`{"STATUS":{"Token":"t"}}`,
		`{"status":{"token":"a"},"status":{"expirationTimestamp":"x"}}`,
		`{"status":{"token":"a"},"status":null}`,
		`{"status":{"token":1}}`,
		`{"status":[]}`,
		`{"status":{"token":"a\u0000\ud800"}} `,
		`{"status":{"token":"a"}} {}`,
		`{"status":{}}`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := execCredentialToken(b), execCredentialTokenEncodingJSON(b); got != want {
			t.Fatalf("%q: got %q, encoding/json version %q", b, got, want)
		}
	})
}

func TestDecodeFuture(t *testing.T) {
	r := runAt(cliTime.Add(-time.Hour), []string{"ekstoken", "decode", cliToken}, nil, "")
	if r.code != 0 || !strings.Contains(r.stdout, "(1h0m0s in the future)") || !strings.Contains(r.stdout, "warning      signed 1h0m0s in the future") {
		t.Errorf("%+v", r)
	}
	r = runAt(cliTime.Add(16*time.Minute), []string{"ekstoken", "decode", cliToken}, nil, "")
	if r.code != 1 || !strings.Contains(r.stdout, "(expired 1m0s ago)") || !strings.Contains(r.stderr, "X-Amz-Date parameter is expired") {
		t.Errorf("%+v", r)
	}
}

// TestDecodeJSONYear10000: a token signed in the last minutes of year 9999
// is valid until year 10000, which JSON's RFC 3339 cannot write: one line
// on stderr, nothing on stdout, exit 1 (the text report still works).
func TestDecodeJSONYear10000(t *testing.T) {
	u := "https://sts.us-east-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=AKIDEXAMPLE%2F99991231%2Fus-east-2%2Fsts%2Faws4_request&X-Amz-Date=99991231T235959Z&X-Amz-Expires=60" +
		"&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=" + strings.Repeat("a", 64)
	tok := "k8s-aws-v1." + base64.RawURLEncoding.EncodeToString([]byte(u))
	r := runAt(cliTime, []string{"ekstoken", "decode", "--json", tok}, nil, "")
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "ekstoken: decode: cannot write the report as JSON: ") ||
		strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("--json: %+v", r)
	}
	if r := runAt(cliTime, []string{"ekstoken", "decode", tok}, nil, ""); r.stdout == "" {
		t.Errorf("text report: %+v", r)
	}
}
