//go:build !nonet

package creds

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every case of smithy-rs ecs-tests.json, plus the host allow-list cases it
// lacks.
func TestContainerEndpointCases(t *testing.T) {
	var suite struct {
		Tests []struct {
			Docs   string            `json:"docs"`
			Env    map[string]string `json:"env"`
			Result struct {
				Ok            string `json:"Ok"`
				ErrorContains string `json:"ErrorContains"`
			} `json:"result"`
		} `json:"tests"`
	}
	readJSON(t, filepath.Join(smithyDir, "ecs-tests.json"), &suite)
	if len(suite.Tests) < 10 {
		t.Fatalf("only %d cases", len(suite.Tests))
	}
	type tcase struct {
		docs            string
		env             map[string]string
		ok, errContains string
	}
	var cases []tcase
	for _, c := range suite.Tests {
		cases = append(cases, tcase{c.Docs, c.Env, c.Result.Ok, c.Result.ErrorContains})
	}
	full := func(u string) map[string]string { return map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": u} }
	cases = append(cases,
		tcase{"http to a public host", full("http://example.com/creds"), "", "plain http is allowed only"},
		tcase{"http to a private host", full("http://10.0.0.1/creds"), "", "plain http is allowed only"},
		tcase{"http to loopback v4", full("http://127.0.0.2:9/creds"), "http://127.0.0.2:9/creds", ""},
		tcase{"http to loopback v6", full("http://[::1]:9/creds"), "http://[::1]:9/creds", ""},
		tcase{"ftp", full("ftp://169.254.170.2/creds"), "", "scheme must be http or https"},
	)
	for _, c := range cases {
		got, err := ContainerEndpoint(getenvMap(c.env))
		if c.errContains != "" {
			if err == nil || !strings.Contains(err.Error(), c.errContains) {
				t.Errorf("%s: got %q, %v; want error containing %q", c.docs, got, err, c.errContains)
			}
			continue
		}
		if err != nil || got != c.ok {
			t.Errorf("%s: got %q, %v; want %q", c.docs, got, err, c.ok)
		}
	}
}

func TestContainerReplay(t *testing.T) {
	for _, name := range []string{"default-credential-provider-chain/ecs_credentials", "default-credential-provider-chain/eks_pod_identity_credentials"} {
		t.Run(name, func(t *testing.T) {
			c := loadSmithyCase(t, name)
			env := map[string]string{}
			for k, v := range c.Env {
				env[k] = v
			}
			if f := env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]; f != "" {
				env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = c.fsPath(f)
			}
			// The endpoint derived from the case's environment is the recorded URL.
			u, err := ContainerEndpoint(getenvMap(env))
			if err != nil || u != c.Exchanges[0].URI {
				t.Fatalf("endpoint %q, %v; recorded %q", u, err, c.Exchanges[0].URI)
			}
			rs := newReplay(t, c)
			wantAuth := "" // the recordings leave the Authorization header out
			if f := env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]; f != "" {
				wantAuth = "sometoken" // the case's token file, trimmed
			}
			rs.check = func(r *http.Request, _ []byte) {
				if want := strings.Join(c.Exchanges[0].ReqHeaders["accept"], ","); r.Header.Get("Accept") != want {
					t.Errorf("Accept %q, recorded %q", r.Header.Get("Accept"), want)
				}
				if got := r.Header.Get("Authorization"); got != wantAuth {
					t.Errorf("Authorization %q, want %q", got, wantAuth)
				}
			}
			ct, err := ContainerFromEnv(getenvMap(env), testHTTP())
			if err != nil {
				t.Fatal(err)
			}
			ct.URL = redirect(t, u, rs.srv.URL)
			got, err := ct.Retrieve(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if want := c.expected(t); got != want {
				t.Errorf("got %+v (account %s), want %+v (account %s)", got, got.AccountID, want, want.AccountID)
			}
		})
	}
}

// redirect moves u's path and query onto base (a loopback fake).
func redirect(t *testing.T, u, base string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := url.Parse(base)
	p.Scheme, p.Host = b.Scheme, b.Host
	return p.String()
}

func TestContainerMissingTokenFile(t *testing.T) {
	c := loadSmithyCase(t, "default-credential-provider-chain/eks_pod_identity_no_token_file")
	env := map[string]string{}
	for k, v := range c.Env {
		env[k] = v
	}
	env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = c.fsPath(env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"])
	ct, err := ContainerFromEnv(getenvMap(env), testHTTP())
	if err != nil {
		t.Fatal(err)
	}
	_, err = ct.Retrieve(context.Background())
	if err == nil || !os.IsNotExist(unwrapAll(err)) || !strings.Contains(err.Error(), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
		t.Fatalf("error %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

// The token file is re-read on every call and wins over the plain token.
func TestContainerTokenFileRereadAndPrecedence(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		w.Write([]byte(`{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z","RoleArn":"arn:aws:iam::444455556666:role/pod"}`))
	}))
	defer srv.Close()
	tok := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tok, []byte("first\n"), 0o600)
	ct := &Container{URL: srv.URL + "/v1/credentials", AuthTokenFile: tok, AuthToken: "plain", HTTP: testHTTP()}
	got, err := ct.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccountID != "444455556666" || !got.Expires.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("got %+v account %q", got, got.AccountID)
	}
	os.WriteFile(tok, []byte("second"), 0o600)
	ct.Retrieve(context.Background())
	ct.AuthTokenFile = ""
	ct.Retrieve(context.Background())
	if strings.Join(seen, ",") != "first,second,plain" {
		t.Errorf("Authorization headers %q", seen)
	}
}

func TestContainerFailures(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		body     string
		calls    int
		contains string
	}{
		{"agent error", 400, `{"code":"InvalidToken","message":"token expired"}`, 1, "HTTP 400: InvalidToken token expired"},
		{"agent starting", 503, `oops`, 3, "HTTP 503 (after 3 attempts)"},
		{"malformed", 200, `{"AccessKeyId":`, 1, "malformed answer"},
		{"missing secret", 200, `{"AccessKeyId":"A"}`, 1, "lacks AccessKeyId or SecretAccessKey"},
		{"bad expiration", 200, `{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"}`, 1, "Expiration"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			ct := &Container{URL: srv.URL, HTTP: testHTTP(), Retry: retryPolicy{Sleep: noSleep}}
			_, err := ct.Retrieve(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %v, want %q", err, tc.contains)
			}
			if calls != tc.calls {
				t.Errorf("%d calls, want %d", calls, tc.calls)
			}
		})
	}
}

func TestContainerTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	ct := &Container{URL: srv.URL, HTTP: testHTTP(), Timeout: 30 * time.Millisecond, Retry: retryPolicy{Attempts: 2, Sleep: noSleep}}
	_, err := ct.Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no answer within 30ms (after 2 attempts)") {
		t.Fatalf("error %v", err)
	}
}
