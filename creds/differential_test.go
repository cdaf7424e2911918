package creds

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDifferentialAWSCLI compares the access key id and session token we
// pick with what the AWS CLI v2 picks (`aws configure export-credentials`)
// for a corpus of config/credentials/environment setups. Both failing counts
// as agreement (e.g. profiles that need the network, which neither side has
// here). Cases marked diverge are deliberate differences (README): there we
// assert that the CLI still answers as recorded and we answer as documented.
//
// The CLI is found as $EKSTOKEN_AWS_CLI, else an `aws` on PATH or in
// /usr/bin, /usr/local/bin that reports aws-cli/2. Without one the test is
// skipped with a message saying so (.ci/run installs Debian's awscli).
func TestDifferentialAWSCLI(t *testing.T) {
	cli := findAWSCLIv2()
	if cli == "" {
		t.Skip("AWS CLI v2 not found (set EKSTOKEN_AWS_CLI or apt-get install awscli): differential test NOT run")
	}
	if testing.Short() {
		t.Skip("-short: differential test against the AWS CLI not run")
	}
	proc := func(json string) string { return "/bin/echo '" + json + "'" }
	cases := []struct {
		name               string
		config, creds      string
		env                map[string]string
		profile            string // --profile
		diverge            string // why we differ on purpose
		wantKey, wantToken string // our answer where diverge is set ("" key = error)
		cliKey             string // the CLI's answer where diverge is set ("" = error)
	}{
		{name: "env only", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s"}},
		{name: "env with token", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "TOK1"}},
		{name: "env security token first", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "TOK1", "AWS_SECURITY_TOKEN": "TOK2"}},
		{name: "env beats AWS_PROFILE", creds: "[p]\naws_access_key_id = AKP\naws_secret_access_key = s\n", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "p"}},
		{name: "--profile beats env", creds: "[p]\naws_access_key_id = AKP\naws_secret_access_key = s\n", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s"}, profile: "p"},
		{name: "credentials default", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\naws_session_token = T\n"},
		{name: "config default", config: "[default]\naws_access_key_id = AKCFG\naws_secret_access_key = s\n"},
		{name: "credentials file beats config", config: "[default]\naws_access_key_id = AKCFG\naws_secret_access_key = s\n", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\n"},
		{name: "token not borrowed from config", config: "[default]\naws_access_key_id = AKCFG\naws_secret_access_key = s\naws_session_token = CFGTOK\n", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\n"},
		{name: "process beats config keys", config: "[profile p]\naws_access_key_id = AKCFG\naws_secret_access_key = s\ncredential_process = " + proc(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "s", "SessionToken": "PT"}`) + "\n", profile: "p"},
		{name: "credentials keys beat process", config: "[profile p]\ncredential_process = " + proc(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "s"}`) + "\n", creds: "[p]\naws_access_key_id = AKC\naws_secret_access_key = s\n", profile: "p"},
		{name: "AWS_PROFILE in credentials only", creds: "[p]\naws_access_key_id = AKP\naws_secret_access_key = s\n", env: map[string]string{"AWS_PROFILE": "p"}},
		{name: "AWS_PROFILE before AWS_DEFAULT_PROFILE", creds: "[p]\naws_access_key_id = AKP\naws_secret_access_key = s\n[q]\naws_access_key_id = AKQ\naws_secret_access_key = s\n", env: map[string]string{"AWS_PROFILE": "p", "AWS_DEFAULT_PROFILE": "q"}},
		{name: "AWS_DEFAULT_PROFILE alone", creds: "[q]\naws_access_key_id = AKQ\naws_secret_access_key = s\n", env: map[string]string{"AWS_DEFAULT_PROFILE": "q"}},
		{name: "AWS_PROFILE missing", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\n", env: map[string]string{"AWS_PROFILE": "nope"}},
		{name: "--profile missing", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\n", profile: "nope"},
		{name: "nothing at all"},
		{name: "key id without secret", creds: "[default]\naws_access_key_id = AKC\n"},
		{name: "keys upper-case names", creds: "[default]\nAWS_ACCESS_KEY_ID = AKUP\nAws_Secret_Access_Key = s\n"},
		{name: "profile names case-sensitive", creds: "[Dev]\naws_access_key_id = AKBIG\naws_secret_access_key = s\n[dev]\naws_access_key_id = AKSMALL\naws_secret_access_key = s\n", env: map[string]string{"AWS_PROFILE": "Dev"}},
		{name: "continuation and sub-properties", config: "[default]\nregion = us-west-2\ns3 =\n  addressing_style = path\nfoo = a\n  b\naws_access_key_id = AKSUB\naws_secret_access_key = s\n"},
		{name: "credentials [profile x] is not profile x", creds: "[profile x]\naws_access_key_id = AKPX\naws_secret_access_key = s\n", env: map[string]string{"AWS_PROFILE": "x"}},
		{name: "aws_security_token", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\naws_security_token = SECTOK\n"},
		{name: "process version 2", config: "[default]\ncredential_process = " + proc(`{"Version": 2, "AccessKeyId": "AKPROC", "SecretAccessKey": "s"}`) + "\n"},
		{name: "process failing", config: "[default]\ncredential_process = /bin/false\n"},
		{name: "role_arn without source", config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\naws_access_key_id = AKCFG\naws_secret_access_key = s\n"},
		{name: "role_arn + process without source", config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_process = " + proc(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "s"}`) + "\n"},
		{name: "colon separator", creds: "[default]\naws_access_key_id : AKCOLON\naws_secret_access_key : s\n"},
		{name: "profile name punctuation", config: "[profile a.b@c+d]\naws_access_key_id = AKPUNCT\naws_secret_access_key = s\n", profile: "a.b@c+d"},
		{name: "quoted profile name", config: "[profile \"q p\"]\naws_access_key_id = AKQUOTED\naws_secret_access_key = s\n", profile: "q p"},
		{name: "CRLF and tabs", creds: "[default]\r\n\taws_access_key_id\t=\tAKTAB\r\naws_secret_access_key=s\r\n"},
		{name: "comments", creds: "# c\n; c\n[default] ; c\naws_access_key_id = AKCOMMENT\n# aws_access_key_id = NO\naws_secret_access_key = s\n"},
		{name: "expired env credentials", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CREDENTIAL_EXPIRATION": "2000-01-01T00:00:00Z"}},
		{name: "config-only profile named by --profile", config: "[profile p]\naws_access_key_id = AKP\naws_secret_access_key = s\n[default]\naws_access_key_id = AKD\naws_secret_access_key = s\n", profile: "p"},
		{name: "config without prefix is not a profile", config: "[p]\naws_access_key_id = AKP\naws_secret_access_key = s\n", profile: "p"},

		{name: "env keys with missing AWS_PROFILE", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "nope"}},
		{name: "env keys with AWS_PROFILE in credentials only", creds: "[p]\nregion = eu-west-1\n", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "p"}},
		{name: "empty env key is unset", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\n", env: map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "s"}},
		{name: "AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE with ~", creds: "[default]\naws_access_key_id = AKWRONG\naws_secret_access_key = s\n", config: "",
			env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "~/.aws/config"}},
		{name: "AWS_SHARED_CREDENTIALS_FILE with $HOME", config: "[cred]\naws_access_key_id = AKVIA\naws_secret_access_key = s\n",
			env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "$HOME/.aws/config", "AWS_PROFILE": "cred"}},
		{name: "AWS_SHARED_CREDENTIALS_FILE with ~", config: "[cred]\naws_access_key_id = AKTILDE\naws_secret_access_key = s\n",
			env: map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "~/.aws/config", "AWS_PROFILE": "cred"}},
		{name: "future env expiration", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "T", "AWS_CREDENTIAL_EXPIRATION": "2999-01-01T00:00:00Z"}},
		{name: "process expired", config: "[default]\ncredential_process = " + proc(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "s", "SessionToken": "T", "Expiration": "2001-01-01T00:00:00Z"}`) + "\n"},
		{name: "process without token", config: "[default]\ncredential_process = " + proc(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "s", "Expiration": "2999-01-01T00:00:00Z"}`) + "\n"},
		{name: "process garbage", config: "[default]\ncredential_process = /bin/echo hello\n"},
		{name: "process missing secret", config: "[default]\ncredential_process = " + proc(`{"Version": 1, "AccessKeyId": "AKPROC"}`) + "\n"},
		{name: "process in credentials file", creds: "[default]\ncredential_process = " + proc(`{"Version": 1, "AccessKeyId": "AKPROCCRED", "SecretAccessKey": "s"}`) + "\n"},
		{name: "process quoted argument with spaces", config: "[default]\ncredential_process = /bin/sh -c 'echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKSH\\\", \\\"SecretAccessKey\\\": \\\"s\\\"}\"'\n"},
		{name: "sso_session only with static keys", config: "[default]\nsso_session = s\naws_access_key_id = AKCFG\naws_secret_access_key = s\n[sso-session s]\nsso_region = us-east-1\nsso_start_url = https://x\n"},
		{name: "sso account/role beats keys", config: "[default]\nsso_account_id = 1\nsso_role_name = r\nsso_region = us-east-1\nsso_start_url = https://x\naws_access_key_id = AKCFG\naws_secret_access_key = s\n"},
		{name: "source_profile needs the network", config: "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\n[profile b]\naws_access_key_id = AKB\naws_secret_access_key = s\n", profile: "a"},
		{name: "source_profile missing", config: "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = nope\n", profile: "a"},
		{name: "web identity env beats profile keys", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\n", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r"}},
		{name: "web identity env ignored with --profile", creds: "[p]\naws_access_key_id = AKC\naws_secret_access_key = s\n", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r"}, profile: "p"},
		{name: "credential_source Environment with env keys", config: "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Environment\n", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s"}, profile: "p"},
		{name: "property before section", config: "region = x\n[default]\naws_access_key_id = AKCFG\naws_secret_access_key = s\n"},
		{name: "sub-property without =", config: "[default]\ns3 =\n  nonsense\naws_access_key_id = AKCFG\naws_secret_access_key = s\n"},
		{name: "key in section ignored by name", config: "[preview]\naws_access_key_id = AKPREV\naws_secret_access_key = s\n[default]\nregion = x\n"},
		{name: "indented comment in value", creds: "[default]\naws_access_key_id = AKC\n  # not a continuation\naws_secret_access_key = s\n"},
		{name: "token via aws_session_token in config", config: "[default]\naws_access_key_id = AKCFG\naws_secret_access_key = s\naws_session_token = CT\n"},

		// Deliberate differences.
		{name: "inline comment after key id", creds: "[default]\naws_access_key_id = AKX # c\naws_secret_access_key = s\n",
			diverge: "inline comments are stripped (SEP); the CLI keeps the literal", wantKey: "AKX", cliKey: "AKX # c"},
		{name: "quoted key id", creds: "[default]\naws_access_key_id = \"AKQ\"\naws_secret_access_key = s\n",
			diverge: "one pair of quotes is stripped (aws-sdk-go-v2); the CLI keeps them", wantKey: "AKQ", cliKey: `"AKQ"`},
		{name: "[profile default] and [default]", config: "[profile default]\naws_access_key_id = AKPD\naws_secret_access_key = s\n[default]\naws_access_key_id = AKD\naws_secret_access_key = s\n",
			diverge: "[profile default] beats [default] (SEP, Go); the CLI takes the later section", wantKey: "AKPD", cliKey: "AKD"},
		{name: "duplicate key", creds: "[default]\naws_access_key_id = AK1\naws_access_key_id = AK2\naws_secret_access_key = s\n",
			diverge: "duplicate keys: last wins (SEP); the CLI refuses the file", wantKey: "AK2", cliKey: ""},
		{name: "AWS_ACCESS_KEY alias", env: map[string]string{"AWS_ACCESS_KEY": "AKALIAS", "AWS_SECRET_KEY": "s"},
			diverge: "the issue asks for the Go aliases; the CLI does not know them", wantKey: "AKALIAS", cliKey: ""},
		{name: "duplicate section", config: "[default]\naws_access_key_id = AKD1\n[default]\naws_secret_access_key = s\n",
			diverge: "duplicate sections merge (SEP); the CLI refuses the file", wantKey: "AKD1", cliKey: ""},
		{name: "lone secret in credentials file", config: "[default]\naws_access_key_id = AKCFG\naws_secret_access_key = s\n", creds: "[default]\naws_secret_access_key = s2\n"},
		{name: "empty AWS_PROFILE is unset", creds: "[default]\naws_access_key_id = AKC\naws_secret_access_key = s\n", env: map[string]string{"AWS_PROFILE": ""},
			diverge: "an empty variable is unset (Request.Env, aws-sdk-go-v2); the CLI looks for a profile named \"\"", wantKey: "AKC", cliKey: ""},
	}
	sem := make(chan struct{}, 3)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			home := t.TempDir()
			os.Mkdir(filepath.Join(home, ".aws"), 0o700)
			if tc.config != "" {
				os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(tc.config), 0o600)
			}
			if tc.creds != "" {
				os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte(tc.creds), 0o600)
			}
			env := map[string]string{"HOME": home, "AWS_EC2_METADATA_DISABLED": "true", "XDG_CONFIG_HOME": filepath.Join(home, "xdg")}
			for k, v := range tc.env {
				env[k] = v
			}
			// Ours.
			var ourKey, ourToken string
			res, ourErr := Resolve(context.Background(), Request{Env: func(k string) string { return env[k] }, Profile: tc.profile, Stderr: &bytes.Buffer{}})
			if ourErr == nil {
				ourKey, ourToken = res.Credentials.AccessKeyID, res.Credentials.SessionToken
			}
			// The CLI's.
			args := []string{"configure", "export-credentials", "--format", "env-no-export"}
			if tc.profile != "" {
				args = append(args, "--profile", tc.profile)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, cli, args...)
			cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cliErr := cmd.Run()
			var cliKey, cliToken string
			for _, l := range strings.Split(stdout.String(), "\n") {
				if v, ok := strings.CutPrefix(l, "AWS_ACCESS_KEY_ID="); ok {
					cliKey = v
				}
				if v, ok := strings.CutPrefix(l, "AWS_SESSION_TOKEN="); ok {
					cliToken = v
				}
			}
			if cliErr != nil {
				cliKey, cliToken = "", ""
			}
			if tc.diverge != "" {
				if cliKey != tc.cliKey {
					t.Errorf("CLI now answers %q (err %v), recorded %q: revisit the divergence %q", cliKey, cliErr, tc.cliKey, tc.diverge)
				}
				if ourKey != tc.wantKey {
					t.Errorf("we answer %q (err %v), documented %q (%s)", ourKey, ourErr, tc.wantKey, tc.diverge)
				}
				return
			}
			if ourKey != cliKey || ourToken != cliToken {
				t.Errorf("ours key=%q token=%q err=%v\nCLI  key=%q token=%q err=%v stderr=%q",
					ourKey, ourToken, ourErr, cliKey, cliToken, cliErr, truncate(stderr.String(), 300))
			}
		})
	}
}

func findAWSCLIv2() string {
	cands := []string{os.Getenv("EKSTOKEN_AWS_CLI")}
	if p, err := exec.LookPath("aws"); err == nil {
		cands = append(cands, p)
	}
	cands = append(cands, "/usr/bin/aws", "/usr/local/bin/aws")
	for _, c := range cands {
		if c == "" {
			continue
		}
		out, err := exec.Command(c, "--version").CombinedOutput()
		if err == nil && strings.HasPrefix(string(out), "aws-cli/2") {
			return c
		}
	}
	return ""
}
