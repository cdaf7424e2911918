package creds

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoSharedConfigFixtures plans profiles of aws-sdk-go-v2's
// config/testdata/shared_config + shared_credentials (expectations from
// upstream shared_config_test.go / resolve_credentials_test.go). Where the
// AWS CLI v2 answers differently from Go, the CLI's answer is asserted and
// marked.
func TestGoSharedConfigFixtures(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join(awsTestdata, "aws-sdk-go-v2/config/testdata"))
	env := map[string]string{
		"AWS_CONFIG_FILE":             filepath.Join(dir, "shared_config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "shared_credentials"),
		"HOME":                        t.TempDir(),
	}
	for _, tc := range []struct {
		profile string
		want    string // plan shape joined by "|", or "error"
		region  string
	}{
		{"exampleProfile", "Static AKID ", "us-west-2"},
		{"complete_creds_with_token", "Static complete_creds_with_token_akid complete_creds_with_token_token", ""},
		{"partial_creds", "error", ""},
		{"with_mixed_case_keys", "Static accessKey ", ""},
		// Sections are case-sensitive; credentials-file keys win, as a
		// group (its section has no token, so none).
		{"DoNotNormalize", "Static DoNotNormalize_credentials_akid ", "eu-west-1"},
		{"donotnormalize", "Static donotnormalize_credentials_akid ", "eu-west-2"},
		{"DONOTNORMALIZE", "Static DONOTNORMALIZE_credentials_akid ", "eu-west-3"},
		{"AssumeWithDoNotNormalize", "Static DoNotNormalize_credentials_akid |AssumeRole AssumeWithDoNotNormalize_role_arn  ", ""},
		{"assume_role", "Static complete_creds_akid |AssumeRole assume_role_role_arn  ", ""},
		{"assume_role_w_creds", "Static assume_role_w_creds_akid |AssumeRole assume_role_w_creds_role_arn 1234 assume_role_w_creds_session_name", ""},
		{"assume_role_invalid_source_profile", "error", ""},
		{"partial_assume_role", "error", ""},
		{"assume_role_wo_creds", "error", ""},
		{"assume_role_with_credential_source", "Named Ec2InstanceMetadata|AssumeRole assume_role_with_credential_source_role_arn  ", ""},
		{"multiple_assume_role_with_credential_source2", "Named Ec2InstanceMetadata|AssumeRole assume_role_with_credential_source_role_arn  |AssumeRole multiple_assume_role_with_credential_source_role_arn  |AssumeRole multiple_assume_role_with_credential_source2_role_arn  ", ""},
		{"sso_creds", "SSO  us-west-2 https://127.0.0.1/start 012345678901 TestRole", ""},
		{"source_sso_creds", "SSO  us-west-2 https://127.0.0.1/start 012345678901 TestRole|AssumeRole source_sso_creds_arn  ", ""},
		// Go: static keys win; the AWS CLI v2 tries SSO first (account id
		// and role name present). CLI followed.
		{"sso_and_static", "SSO  us-west-2 https://THIS_SHOULD_NOT_BE_IN_TESTDATA_CACHE/start 012345678901 TestRole", ""},
		// Go: SSO; CLI: SSO too (before credential_process).
		{"sso_mixed_credproc", "SSO  us-west-2 https://127.0.0.1/start 012345678901 TestRole", ""},
		{"sso-session-success", "SSO sso-session-success-dev us-east-1 https://d-123456789a.awsapps.com/start 123456789012 testRole", "us-east-1"},
		{"UseFIPSEndpointEnabled", "EC2 instance metadata (IMDS)", "us-west-2"},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			r := &Request{Env: func(k string) string { return env[k] }, Profile: tc.profile}
			st, err := plan(r.env(), r)
			got := "error"
			if err == nil {
				got = strings.Join(shape(st.plan), "|")
				if st.region != tc.region {
					t.Errorf("region %q want %q", st.region, tc.region)
				}
			} else {
				recordErr(err)
			}
			if got != tc.want {
				t.Fatalf("got %q\nwant %q (err %v)", got, tc.want, err)
			}
		})
	}
	// STS settings and the services section.
	r := Request{Env: func(k string) string { return env[k] }, Profile: "UseFIPSEndpointEnabled"}
	st, _ := plan(r.env(), &r)
	if !st.sts.UseFIPS || st.sts.UseDualStack {
		t.Errorf("UseFIPSEndpointEnabled: %+v", st.sts)
	}
	ps, err := LoadProfiles(env["AWS_CONFIG_FILE"], "")
	if err != nil {
		t.Fatal(err)
	}
	get := func(string) string { return "" }
	if u := ConfiguredEndpointURL(get, ps, ps.Profile("service_endpoint_url"), "s3", "", false); u != "http://127.0.0.1" {
		t.Errorf("services s3: %q", u)
	}
	if u := ConfiguredEndpointURL(get, ps, ps.Profile("service_endpoint_url"), "sts", "", false); u != "" {
		t.Errorf("services sts: %q", u)
	}
	if !strings.Contains(ps.Profile("default").Value("s3"), "unsupported_key=123") {
		t.Errorf("default s3: %q", ps.Profile("default").Value("s3"))
	}
}

// TestGoProcCredsFixtures: aws-sdk-go-v2 proc_creds_{config,credentials}.ini
// run `cat ./testdata/...` relative to the config directory.
func TestGoProcCredsFixtures(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join(awsTestdata, "aws-sdk-go-v2/config"))
	t.Chdir(dir)
	for _, tc := range []struct {
		file, profile, want string
	}{
		{"config", "", "error"}, // expired
		{"config", "not_expire", "accessKey"},
		// Static keys and credential_process in the config file: the AWS
		// CLI v2 runs the process first (Go takes the keys). CLI followed.
		{"config", "not_alone", "veryBadAccessKeyID"},
		{"credentials", "", "error"},
		{"credentials", "not_expire", "accessKey"},
		// In the credentials file, keys come before credential_process.
		{"credentials", "not_alone", "notFromCredProcAccess"},
	} {
		env := map[string]string{"HOME": t.TempDir(), "AWS_EC2_METADATA_DISABLED": "true"}
		if tc.file == "config" {
			env["AWS_CONFIG_FILE"] = filepath.Join(dir, "testdata/proc_creds_config.ini")
		} else {
			env["AWS_SHARED_CREDENTIALS_FILE"] = filepath.Join(dir, "testdata/proc_creds_credentials.ini")
		}
		res, err := Resolve(context.Background(), Request{Env: func(k string) string { return env[k] }, Profile: tc.profile})
		got := "error"
		if err == nil {
			got = res.Credentials.AccessKeyID
		}
		if got != tc.want {
			t.Errorf("%s %q: got %q want %q (%v)", tc.file, tc.profile, got, tc.want, err)
		}
	}
}
