//go:build !nonet

package main

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// fakeSTS answers sts:AssumeRole with fixed credentials and records the
// requests it got.
type fakeSTS struct {
	mu    sync.Mutex
	forms []url.Values
	auth  []string
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	f.mu.Lock()
	f.forms = append(f.forms, form)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	if form.Get("Action") != "AssumeRole" {
		http.Error(w, "bad action", 400)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAASSUMEDROLEKEY</AccessKeyId><SecretAccessKey>assumedSecretExample</SecretAccessKey>
<SessionToken>assumedSessionTokenExample</SessionToken><Expiration>2026-12-04T16:24:59Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/x/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult></AssumeRoleResponse>`)
}

// TestAssumeRole: each spelling's role flags assume the role through STS
// with the base credentials, and the token is signed with the role's.
func TestAssumeRole(t *testing.T) {
	for _, tc := range []struct {
		name        string
		args        []string
		env         []string
		wantSession string
		wantExtID   string
	}{
		{"aws", []string{"ekstoken", "--region", "us-east-2", "eks", "get-token", "--cluster-name", "demo", "--role-arn", "arn:aws:iam::123456789012:role/x"}, nil, "EKSGetTokenAuth", ""},
		{"authenticator", []string{"ekstoken", "token", "-i", "demo", "--region", "us-east-2", "-r", "arn:aws:iam::123456789012:role/x", "-s", "me", "-e", "ext-1"}, nil, "me", "ext-1"},
		{"authenticator-DEFAULT_ROLE", []string{"ekstoken", "token", "-i", "demo", "--region", "us-east-2"}, []string{"DEFAULT_ROLE", "arn:aws:iam::123456789012:role/x"}, "", ""},
		{"native", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2", "--role-arn", "arn:aws:iam::123456789012:role/x", "--session-name", "ci", "--no-cache"}, nil, "ci", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeSTS{}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			env := baseEnv(append([]string{"AWS_ENDPOINT_URL_STS", srv.URL, "XDG_CACHE_HOME", t.TempDir(), "HOME", t.TempDir()}, tc.env...)...)
			r := runWith(t, tc.args, env, "")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if len(fake.forms) != 1 {
				t.Fatalf("%d STS calls, want 1", len(fake.forms))
			}
			f := fake.forms[0]
			if f.Get("RoleArn") != "arn:aws:iam::123456789012:role/x" || f.Get("ExternalId") != tc.wantExtID {
				t.Errorf("AssumeRole form %v", f)
			}
			if tc.wantSession != "" && f.Get("RoleSessionName") != tc.wantSession {
				t.Errorf("RoleSessionName %q, want %q", f.Get("RoleSessionName"), tc.wantSession)
			}
			if !strings.Contains(fake.auth[0], "Credential="+exampleAKID+"/") || !strings.Contains(fake.auth[0], "/us-east-2/sts/aws4_request") {
				t.Errorf("AssumeRole not signed with the base credentials in us-east-2: %s", fake.auth[0])
			}
			url := decodeTokenURL(t, r.stdout)
			if !strings.Contains(url, "X-Amz-Credential=ASIAASSUMEDROLEKEY%2F") || !strings.Contains(url, "X-Amz-Security-Token=assumedSessionTokenExample") {
				t.Errorf("token not signed with the role's credentials: %s", url)
			}
			if strings.Contains(r.stdout+r.stderr, "assumedSecretExample") {
				t.Error("secret printed")
			}
		})
	}
}

func decodeTokenURL(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "k8s-aws-v1.")
	if i < 0 {
		t.Fatalf("no token in %q", out)
	}
	tok := out[i+len("k8s-aws-v1."):]
	tok = tok[:strings.IndexAny(tok, "\"\n")]
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
