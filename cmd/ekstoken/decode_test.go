//go:build !nonet

package main

import (
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
