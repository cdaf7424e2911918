//go:build !nonet

package creds

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"

	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/internal/awshttp"
	"github.com/ekstoken/ekstoken/internal/jsonlite"
	"github.com/ekstoken/ekstoken/sigv4"
)

// SSOTokenPath returns where `aws sso login` caches the access token:
// <home>/.aws/sso/cache/<hex sha1(key)>.json, where key is the sso_session
// name for profiles using [sso-session], else the legacy sso_start_url
// (botocore SSOTokenLoader._generate_cache_key; the Go SDK agrees).
func SSOTokenPath(home, ssoSession, startURL string) string {
	key := startURL
	if ssoSession != "" {
		key = ssoSession
	}
	sum := sha1.Sum([]byte(key))
	return filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
}

// ErrSSOLogin is wrapped by every error that `aws sso login` would fix:
// missing, unreadable, malformed or expired token, or a token the portal
// refuses.
var ErrSSOLogin = errors.New("SSO session missing or expired")

type ssoLoginError struct {
	profile string
	detail  string
}

func (e *ssoLoginError) Error() string {
	hint := "run `aws sso login`"
	if e.profile != "" {
		hint = fmt.Sprintf("run `aws sso login --profile %s`", e.profile)
	}
	return "SSO: " + e.detail + "; " + hint
}

func (e *ssoLoginError) Is(target error) bool { return target == ErrSSOLogin }

// LoadSSOToken reads the cached SSO access token at path and checks it is
// still valid at now. profile is only used in the error message. The
// refresh token is ignored: refreshing (sso-oidc CreateToken) is left to
// `aws sso login`, as the issue scopes it.
func LoadSSOToken(path, profile string, now time.Time) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", &ssoLoginError{profile, "no cached token (" + path + ")"}
		}
		return "", &ssoLoginError{profile, "reading the cached token: " + err.Error()}
	}
	var t ssoCachedToken
	if err := jsonlite.Unmarshal(b, t.fields()); err != nil {
		return "", &ssoLoginError{profile, "cached token " + path + " is not valid JSON"}
	}
	if t.AccessToken == "" || t.ExpiresAt == "" {
		return "", &ssoLoginError{profile, "cached token " + path + " lacks accessToken or expiresAt"}
	}
	exp, err := time.Parse(time.RFC3339, t.ExpiresAt)
	if err != nil {
		return "", &ssoLoginError{profile, fmt.Sprintf("cached token expiresAt %q is not an RFC 3339 time", t.ExpiresAt)}
	}
	if !now.Before(exp) {
		return "", &ssoLoginError{profile, "the cached token expired at " + exp.UTC().Format(time.RFC3339)}
	}
	return t.AccessToken, nil
}

// SSO calls the IAM Identity Center portal's GetRoleCredentials:
// `GET <Endpoint>/federation/credentials?role_name=R&account_id=A` with the
// access token in `x-amz-sso_bearer_token`; the answer is
// {"roleCredentials":{"accessKeyId","secretAccessKey","sessionToken","expiration"(epoch ms)}}.
type SSO struct {
	// Endpoint is the portal base URL, e.g. https://portal.sso.us-east-1.amazonaws.com
	// (see SSOEndpoint), or an override (AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL).
	Endpoint string
	HTTP     *httpClient
	Timeout  time.Duration // per attempt; default 10 s
	Retry    retryPolicy   // default 3 attempts on 429/5xx/no answer
}

// GetRoleCredentials exchanges the access token for the role's credentials.
// profile only labels errors.
func (s *SSO) GetRoleCredentials(ctx context.Context, accessToken, accountID, roleName, profile string) (Issued, error) {
	u, err := url.Parse(strings.TrimRight(s.Endpoint, "/") + "/federation/credentials")
	if err != nil || u.Host == "" {
		return Issued{}, fmt.Errorf("SSO portal endpoint %q is not a URL", s.Endpoint)
	}
	u.RawQuery = "role_name=" + string(appendEscaped(nil, roleName)) + "&account_id=" + string(appendEscaped(nil, accountID))
	client, err := s.HTTP.get()
	if err != nil {
		return Issued{}, fmt.Errorf("SSO GetRoleCredentials: %w", err)
	}
	timeout := cmp(s.Timeout, 10*time.Second)
	retry := s.Retry.orDefault()
	what := fmt.Sprintf("SSO GetRoleCredentials (account %s, role %s)", accountID, roleName)
	for attempt := 1; ; attempt++ {
		res, again, err := s.attempt(ctx, client, timeout, u, accessToken, accountID, profile, what)
		if err == nil {
			return res, nil
		}
		if !again || attempt >= retry.attempts() || ctx.Err() != nil {
			if attempt > 1 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return Issued{}, err
		}
		if retry.wait(ctx, attempt) != nil {
			return Issued{}, err
		}
	}
}

