package main

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestMain lets testscript run this test binary as the "ekstoken" command.
// EKSTOKEN_TEST_NOW pins the clock there: the hook exists only in the test
// binary, the real command has no way to set its time.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ekstoken": func() {
			if v := os.Getenv("EKSTOKEN_TEST_NOW"); v != "" {
				t, err := time.Parse(time.RFC3339, v)
				if err != nil {
					panic(err)
				}
				now = func() time.Time { return t }
			}
			main()
		},
	})
}

// The example credentials of the AWS SigV4 test suite, and the time of the
// `aws eks get-token` run recorded in ../shared/docs/eks-token.md §B.1.
const (
	exampleAKID   = "AKIDEXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	exampleToken  = "FwoGZXIvYXdzEBYaDH+/abc=="
)

var cliTime = time.Date(2026, 12, 4, 15, 24, 59, 0, time.UTC)

// cliToken is what AWS CLI v2 2.9.19 printed for
// `aws eks get-token --cluster-name demo --region us-east-2` with the
// example credentials at cliTime (eks-token.md §B.1).
const cliToken = "k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lERVhBTVBMRSUyRjIwMjYxMjA0JTJGdXMtZWFzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjEyMDRUMTUyNDU5WiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9NTVlMzY4NDIwNWY3ZWU5MzIxZWE1YjBiMGU2ODRlYTZjMWVkOTM4NWE2OTg2M2I4OTAxODg3ZDliNmNmNDc4MQ"

type result struct {
	code           int
	stdout, stderr string
}

func runWith(t testing.TB, args []string, env map[string]string, stdin string) result {
	t.Helper()
	return runAt(cliTime, args, env, stdin)
}

// nowMu serializes tests that pin the clock.
var nowMu sync.Mutex

// runAt runs the command with the clock pinned to at.
func runAt(at time.Time, args []string, env map[string]string, stdin string) result {
	nowMu.Lock()
	defer nowMu.Unlock()
	old := now
	now = func() time.Time { return at }
	defer func() { now = old }()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(args, getenv, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func baseEnv(kv ...string) map[string]string {
	env := map[string]string{"AWS_ACCESS_KEY_ID": exampleAKID, "AWS_SECRET_ACCESS_KEY": exampleSecret}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<unset>" {
			delete(env, kv[i])
		} else {
			env[kv[i]] = kv[i+1]
		}
	}
	return env
}

func execCredential(apiVersion, expiration, tok string) string {
	return `{"apiVersion":"client.authentication.k8s.io/` + apiVersion + `","kind":"ExecCredential","status":{"expirationTimestamp":"` + expiration + `","token":"` + tok + `"}}` + "\n"
}

