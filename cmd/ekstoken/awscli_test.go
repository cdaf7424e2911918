package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// TestAgainstAWSCLI runs the real `aws eks get-token` (where an `aws` is on
// PATH; it presigns offline) with static credentials in the environment,
// then ekstoken with the same inputs, pinned to the signing time the CLI
// used. The URLs must agree key for key and value for value, signature
// included; only the position of X-Amz-Security-Token may differ (botocore
// appends it after X-Amz-SignedHeaders, we sort it before, as aws-sdk-go-v2
// and aws-iam-authenticator do; the signature covers the sorted query).
func TestAgainstAWSCLI(t *testing.T) {
	awsPath, err := exec.LookPath("aws")
	if err != nil || testing.Short() {
		t.Skip("no aws CLI on PATH")
	}
	for _, tc := range []struct {
		name   string
		region string
		env    []string
	}{
		{"plain", "us-east-2", nil},
		{"session token", "eu-west-1", []string{"AWS_SESSION_TOKEN=" + exampleToken}},
		{"fips", "us-west-2", []string{"AWS_USE_FIPS_ENDPOINT=true"}},
		{"dual-stack", "ap-southeast-3", []string{"AWS_USE_DUALSTACK_ENDPOINT=true"}},
		{"china", "cn-north-1", nil},
		{"govcloud", "us-gov-west-1", nil},
		{"exec info v1", "us-east-2", []string{`KUBERNETES_EXEC_INFO={"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := append([]string{
				"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
				"AWS_ACCESS_KEY_ID=" + exampleAKID, "AWS_SECRET_ACCESS_KEY=" + exampleSecret,
				"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
				"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=",
			}, tc.env...)
			if v := os.Getenv("PYENV_ROOT"); v != "" {
				env = append(env, "PYENV_ROOT="+v)
			}
			cmd := exec.Command(awsPath, "eks", "get-token", "--cluster-name", "demo", "--region", tc.region, "--output", "json")
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("aws eks get-token: %v\n%s", err, stderr.String())
			}
			var theirs struct {
				APIVersion string `json:"apiVersion"`
				Status     struct {
					ExpirationTimestamp time.Time `json:"expirationTimestamp"`
					Token               string    `json:"token"`
				} `json:"status"`
			}
			if err := json.Unmarshal(out, &theirs); err != nil {
				t.Fatalf("CLI output: %v\n%s", err, out)
			}
			theirURL := decodeToken(t, theirs.Status.Token)
			signed, err := time.Parse(sigv4.TimeFormat, theirURL.Query().Get("X-Amz-Date"))
			if err != nil {
				t.Fatal(err)
			}

			m := map[string]string{}
			for _, kv := range env {
				k, v, _ := strings.Cut(kv, "=")
				m[k] = v
			}
			r := runAt(signed, []string{"ekstoken", "--cluster-name", "demo", "--region", tc.region}, m, "")
			if r.code != 0 {
				t.Fatalf("ekstoken: exit %d: %s", r.code, r.stderr)
			}
			var ours struct {
				APIVersion string `json:"apiVersion"`
				Status     struct {
					ExpirationTimestamp time.Time `json:"expirationTimestamp"`
					Token               string    `json:"token"`
				} `json:"status"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &ours); err != nil {
				t.Fatal(err)
			}
			ourURL := decodeToken(t, ours.Status.Token)
			if ourURL.Scheme != theirURL.Scheme || ourURL.Host != theirURL.Host || ourURL.Path != theirURL.Path {
				t.Errorf("URL base: ours %s://%s%s, CLI %s://%s%s", ourURL.Scheme, ourURL.Host, ourURL.Path, theirURL.Scheme, theirURL.Host, theirURL.Path)
			}
			oq, tq := ourURL.Query(), theirURL.Query()
			for k := range tq {
				if oq.Get(k) != tq.Get(k) || len(oq[k]) != 1 || len(tq[k]) != 1 {
					t.Errorf("%s: ours %q, CLI %q", k, oq[k], tq[k])
				}
			}
			for k := range oq {
				if _, ok := tq[k]; !ok {
					t.Errorf("%s only in ours", k)
				}
			}
			if _, hasTok := tq["X-Amz-Security-Token"]; !hasTok && ours.Status.Token != theirs.Status.Token {
				t.Errorf("without a session token the tokens differ:\n ours %s\n  CLI %s", ours.Status.Token, theirs.Status.Token)
			}
			if d := theirs.Status.ExpirationTimestamp.Sub(ours.Status.ExpirationTimestamp); d < 0 || d > time.Second {
				t.Errorf("expiration: ours %v, CLI %v", ours.Status.ExpirationTimestamp, theirs.Status.ExpirationTimestamp)
			}
			if ours.APIVersion != theirs.APIVersion {
				t.Errorf("apiVersion: ours %s, CLI %s", ours.APIVersion, theirs.APIVersion)
			}
		})
	}
}

func decodeToken(t *testing.T, tok string) *url.URL {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "k8s-aws-v1."))
	if err != nil {
		t.Fatalf("token %q: %v", tok, err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return u
}
