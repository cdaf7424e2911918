//go:build !nonet

package creds

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The cache file names in the smithy-rs and aws-sdk-go-v2 fixtures are
// SHA-1 of the start URL (legacy) or the session name.
func TestSSOTokenPath(t *testing.T) {
	for _, tc := range []struct{ session, start, want string }{
		{"", "https://ssotest.awsapps.com/start", "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12"},
		{"dev", "https://d-abc123.awsapps.com/start", "34c6fceca75e456f25e7e99531e2425c6c1de443"},
	} {
		got := SSOTokenPath("/home", tc.session, tc.start)
		if want := filepath.Join("/home/.aws/sso/cache", tc.want+".json"); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
	// And the fixtures exist under those names.
	for _, p := range []string{
		"default-credential-provider-chain/sso_assume_role/fs/home/.aws/sso/cache/dace00cba5f8355ec9d274ceb2bcebdfbeed0e12.json",
		"profile-provider/sso_credentials/fs/home/.aws/sso/cache/34c6fceca75e456f25e7e99531e2425c6c1de443.json",
	} {
		if _, err := os.Stat(filepath.Join(smithyDir, p)); err != nil {
			t.Error(err)
		}
	}
}

func TestSSOReplay(t *testing.T) {
	cases := []struct {
		name, profile, session, start, account, role string
		contains                                     string
	}{
		{"default-credential-provider-chain/sso_assume_role", "sso-test", "", "https://ssotest.awsapps.com/start", "123456789", "MySsoRole", ""},
		{"profile-provider/sso_credentials", "default", "dev", "https://d-abc123.awsapps.com/start", "012345678901", "SampleRole", ""},
		{"profile-provider/sso_override_global_env_url", "default", "dev", "https://d-abc123.awsapps.com/start", "012345678901", "SampleRole", ""},
		{"default-credential-provider-chain/e2e_fips_and_dual_stack_sso", "sso-test", "", "https://ssotest.awsapps.com/start", "123456789", "MySsoRole", ""},
		{"default-credential-provider-chain/sso_server_error", "sso-test", "", "https://ssotest.awsapps.com/start", "123456789", "MySsoRole", "HTTP 503"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := loadSmithyCase(t, tc.name)
			now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			tok, err := LoadSSOToken(SSOTokenPath(c.fsPath("/home"), tc.session, tc.start), tc.profile, now)
			if err != nil {
				t.Fatal(err)
			}
			rs := newReplay(t, c)
			rs.orderedQuery = false // the recordings disagree on the parameter order
			rs.check = func(r *http.Request, _ []byte) {
				if got := r.Header.Get("x-amz-sso_bearer_token"); got != tok {
					t.Errorf("bearer token %q, want the cached one", got)
				}
			}
			s := &SSO{Endpoint: rs.srv.URL, HTTP: testHTTP(), Retry: retryPolicy{Attempts: 1}}
			got, err := s.GetRoleCredentials(context.Background(), tok, tc.account, tc.role, tc.profile)
			if tc.contains != "" {
				if err == nil || !strings.Contains(err.Error(), tc.contains) || errors.Is(err, ErrSSOLogin) {
					t.Fatalf("error %v, want %q", err, tc.contains)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := c.expected(t); got != want {
				t.Errorf("got %+v (account %s), want %+v (account %s)", got, got.AccountID, want, want.AccountID)
			}
		})
	}
}

func TestSSOTokenProblems(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	c := loadSmithyCase(t, "default-credential-provider-chain/sso_no_token_file")
	cases := map[string]struct{ path, contains string }{
		"missing (smithy sso_no_token_file)": {SSOTokenPath(c.fsPath("/home"), "", "https://ssotest.awsapps.com/start"), "no cached token"},
		"expired":                            {write("e.json", `{"accessToken":"t","expiresAt":"2026-11-30T23:59:59Z"}`), "expired at 2026-11-30T23:59:59Z"},
		"malformed":                          {write("m.json", `{"accessToken":`), "not valid JSON"},
		"no token":                           {write("n.json", `{"expiresAt":"2099-01-01T00:00:00Z"}`), "lacks accessToken"},
		"bad time":                           {write("b.json", `{"accessToken":"t","expiresAt":"tomorrow"}`), "not an RFC 3339 time"},
	}
	for name, tc := range cases {
		_, err := LoadSSOToken(tc.path, "dev", now)
		if err == nil || !errors.Is(err, ErrSSOLogin) || !strings.Contains(err.Error(), tc.contains) ||
			!strings.Contains(err.Error(), "run `aws sso login --profile dev`") {
			t.Errorf("%s: error %v", name, err)
		}
	}
	// An offset expiry (aws-sdk-go-v2 non_utc_token.json style) is accepted.
	if tok, err := LoadSSOToken(write("o.json", `{"accessToken":"t","expiresAt":"2099-01-01T00:00:00+02:00"}`), "dev", now); err != nil || tok != "t" {
		t.Errorf("offset expiry: %q, %v", tok, err)
	}
}

func TestSSOUnauthorized(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-Errortype", "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/")
		w.WriteHeader(401)
		w.Write([]byte(`{"message":"Session token not found or invalid"}`))
	}))
	defer srv.Close()
	_, err := (&SSO{Endpoint: srv.URL, HTTP: testHTTP()}).GetRoleCredentials(context.Background(), "tok", "1", "R", "dev")
	if !errors.Is(err, ErrSSOLogin) || !strings.Contains(err.Error(), "aws sso login --profile dev") || !strings.Contains(err.Error(), "Session token not found") {
		t.Fatalf("error %v", err)
	}
}

func TestSSOMalformed(t *testing.T) {
	for body, contains := range map[string]string{
		`{"roleCredentials":`: "malformed answer",
		`{}`:                  "lacks roleCredentials",
		`{"roleCredentials":{"accessKeyId":"A"}}`: "lacks roleCredentials",
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		_, err := (&SSO{Endpoint: srv.URL, HTTP: testHTTP()}).GetRoleCredentials(context.Background(), "tok", "1", "R", "dev")
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), contains) {
			t.Errorf("%s: error %v", body, err)
		}
	}
}

func TestSSOEndpoint(t *testing.T) {
	for _, tc := range []struct {
		region          string
		fips, dualStack bool
		want            string
	}{
		{"us-east-1", false, false, "https://portal.sso.us-east-1.amazonaws.com"},
		{"us-east-2", true, true, "https://portal.sso-fips.us-east-2.api.aws"}, // smithy-rs e2e_fips_and_dual_stack_sso
		{"us-east-1", true, false, "https://portal.sso-fips.us-east-1.amazonaws.com"},
		{"eu-west-1", false, true, "https://portal.sso.eu-west-1.api.aws"},
		{"cn-north-1", false, false, "https://portal.sso.cn-north-1.amazonaws.com.cn"},
		{"us-gov-west-1", true, false, "https://portal.sso.us-gov-west-1.amazonaws.com"},
		{"bad region!", false, false, ""},
	} {
		got, err := SSOEndpoint(tc.region, tc.fips, tc.dualStack)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("SSOEndpoint(%q, %v, %v) = %q, %v; want %q", tc.region, tc.fips, tc.dualStack, got, err, tc.want)
		}
	}
}