// TestCLIKnownAnswer: every spelling of the same request prints the very
// token the AWS CLI printed.
func TestCLIKnownAnswer(t *testing.T) {
	want := execCredential("v1beta1", "2026-12-04T15:38:59Z", cliToken)
	for _, args := range [][]string{
		{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"},
		{"ekstoken", "--cluster-name=demo", "--region=us-east-2", "--output", "json"},
		{"ekstoken", "aws", "eks", "token", "--cluster-name", "demo", "--region", "us-east-2"},
		{"ekstoken", "--region", "us-east-2", "eks", "get-token", "--cluster-name", "demo", "--output", "json"},
		{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--region", "us-east-2"},
		{"ekstoken", "eks", "get-token", "--cluster-id", "demo", "--region", "us-east-2"},
		{"ekstoken", "token", "-i", "demo", "--region", "us-east-2"},
		{"ekstoken", "token", "-idemo", "--region", "us-east-2", "-s", "session", "--cache"},
		{"ekstoken", "token", "--cluster-id=demo", "--region", "us-east-2"},
		{"/usr/local/bin/aws", "--region", "us-east-2", "eks", "get-token", "--cluster-name", "demo"},
		{"aws-iam-authenticator", "token", "-i", "demo", "--region", "us-east-2"},
		{"ATMOS.EXE", "aws", "eks", "token", "--cluster-name", "demo", "--region", "us-east-2"},
		{"ekstoken", "--region", "us-east-2", "--cluster-name", "demo", "--", "aws", "eks", "token"},
	} {
		r := runWith(t, args, baseEnv(), "")
		if r.code != 0 || r.stdout != want || r.stderr != "" {
			t.Errorf("%q: exit %d\nstdout %s\nstderr %s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestCLI covers every spelling and every error; stdout of successful runs
// is compared with testdata/golden/<name>.out (go test -update rewrites).
func TestCLI(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		env    map[string]string
		stdin  string
		code   int
		stderr string // substring of stderr; "" means stderr must be empty
	}{
		// Output forms.
		{"native-output-token", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2", "--output", "token"}, baseEnv(), "", 0, ""},
		{"aws-query-token-text", []string{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--region", "us-east-2", "--query", "status.token", "--output", "text"}, baseEnv(), "", 0, ""},
		{"aws-query-token-json", []string{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--region", "us-east-2", "--query", "status.token"}, baseEnv(), "", 0, ""},
		{"aws-query-expiration", []string{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--region", "us-east-2", "--query", "status.expirationTimestamp", "--output", "text"}, baseEnv(), "", 0, ""},
		{"authenticator-token-only", []string{"ekstoken", "token", "-i", "demo", "--region", "us-east-2", "--token-only"}, baseEnv(), "", 0, ""},
		{"authenticator-env-cluster", []string{"aws-iam-authenticator", "token", "--region", "us-east-2"}, baseEnv("KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID", "demo"), "", 0, ""},
		// Region and endpoint.
		{"region-from-AWS_REGION", []string{"ekstoken", "--cluster-name", "demo"}, baseEnv("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "us-west-1"), "", 0, ""},
		{"region-from-AWS_DEFAULT_REGION", []string{"ekstoken", "--cluster-name", "demo"}, baseEnv("AWS_DEFAULT_REGION", "cn-north-1"), "", 0, ""},
		{"region-flag-beats-env", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-gov-west-1"}, baseEnv("AWS_REGION", "eu-west-1"), "", 0, ""},
		{"fips", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_USE_FIPS_ENDPOINT", "TRUE"), "", 0, ""},
		{"dualstack", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_USE_DUALSTACK_ENDPOINT", "true"), "", 0, ""},
		{"fips-not-true", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_USE_FIPS_ENDPOINT", "yes"), "", 0, ""},
		{"endpoint-url-sts", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_ENDPOINT_URL_STS", "http://localhost:4566", "AWS_ENDPOINT_URL", "https://ignored.example"), "", 0, ""},
		{"endpoint-url", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_ENDPOINT_URL", "https://sts.internal.example/"), "", 0, ""},
		{"endpoint-url-ignored", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_ENDPOINT_URL", "https://sts.internal.example/", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), "", 0, ""},
		{"iso-e", []string{"ekstoken", "--cluster-name", "demo", "--region", "eu-isoe-west-1"}, baseEnv(), "", 0, ""},
		{"eusc", []string{"ekstoken", "--cluster-name", "demo", "--region", "eusc-de-east-1"}, baseEnv(), "", 0, ""},
		// Credentials.
		{"session-token", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_SESSION_TOKEN", exampleToken), "", 0, ""},
		{"security-token-first", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_SESSION_TOKEN", "ignored", "AWS_SECURITY_TOKEN", exampleToken), "", 0, ""},
		{"credential-expiration-clamps", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_SESSION_TOKEN", exampleToken, "AWS_CREDENTIAL_EXPIRATION", "2026-12-04T15:30:00Z"), "", 0, ""},
		{"env-creds-beat-AWS_PROFILE", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_PROFILE", "dev", "HOME", "testdata/home"), "", 0, ""},
		// KUBERNETES_EXEC_INFO.
		{"exec-info-v1", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("KUBERNETES_EXEC_INFO", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`), "", 0, ""},
		{"exec-info-v1alpha1", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("KUBERNETES_EXEC_INFO", `{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`), "", 0, "ekstoken: warning: the kubeconfig user entry uses the deprecated API version"},
		{"exec-info-unknown", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("KUBERNETES_EXEC_INFO", `{"apiVersion":"client.authentication.k8s.io/v2"}`), "", 0, "ekstoken: warning: unrecognized API version"},
		{"exec-info-garbage", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("KUBERNETES_EXEC_INFO", `not json`), "", 0, "ekstoken: warning: cannot parse KUBERNETES_EXEC_INFO"},
		{"debug", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2", "--debug"}, baseEnv(), "", 0, "ekstoken: debug: credentials from environment variables (access key AKIDEXAMPLE), region us-east-2 from --region, endpoint https://sts.us-east-2.amazonaws.com/"},

		// Help, version.
		{"help", []string{"ekstoken", "--help"}, nil, "", 0, ""},
		{"help-word", []string{"ekstoken", "help"}, nil, "", 0, ""},
		{"help-aws", []string{"ekstoken", "eks", "get-token", "--help"}, nil, "", 0, ""},
		{"help-authenticator", []string{"ekstoken", "token", "-h"}, nil, "", 0, ""},

		// Decode.
		{"decode", []string{"ekstoken", "decode", cliToken}, nil, "", 0, ""},
		{"decode-json", []string{"ekstoken", "decode", "--json", cliToken}, nil, "", 0, ""},
		{"decode-stdin-execcredential", []string{"ekstoken", "decode", "-"}, nil, execCredential("v1beta1", "2026-12-04T15:38:59Z", cliToken), 0, ""},
		{"decode-stdin-token", []string{"ekstoken", "decode", "-"}, nil, "\n  " + cliToken + "\n", 0, ""},
		{"decode-padded", []string{"ekstoken", "decode", cliToken + "=="}, nil, "", 1, "ekstoken: decode: the EKS authenticator would reject this token: token is not unpadded base64url"},
		{"decode-http", []string{"ekstoken", "decode", "k8s-aws-v1." + base64.RawURLEncoding.EncodeToString([]byte("http://sts.us-east-2.amazonaws.com:8443/x?Action=AssumeRole&Foo=1"))}, nil, "", 1, "unexpected scheme"},
		{"decode-stdin-bad-json", []string{"ekstoken", "decode", "-"}, nil, `{"status":{}}`, 1, "not an ExecCredential"},

		// Errors: exit 1, nothing on stdout.
		{"no-creds", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, map[string]string{"AWS_EC2_METADATA_DISABLED": "true"}, "", 1, "ekstoken: no credentials found"},
		{"partial-creds", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_SECRET_ACCESS_KEY", "<unset>"), "", 1, "AWS_ACCESS_KEY_ID is set (access key AKIDEXAMPLE) but AWS_SECRET_ACCESS_KEY is not"},
		{"partial-creds-secret", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_ACCESS_KEY_ID", "<unset>", "AWS_EC2_METADATA_DISABLED", "true"), "", 1, "ekstoken: no credentials found"},
		{"profile-flag", []string{"ekstoken", "--region", "us-east-2", "--profile", "dev", "eks", "get-token", "--cluster-name", "demo"}, baseEnv("HOME", "testdata/home"), "", 0, ""},
		{"profile-missing", []string{"ekstoken", "--region", "us-east-2", "--profile", "nope", "eks", "get-token", "--cluster-name", "demo"}, baseEnv("HOME", "testdata/home"), "", 1, "ekstoken: profile \"nope\" not found"},
		{"AWS_PROFILE-only", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, map[string]string{"AWS_PROFILE": "dev", "HOME": "testdata/home"}, "", 0, ""},
		{"atmos-identity", []string{"ekstoken", "aws", "eks", "token", "--cluster-name", "demo", "--region", "us-east-2", "--identity=dev-admin"}, map[string]string{"XDG_CONFIG_HOME": "testdata/xdg", "HOME": "testdata/home"}, "", 0, ""},
		{"atmos-identity-env", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, map[string]string{"ATMOS_IDENTITY": "dev-admin", "XDG_CONFIG_HOME": "testdata/xdg", "HOME": "testdata/home"}, "", 0, ""},
		{"native-identity-short", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2", "-i", "dev-admin"}, map[string]string{"XDG_CONFIG_HOME": "testdata/xdg", "HOME": "testdata/home"}, "", 0, ""},
		{"no-region", []string{"ekstoken", "--cluster-name", "demo"}, baseEnv(), "", 1, "ekstoken: no region: pass --region, or set AWS_REGION"},
		{"bad-AWS_REGION", []string{"ekstoken", "--cluster-name", "demo"}, baseEnv("AWS_REGION", "us-east-1.evil.com"), "", 1, "ekstoken: AWS_REGION: region \"us-east-1.evil.com\" is not a region name"},
		{"role-arn", []string{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--region", "us-east-2", "--role-arn", "arn:aws:iam::123456789012:role/x"}, baseEnv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1", "XDG_CACHE_HOME", "testdata/nocache"), "", 1, roleError("ekstoken: --role-arn arn:aws:iam::123456789012:role/x: sts:AssumeRole")},
		{"authenticator-role", []string{"ekstoken", "token", "-i", "demo", "-r", "arn:aws:iam::123456789012:role/x", "--region", "us-east-2"}, baseEnv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1", "XDG_CACHE_HOME", "testdata/nocache"), "", 1, roleError("ekstoken: -r arn:aws:iam::123456789012:role/x: sts:AssumeRole")},
		{"authenticator-DEFAULT_ROLE", []string{"ekstoken", "token", "-i", "demo", "--region", "us-east-2"}, baseEnv("DEFAULT_ROLE", "arn:aws:iam::1:role/r", "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1", "XDG_CACHE_HOME", "testdata/nocache"), "", 1, "ekstoken: DEFAULT_ROLE arn:aws:iam::1:role/r: sts:AssumeRole"},
		{"fips-with-url", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_USE_FIPS_ENDPOINT", "true", "AWS_ENDPOINT_URL_STS", "https://x.example"), "", 1, "ekstoken: STS endpoint: Invalid Configuration: FIPS and custom endpoint are not supported"},
		{"bad-endpoint-url", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_ENDPOINT_URL_STS", "ftp://x.example"), "", 1, "scheme must be https or http"},
		{"bad-credential-expiration", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_CREDENTIAL_EXPIRATION", "tomorrow"), "", 1, "AWS_CREDENTIAL_EXPIRATION: the value (8 bytes) is not an RFC 3339 time"},
		{"expired-creds", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_CREDENTIAL_EXPIRATION", "2026-12-04T15:00:00Z"), "", 1, "ekstoken: credentials in the environment (access key AKIDEXAMPLE) expired at 2026-12-04T15:00:00Z"},
		{"long-session-token", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, baseEnv("AWS_SESSION_TOKEN", strings.Repeat("x", 3000)), "", 1, "over the EKS limit of 4096"},

		// Usage errors: exit 2, one line, nothing on stdout.
		{"no-args", []string{"ekstoken"}, baseEnv(), "", 2, "ekstoken: --cluster-name is required (see ekstoken --help)"},
		{"unknown-flag", []string{"ekstoken", "--cluster-name", "demo", "--bogus"}, baseEnv(), "", 2, "ekstoken: unknown flag \"--bogus\""},
		{"unknown-flag-value", []string{"ekstoken", "--bogus=1"}, baseEnv(), "", 2, "unknown flag \"--bogus\""},
		{"missing-value", []string{"ekstoken", "--region", "us-east-2", "--cluster-name"}, baseEnv(), "", 2, "flag --cluster-name needs a value"},
		{"bool-with-value", []string{"ekstoken", "token", "-i", "demo", "--token-only=true"}, baseEnv(), "", 2, "flag --token-only takes no value"},
		{"unknown-command", []string{"ekstoken", "get-token"}, baseEnv(), "", 2, "unknown command \"get-token\""},
		{"extra-arg", []string{"ekstoken", "token", "-i", "demo", "extra"}, baseEnv(), "", 2, "unexpected argument \"extra\""},
		{"aws-missing-cluster", []string{"ekstoken", "eks", "get-token", "--region", "us-east-2"}, baseEnv(), "", 2, "either --cluster-name or --cluster-id must be given"},
		{"aws-both-clusters", []string{"ekstoken", "eks", "get-token", "--cluster-name", "a", "--cluster-id", "b"}, baseEnv(), "", 2, "--cluster-name and --cluster-id cannot be used together"},
		{"authenticator-missing-cluster", []string{"ekstoken", "token", "--region", "us-east-2"}, baseEnv(), "", 2, "cluster ID not specified"},
		{"aws-output-text", []string{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--output", "text"}, baseEnv(), "", 2, "--output text: kubectl reads JSON"},
		{"aws-output-yaml", []string{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--output", "yaml"}, baseEnv(), "", 2, "--output \"yaml\""},
		{"aws-query-other", []string{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--query", "kind"}, baseEnv(), "", 2, "--query \"kind\""},
		{"native-output-bad", []string{"ekstoken", "--cluster-name", "demo", "--output", "yaml"}, baseEnv(), "", 2, "--output \"yaml\": want json or token"},
		{"flag-of-other-spelling", []string{"ekstoken", "eks", "get-token", "--cluster-name", "demo", "--token-only"}, baseEnv(), "", 2, "flag --token-only is not an option of `eks get-token`"},
		{"native-flag-cluster-id", []string{"ekstoken", "--cluster-id", "demo"}, baseEnv(), "", 2, "flag --cluster-id is not an option of ekstoken"},
		{"cluster-space", []string{"ekstoken", "--cluster-name", "de mo", "--region", "us-east-2"}, baseEnv(), "", 2, "--cluster-name: cluster name \"de mo\" contains a control character or white space"},
		{"cluster-control", []string{"ekstoken", "token", "-i", "de\x1bmo"}, baseEnv(), "", 2, "-i: cluster name"},
		{"cluster-empty", []string{"ekstoken", "--cluster-name=", "--region", "us-east-2"}, baseEnv(), "", 2, "--cluster-name is required"},
		{"cluster-101", []string{"ekstoken", "--cluster-name", strings.Repeat("c", 101), "--region", "us-east-2"}, baseEnv(), "", 2, "longer than 100"},
		{"region-host-injection", []string{"ekstoken", "--cluster-name", "demo", "--region", "evil.com/x"}, baseEnv(), "", 2, "--region: region \"evil.com/x\" is not a region name"},
		{"region-upper", []string{"ekstoken", "--cluster-name", "demo", "--region", "US-EAST-2"}, baseEnv(), "", 2, "is not a region name"},
		{"region-port", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2:443"}, baseEnv(), "", 2, "is not a region name"},
		{"as-aws-other-command", []string{"aws", "s3", "ls"}, baseEnv(), "", 2, "unknown command \"s3 ls\""},
		{"as-aws-wrong-spelling", []string{"aws", "token", "-i", "demo"}, baseEnv(), "", 2, "called as aws, ekstoken only implements `aws eks get-token`"},
		{"as-authenticator-wrong", []string{"aws-iam-authenticator", "verify", "-i", "demo"}, baseEnv(), "", 2, "unknown command \"verify\""},
		{"as-atmos-wrong", []string{"atmos", "eks", "get-token", "--cluster-name", "demo"}, baseEnv(), "", 2, "called as atmos"},
		{"decode-no-arg", []string{"ekstoken", "decode"}, nil, "", 2, "decode needs a token"},
		{"decode-two-args", []string{"ekstoken", "decode", "a", "b"}, nil, "", 2, "decode takes one token"},
		{"decode-bad-flag", []string{"ekstoken", "decode", "--region", "x", "t"}, nil, "", 2, "flag --region is not an option of `decode`"},
		{"version-extra", []string{"ekstoken", "version", "x"}, nil, "", 2, "unknown command \"version x\""},
	} {
		if nonetBuild && strings.HasPrefix(tc.name, "decode") {
			tc.code, tc.stderr = 2, "ekstoken: "+errNoDecode
		}
		t.Run(tc.name, func(t *testing.T) {
			r := runWith(t, tc.args, tc.env, tc.stdin)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", r.code, tc.code, r.stdout, r.stderr)
			}
			if tc.stderr == "" && r.stderr != "" {
				t.Errorf("stderr %q, want empty", r.stderr)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, tc.stderr)
			}
			if r.stderr != "" && (strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "ekstoken: ")) {
				t.Errorf("stderr is not one line starting with \"ekstoken: \": %q", r.stderr)
			}
			for _, secret := range []string{exampleSecret, exampleToken, strings.Repeat("x", 3000)} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("output contains a secret")
				}
			}
			if tc.code != 0 && !strings.HasPrefix(tc.name, "decode") && r.stdout != "" {
				t.Errorf("stdout on error: %q", r.stdout)
			}
			if tc.code == 2 || (tc.code == 1 && !strings.HasPrefix(tc.name, "decode")) {
				return
			}
			golden := filepath.Join("testdata", "golden", tc.name+".out")
			if *update {
				if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if r.stdout != string(want) {
				t.Errorf("stdout differs from %s:\n got %s\nwant %s", golden, r.stdout, want)
			}
		})
	}
}

// TestGoldenFacts checks what the goldens must say, so that -update cannot
// silently bless a wrong output.
func TestGoldenFacts(t *testing.T) {
	for name, wants := range map[string][]string{
		"region-from-AWS_REGION":         {"sts.eu-west-1.amazonaws.com", "%2Feu-west-1%2Fsts"},
		"region-from-AWS_DEFAULT_REGION": {"sts.cn-north-1.amazonaws.com.cn"},
		"region-flag-beats-env":          {"sts.us-gov-west-1.amazonaws.com"},
		"fips":                           {"sts-fips.us-east-2.amazonaws.com"},
		"dualstack":                      {"sts.us-east-2.api.aws"},
		"fips-not-true":                  {"sts.us-east-2.amazonaws.com"},
		"endpoint-url-sts":               {"http://localhost:4566/?Action="},
		"endpoint-url":                   {"https://sts.internal.example/?Action="},
		"endpoint-url-ignored":           {"https://sts.us-east-2.amazonaws.com/?Action="},
		"iso-e":                          {"sts.eu-isoe-west-1.cloud.adc-e.uk"},
		"eusc":                           {"sts.eusc-de-east-1.amazonaws.eu"},
		"session-token":                  {"X-Amz-Expires=60&X-Amz-Security-Token=FwoGZXIvYXdzEBYaDH%2B%2Fabc%3D%3D&X-Amz-SignedHeaders"},
		"security-token-first":           {"X-Amz-Security-Token=FwoGZXIvYXdzEBYaDH%2B%2Fabc%3D%3D&"},
		"credential-expiration-clamps":   {`"expirationTimestamp":"2026-12-04T15:30:00Z"`},
		"exec-info-v1":                   {`"apiVersion":"client.authentication.k8s.io/v1"`},
		"exec-info-v1alpha1":             {`"apiVersion":"client.authentication.k8s.io/v1alpha1"`},
		"exec-info-unknown":              {`"apiVersion":"client.authentication.k8s.io/v1beta1"`},
		"exec-info-garbage":              {`"apiVersion":"client.authentication.k8s.io/v1beta1"`},
		"native-output-token":            {cliToken + "\n"},
		"aws-query-token-text":           {cliToken + "\n"},
		"aws-query-token-json":           {`"` + cliToken + `"` + "\n"},
		"aws-query-expiration":           {"2026-12-04T15:38:59Z\n"},
		"authenticator-token-only":       {cliToken + "\n"},
		"authenticator-env-cluster":      {cliToken},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.HasPrefix(s, "{") {
			s += decodedURLs(s)
		}
		for _, w := range wants {
			if !strings.Contains(s, w) {
				t.Errorf("%s.out does not contain %q", name, w)
			}
		}
	}
}

var tokenRE = regexp.MustCompile(`k8s-aws-v1\.[A-Za-z0-9_-]+`)

// decodedURLs returns the URLs inside the tokens of s.
func decodedURLs(s string) string {
	var b strings.Builder
	for _, tok := range tokenRE.FindAllString(s, -1) {
		raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "k8s-aws-v1."))
		b.WriteString("\n" + string(raw))
	}
	return b.String()
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: filepath.Join("testdata", "script"),
		// [nonet]: the script runs against the offline build.
		Condition: func(cond string) (bool, error) {
			if cond == "nonet" {
				return nonetBuild, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		}})
}

// TestAtmosSessionExpired: an atmos session past its expiration fails with
// the command that renews it.
func TestAtmosSessionExpired(t *testing.T) {
	r := runAt(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC),
		[]string{"ekstoken", "aws", "eks", "token", "--cluster-name", "demo", "--region", "us-east-2", "--identity=dev-admin"},
		map[string]string{"XDG_CONFIG_HOME": "testdata/xdg", "HOME": "testdata/home"}, "")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "atmos auth login -i dev-admin") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"ekstoken", "--version"}, {"ekstoken", "version"}} {
		r := runWith(t, args, nil, "")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "ekstoken ") || strings.Count(r.stdout, "\n") != 1 || r.stderr != "" {
			t.Errorf("%q: %+v", args, r)
		}
	}
	old := version
	version = "v9.9.9"
	defer func() { version = old }()
	if r := runWith(t, []string{"ekstoken", "--version"}, nil, ""); r.stdout != "ekstoken v9.9.9\n" {
		t.Errorf("-X main.version: %q", r.stdout)
	}
}

// roleError is the start of the error of assuming a role whose STS endpoint
// refuses connections: the default build tried with the environment's
// credentials; the offline build says it cannot call STS at all.
func roleError(prefix string) string {
	if nonetBuild {
		return prefix + " (this ekstoken was built with -tags nonet"
	}
	return prefix + " with the credentials of environment variables: "
}
