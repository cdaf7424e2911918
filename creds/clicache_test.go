//go:build !nonet

package creds

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ekstoken/ekstoken/sigv4"
)

func TestCLIAssumeRoleCacheKey(t *testing.T) {
	cases := []struct {
		role, session, ext, mfa string
		dur                     int
		want                    string
	}{
		// botocore tests/unit/test_credentials.py (TestAssumeRoleCredentialFetcher):
		// test_retrieves_from_cache, test_cache_key_is_windows_safe,
		// test_cache_key_with_role_session_name.
		{"myrole", "", "", "", 0, "793d6e2f27667ab2da104824407e486bfec24a47"},
		{"arn:aws:iam::role/foo-role", "", "", "", 0, "75c539f0711ba78c5b9e488d0add95f178a54d74"},
		{"myrole", "my_session_name", "", "", 0, "2964201f5648c8be5b9460a9cf842d73a266daf2"},
		// CPython 3 json.dumps(args, sort_keys=True) + hashlib.sha1, for the
		// other arguments and the string escapes.
		{"arn:aws:iam::123456789012:role/admin", "", "", "", 0, "85df843ebbf3964c64e26d66d796d302b1a7a5ff"},
		{"arn:aws:iam::123456789012:role/admin", "me", "", "", 0, "34abbdaa1109ead38aa7402809271c6d8fce7f4f"},
		{"arn:aws:iam::123456789012:role/admin", "sess", "ext-1", "arn:aws:iam::123456789012:mfa/me", 3600, "7142ea4c64744ed21a51f70feb4ecb9a91f0a8b0"},
		{"arn:aws:iam::1:role/r", "", "é\"\\<&>\t/ü😀\x01", "", 0, "78e0d6fdd58595bbc3fe6476c90749161a8c2785"},
	}
	for _, c := range cases {
		if got := CLIAssumeRoleCacheKey(c.role, c.session, c.ext, c.mfa, c.dur); got != c.want {
			t.Errorf("%+v: got %s", c, got)
		}
	}
}

func TestCLISSOCacheKey(t *testing.T) {
	// CPython 3 json.dumps(..., sort_keys=True, separators=(",", ":")) + sha1.
	if got := CLISSOCacheKey("123456789012", "Admin", "my-sso", "https://ignored"); got != "c30b99aca80d8f5b3178e353f05b2abcc9a4ccd3" {
		t.Errorf("session form: %s", got)
	}
	if got := CLISSOCacheKey("123456789012", "Admin", "", "https://d-abc.awsapps.com/start"); got != "05018c2b1c322af101ee873ac17a06884585df0b" {
		t.Errorf("start URL form: %s", got)
	}
}

func TestReadCLICache(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	write := func(key, body string, mode os.FileMode) {
		p := filepath.Join(dir, key+".json")
		os.WriteFile(p, []byte(body), 0o600)
		os.Chmod(p, mode)
	}
	// What the CLI writes: the STS answer, datetime.isoformat() with +00:00.
	write("sts", `{"Credentials": {"AccessKeyId": "ASIACLI", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-06-01T13:00:00+00:00"}, "AssumedRoleUser": {"AssumedRoleId": "AROA:x", "Arn": "arn:aws:sts::123456789012:assumed-role/R/x"}, "ResponseMetadata": {"RequestId": "r"}}`, 0o600)
	write("sso", `{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIASSO", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-06-01T13:00:00Z", "AccountId": "210987654321"}}`, 0o644)
	write("soon", `{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-06-01T12:04:59Z"}}`, 0o600)
	write("writable", `{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-06-01T13:00:00Z"}}`, 0o666)
	write("naive", `{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-06-01T13:00:00"}}`, 0o600)
	write("garbage", `{"Credentials": `, 0o600)

	got, ok := ReadCLICache(dir, "sts", now, 5*time.Minute)
	want := Issued{Credentials: sigv4.Credentials{AccessKeyID: "ASIACLI", SecretAccessKey: "s", SessionToken: "t", Expires: time.Date(2026, 6, 1, 13, 0, 0, 0, time.UTC)}, AccountID: "123456789012"}
	if !ok || got != want {
		t.Errorf("sts entry: %v %v", got, ok)
	}
	if got, ok := ReadCLICache(dir, "sso", now, 5*time.Minute); !ok || got.AccessKeyID != "ASIASSO" || got.AccountID != "210987654321" {
		t.Errorf("sso entry (0644, as older CLIs wrote): %v %v", got, ok)
	}
	for _, key := range []string{"soon", "writable", "naive", "garbage", "missing", "../sts"} {
		if v, ok := ReadCLICache(dir, key, now, 5*time.Minute); ok {
			t.Errorf("%s: used %v", key, v)
		}
	}
}

// A role the AWS CLI already assumed costs no network: the chain reads
// ~/.aws/cli/cache and never calls STS.
func TestChainUsesCLICache(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\nrole_session_name = me\n[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n")
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	writeFile(t, filepath.Join(home, ".aws", "cli", "cache", "34abbdaa1109ead38aa7402809271c6d8fce7f4f.json"),
		`{"Credentials": {"AccessKeyId": "ASIAFROMCLI", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "`+exp.Format("2006-01-02T15:04:05+00:00")+`"}}`)
	f := newAWSFake(t, time.Now())
	res, err := Resolve(context.Background(), Request{Env: getenvMap(f.env(home, nil)), Profile: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.AccessKeyID != "ASIAFROMCLI" || !res.Credentials.Expires.Equal(exp) || len(f.callList()) != 0 {
		t.Errorf("got %v with calls %q", res.Credentials, f.callList())
	}
}

// FuzzPyJSONString: what appendPyJSONString writes is a JSON string that
// decodes back to the input and is pure ASCII, as Python's ensure_ascii.
func FuzzPyJSONString(f *testing.F) {
	for _, s := range []string{"", "arn:aws:iam::1:role/r", "é\"\\<&>\t/ü😀\x01\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		b := appendPyJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Fatalf("%q -> %s -> %q, %v", s, b, back, err)
		}
		for _, c := range b {
			if c >= 0x80 {
				t.Fatalf("non-ASCII in %s", b)
			}
		}
	})
}
