package creds

import (
	"fmt"
	"os"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// envCredentials is the environment source:
//
//	AWS_ACCESS_KEY_ID     (alias AWS_ACCESS_KEY, aws-sdk-go-v2/Java)
//	AWS_SECRET_ACCESS_KEY (alias AWS_SECRET_KEY)
//	AWS_SESSION_TOKEN     (alias AWS_SECURITY_TOKEN)
//	AWS_CREDENTIAL_EXPIRATION (RFC 3339; optional)
//
// The first non-empty name of each pair wins; an empty value is unset. The
// AWS CLI reads AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN; when both are
// set to different values we follow the CLI (both are set only by old tools,
// and then to the same value). The CLI does not know the AWS_ACCESS_KEY /
// AWS_SECRET_KEY aliases; we accept them as aws-sdk-go-v2 does, after the
// standard names.
//
// Not configured: no key id (a secret alone is ignored, as by the AWS CLI
// and aws-sdk-go-v2). Broken: a key id without a secret (the error names the
// missing variable, like the CLI's PartialCredentialsError), or an
// unparsable expiration.
func envCredentials(e *env) (sigv4.Credentials, bool, error) {
	id, idName := firstEnv(e.get, "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY")
	secret, _ := firstEnv(e.get, "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY")
	switch {
	case id == "":
		// A lone secret is not configured: the AWS CLI and aws-sdk-go-v2
		// both look at the key id only, and go on to the profile.
		return sigv4.Credentials{}, false, nil
	case secret == "":
		return sigv4.Credentials{}, false, fmt.Errorf("%s is set (access key %s) but AWS_SECRET_ACCESS_KEY is not", idName, id)
	}
	token, _ := firstEnv(e.get, "AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN")
	c := sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}
	if exp := e.get("AWS_CREDENTIAL_EXPIRATION"); exp != "" {
		t, err := parseTime(exp)
		if err != nil {
			return sigv4.Credentials{}, false, fmt.Errorf("AWS_CREDENTIAL_EXPIRATION: %v", err)
		}
		c.Expires = t
	}
	return c, true, nil
}

// profileEnv are the variables that select a profile, in order.
var profileEnv = []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"}

// SelectedProfile is the profile a command uses when no atmos identity
// is given: flag (--profile) when set, else AWS_PROFILE, else
// AWS_DEFAULT_PROFILE, else "default", the rule of Resolve. env nil means
// the process environment.
func SelectedProfile(env func(string) string, flag string) string {
	if flag != "" {
		return flag
	}
	if env == nil {
		env = os.Getenv
	}
	if name, _ := firstEnv(env, profileEnv...); name != "" {
		return name
	}
	return "default"
}

func firstEnv(get func(string) string, names ...string) (string, string) {
	for _, n := range names {
		if v := get(n); v != "" {
			return v, n
		}
	}
	return "", ""
}

// parseTime parses an RFC 3339 / ISO 8601 timestamp as the SDKs write them:
// "2026-01-01T00:00:00Z", with fractional seconds, or with a numeric offset
// ("+00:00", as Python's isoformat writes).
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("the value (%d bytes) is not an RFC 3339 time", len(s))
	}
	return t, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