func (s *SSO) attempt(ctx context.Context, do doFunc, timeout time.Duration, u *url.URL, accessToken, accountID, profile, what string) (Issued, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req := &awshttp.Request{Method: "GET", URL: u, Header: awshttp.Header{
		{"x-amz-sso_bearer_token", accessToken},
		{"Accept", "application/json"},
	}}
	resp, err := do(ctx, req)
	if err != nil {
		return Issued{}, true, fmt.Errorf("%s: %s", what, describeTransportError(err, timeout))
	}
	raw := resp.Body
	if resp.StatusCode != 200 {
		var e ssoErrorAnswer
		_ = jsonlite.Unmarshal(raw, e.fields()) // what was decoded is used
		msg := oneLine(e.Message+e.Message2, 300)
		kind := resp.Header.Get("X-Amzn-Errortype")
		kind, _, _ = strings.Cut(kind, ":")
		if resp.StatusCode == 401 || kind == "UnauthorizedException" {
			return Issued{}, false, &ssoLoginError{profile, fmt.Sprintf("the portal refused the cached token (HTTP %d %s)", resp.StatusCode, msg)}
		}
		detail := fmt.Sprintf("HTTP %d", resp.StatusCode)
		if kind != "" {
			detail += " " + kind
		}
		if msg != "" {
			detail += ": " + msg
		}
		again := resp.StatusCode == 429 || resp.StatusCode >= 500
		return Issued{}, again, fmt.Errorf("%s: %s", what, detail)
	}
	var a ssoAnswer
	if err := jsonlite.Unmarshal(raw, a.fields()); err != nil {
		return Issued{}, false, fmt.Errorf("%s: malformed answer: %v", what, err)
	}
	rc := a.RoleCredentials
	if !a.HasRoleCredentials || rc.AccessKeyID == "" || rc.SecretAccessKey == "" {
		return Issued{}, false, fmt.Errorf("%s: answer lacks roleCredentials", what)
	}
	out := Issued{
		Credentials: sigv4.Credentials{AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey, SessionToken: rc.SessionToken},
		AccountID:   accountID,
	}
	if rc.Expiration > 0 {
		out.Expires = time.UnixMilli(rc.Expiration).UTC()
	}
	return out, false, nil
}

// The JSON the SSO code reads. The json tags say how the members are named
// (the tests decode the same input with encoding/json through them, a
// *ssoRoleCredentials standing for HasRoleCredentials and
// RoleCredentials); fields is what jsonlite decodes.
type (
	// ssoCachedToken is an `aws sso login` token cache file.
	ssoCachedToken struct {
		AccessToken string `json:"accessToken"`
		ExpiresAt   string `json:"expiresAt"`
	}
	// ssoErrorAnswer is the portal's error body.
	ssoErrorAnswer struct {
		Message  string `json:"message"`
		Message2 string `json:"Message"`
	}
	// ssoAnswer is GetRoleCredentials' answer.
	ssoAnswer struct {
		HasRoleCredentials bool
		RoleCredentials    ssoRoleCredentials `json:"roleCredentials"`
	}
	ssoRoleCredentials struct {
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		SessionToken    string `json:"sessionToken"`
		Expiration      int64  `json:"expiration"`
	}
)

func (t *ssoCachedToken) fields() jsonlite.Fields {
	return jsonlite.Fields{{Name: "accessToken", Into: &t.AccessToken}, {Name: "expiresAt", Into: &t.ExpiresAt}}
}

func (e *ssoErrorAnswer) fields() jsonlite.Fields {
	return jsonlite.Fields{{Name: "message", Into: &e.Message}, {Name: "Message", Into: &e.Message2}}
}

func (a *ssoAnswer) fields() jsonlite.Fields {
	rc := &a.RoleCredentials
	return jsonlite.Fields{{Name: "roleCredentials", Into: jsonlite.Pointer{Set: &a.HasRoleCredentials, Fields: jsonlite.Fields{
		{Name: "accessKeyId", Into: &rc.AccessKeyID},
		{Name: "secretAccessKey", Into: &rc.SecretAccessKey},
		{Name: "sessionToken", Into: &rc.SessionToken},
		{Name: "expiration", Into: &rc.Expiration},
	}}}}
}
