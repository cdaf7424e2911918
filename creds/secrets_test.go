package creds

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	errMu    sync.Mutex
	errsSeen []string
)

// recordErr keeps an error produced by a test for TestNoSecretsInErrors.
func recordErr(err error) {
	if err == nil {
		return
	}
	errMu.Lock()
	errsSeen = append(errsSeen, err.Error())
	errMu.Unlock()
}

// TestNoSecretsInErrors produces every broken-source error we know with
// testSecret / testToken in play and checks none of them (nor any other
// error recorded by the suite, nor descriptions) quotes them.
func TestNoSecretsInErrors(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	write := func(name, s string) { os.WriteFile(filepath.Join(home, ".aws", name), []byte(s), 0o600) }
	base := map[string]string{"HOME": home, "AWS_EC2_METADATA_DISABLED": "true", "XDG_CONFIG_HOME": filepath.Join(home, "x")}
	run := func(env map[string]string, profile string) (*Resolved, error) {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range env {
			m[k] = v
		}
		return Resolve(context.Background(), Request{Env: func(k string) string { return m[k] }, Profile: profile})
	}
	setups := []struct {
		config, creds string
		env           map[string]string
		profile       string
	}{
		{env: map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_KEY": "", "AWS_SESSION_TOKEN": testToken}},
		{env: map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SESSION_TOKEN": testToken}},
		{env: map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": testSecret, "AWS_SESSION_TOKEN": testToken, "AWS_CREDENTIAL_EXPIRATION": "2001-01-01T00:00:00Z"}},
		{env: map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": testSecret, "AWS_CREDENTIAL_EXPIRATION": testSecret}},
		{creds: "[default]\naws_secret_access_key = " + testSecret + "\naws_session_token = " + testToken + "\n"}, // ignored: nothing found
		{creds: "[default]\naws_access_key_id = AK\naws_session_token = " + testToken + "\n"},
		{creds: "[default]\naws_access_key_id = " + testSecret + "\n" + testSecret + "\n"},
		{creds: testSecret + " = " + testToken + "\n"},
		{creds: "[default]\naws_access_key_id = AK\naws_secret_access_key = " + testSecret + "\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n"},
		{config: "[default]\naws_secret_access_key = " + testSecret + "\nrole_arn = x\nsource_profile = default\ncredential_source = Environment\n"},
		{config: "[default]\ncredential_process = /bin/echo " + testSecret + " " + testToken + "\n"},
		{config: "[default]\ncredential_process = /bin/echo '{\"Version\": \"" + testSecret + "\"}'\n"},
		{config: "[default]\ncredential_process = /bin/echo '{\"Version\": 1, \"AccessKeyId\": 5, \"SecretAccessKey\": \"" + testSecret + "\"}'\n"},
		{config: "[default]\ncredential_process = /bin/echo '{\"Version\": 1, \"AccessKeyId\": \"AK\", \"SecretAccessKey\": \"" + testSecret + "\", \"Expiration\": \"" + testToken + "\"}'\n"},
		{config: "[default]\ncredential_process = /bin/echo '{\"Version\": 3" + testSecret + "}'\n"},
		{config: "[default]\ncredential_process = '" + testSecret + "'\n"},
		{config: "[default]\naws_access_key_id = AK\naws_secret_access_key = " + testSecret + "\n", creds: "[default]\naws_access_key_id = AK2\n"},
	}
	for i, s := range setups {
		os.Remove(filepath.Join(home, ".aws", "config"))
		os.Remove(filepath.Join(home, ".aws", "credentials"))
		if s.config != "" {
			write("config", s.config)
		}
		if s.creds != "" {
			write("credentials", s.creds)
		}
		res, err := run(s.env, s.profile)
		if err == nil {
			t.Errorf("setup %d: no error (source %s)", i, res.Source)
			continue
		}
		recordErr(err)
	}
	// Descriptions of successful resolutions.
	write("credentials", "[default]\naws_access_key_id = AK\naws_secret_access_key = "+testSecret+"\naws_session_token = "+testToken+"\n")
	os.Remove(filepath.Join(home, ".aws", "config"))
	res, err := run(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	recordErr(fmt.Errorf("%s %v %+v %#v", res.Source, res.Credentials, res.Plan, *res))

	errMu.Lock()
	defer errMu.Unlock()
	if len(errsSeen) < len(setups) {
		t.Fatalf("only %d errors recorded", len(errsSeen))
	}
	for _, e := range errsSeen {
		for _, secret := range []string{testSecret, testToken, testSecret[:20], testToken[:20]} {
			if strings.Contains(e, secret) {
				t.Errorf("secret in error: %s", e)
			}
		}
	}
}
