package creds

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// atmosLayout writes <xdg>/atmos/[realm/]aws/<provider>/{credentials,config}
// as `atmos auth login` does.
func atmosLayout(t *testing.T, xdg, realm, provider string, ids map[string]time.Time) {
	t.Helper()
	dir := filepath.Join(xdg, "atmos", realm, "aws", provider)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var cred, cfg strings.Builder
	for id, exp := range ids {
		cred.WriteString("; atmos: expiration=" + exp.UTC().Format(time.RFC3339) + "\n[" + id + "]\n")
		cred.WriteString("aws_access_key_id     = AK-" + provider + "-" + id + "\naws_secret_access_key = " + testSecret + "\naws_session_token     = " + testToken + "\n\n")
		cfg.WriteString("[profile " + id + "]\nregion = us-east-2\n\n")
	}
	os.WriteFile(filepath.Join(dir, "credentials"), []byte(cred.String()), 0o600)
	os.WriteFile(filepath.Join(dir, "config"), []byte(cfg.String()), 0o600)
}

func TestAtmos(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	future, past := now.Add(time.Hour), now.Add(-time.Hour)
	type env = map[string]string
	for _, tc := range []struct {
		name     string
		setup    func(t *testing.T, xdg, home string)
		env      env
		identity string
		profile  string
		wantKey  string
		wantErr  string
	}{
		{name: "flag, no realm", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"dev-admin": future, "prod": future})
		}, identity: "dev-admin", wantKey: "AK-sso-dev-admin"},
		{name: "case-insensitive", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"Dev-Admin": future})
		}, identity: "dev-admin", wantKey: "AK-sso-Dev-Admin"},
		{name: "ATMOS_IDENTITY", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future, "b": future})
		}, env: env{"ATMOS_IDENTITY": "b"}, wantKey: "AK-sso-b"},
		{name: "flag beats ATMOS_IDENTITY", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future, "b": future})
		}, env: env{"ATMOS_IDENTITY": "b"}, identity: "a", wantKey: "AK-sso-a"},
		{name: "identity beats env keys", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future})
		}, env: env{"ATMOS_IDENTITY": "a", "AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s"}, wantKey: "AK-sso-a"},
		{name: "--profile beats ATMOS_IDENTITY", setup: func(t *testing.T, x, h string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future})
			os.WriteFile(filepath.Join(h, ".aws", "credentials"), []byte("[p]\naws_access_key_id = AKP\naws_secret_access_key = s\n"), 0o600)
		}, env: env{"ATMOS_IDENTITY": "a"}, profile: "p", wantKey: "AKP"},
		{name: "realm", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "acme", "sso", map[string]time.Time{"a": future})
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future})
		}, env: env{"ATMOS_AUTH_REALM": "acme"}, identity: "a", wantKey: "AK-sso-a"},
		{name: "realm traversal", setup: func(t *testing.T, x, _ string) {}, env: env{"ATMOS_AUTH_REALM": "../x"}, identity: "a", wantErr: "ATMOS_AUTH_REALM"},
		{name: "realm doubled separator", setup: func(t *testing.T, x, _ string) {}, env: env{"ATMOS_AUTH_REALM": "a--b"}, identity: "a", wantErr: "doubled"},
		{name: "realm too long", setup: func(t *testing.T, x, _ string) {}, env: env{"ATMOS_AUTH_REALM": strings.Repeat("a", 65)}, identity: "a", wantErr: "64"},
		{name: "single identity auto-selected", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "aws-user", map[string]time.Time{"me": future})
		}, wantKey: "AK-aws-user-me"},
		{name: "several, none chosen", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future, "b": future})
		}, wantErr: "several atmos identities"},
		{name: "auto-select does not shadow [default]", setup: func(t *testing.T, x, h string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future})
			os.WriteFile(filepath.Join(h, ".aws", "credentials"), []byte("[default]\naws_access_key_id = AKD\naws_secret_access_key = s\n"), 0o600)
		}, wantKey: "AKD"},
		{name: "expired", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": past})
		}, identity: "a", wantErr: "atmos auth login -i a"},
		{name: "latest session across providers", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "old", map[string]time.Time{"a": past})
			atmosLayout(t, x, "", "new", map[string]time.Time{"a": future})
		}, identity: "a", wantKey: "AK-new-a"},
		{name: "unknown identity lists known", setup: func(t *testing.T, x, _ string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future, "b": future})
		}, identity: "zzz", wantErr: "(a, b)"},
		{name: "unknown identity that is an AWS profile", setup: func(t *testing.T, x, h string) {
			atmosLayout(t, x, "", "sso", map[string]time.Time{"a": future})
			os.WriteFile(filepath.Join(h, ".aws", "credentials"), []byte("[zzz]\naws_access_key_id = AKZ\naws_secret_access_key = s\n"), 0o600)
		}, identity: "zzz", wantKey: "AKZ"},
		{name: "no atmos files: identity is a profile", setup: func(t *testing.T, x, h string) {
			os.WriteFile(filepath.Join(h, ".aws", "config"), []byte("[profile dev]\naws_access_key_id = AKDEV\naws_secret_access_key = s\n"), 0o600)
		}, identity: "dev", wantKey: "AKDEV"},
		{name: "both flags", setup: func(t *testing.T, x, _ string) {}, identity: "a", profile: "b", wantErr: "both --profile and --identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
			xdg := filepath.Join(home, ".config")
			tc.setup(t, xdg, home)
			m := map[string]string{"HOME": home, "AWS_EC2_METADATA_DISABLED": "true"}
			for k, v := range tc.env {
				m[k] = v
			}
			res, err := Resolve(context.Background(), Request{Env: func(k string) string { return m[k] }, Identity: tc.identity, Profile: tc.profile, Now: func() time.Time { return now }})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				recordErr(err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Credentials.AccessKeyID != tc.wantKey {
				t.Fatalf("key %q want %q (%s)", res.Credentials.AccessKeyID, tc.wantKey, res.Source)
			}
			if res.Plan.Base.Kind == SourceAtmos {
				if res.Region != "us-east-2" || res.Credentials.SessionToken != testToken || !res.Credentials.Expires.Equal(future) {
					t.Fatalf("region %q token/expiry %v", res.Region, res.Credentials)
				}
			}
		})
	}
	// XDG precedence: ATMOS_XDG_CONFIG_HOME > XDG_CONFIG_HOME > ~/.config.
	e := (&Request{Env: func(k string) string {
		return map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "/x", "ATMOS_XDG_CONFIG_HOME": "/ax"}[k]
	}, GOOS: "linux"}).env()
	if d, _ := atmosDir(e); d != "/ax/atmos/aws" {
		t.Errorf("atmosDir %q", d)
	}
}
