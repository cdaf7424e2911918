//go:build !nonet

package creds

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestIMDSReplay(t *testing.T) {
	cases := []struct {
		name     string
		contains string // expected error, "" for success
	}{
		{"default-credential-provider-chain/imds_default_chain_success", ""},
		{"default-credential-provider-chain/imds_default_chain_retries", ""},
		{"default-credential-provider-chain/imds_default_chain_error", "no IAM role is attached"},
		{"default-credential-provider-chain/imds_no_iam_role", "no IAM role is attached"},
		{"default-credential-provider-chain/imds_token_fail", "IMDS is disabled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := loadSmithyCase(t, tc.name)
			base, err := IMDSEndpoint(c.Env["AWS_EC2_METADATA_SERVICE_ENDPOINT"], c.Env["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"])
			if err != nil || base != c.origin(t, 0) {
				t.Fatalf("endpoint %q, %v; recorded %q", base, err, c.origin(t, 0))
			}
			rs := newReplay(t, c)
			rs.check = func(r *http.Request, _ []byte) {
				i := rs.served() - 1
				for _, h := range []string{"x-aws-ec2-metadata-token-ttl-seconds", "x-aws-ec2-metadata-token"} {
					if got, want := r.Header.Get(h), strings.Join(c.Exchanges[i].ReqHeaders[h], ","); got != want {
						t.Errorf("request %d: %s %q, recorded %q", i, h, got, want)
					}
				}
			}
			m := &IMDS{Endpoint: rs.srv.URL, HTTP: testHTTP(), Retry: retryPolicy{Sleep: noSleep}}
			got, err := m.Retrieve(context.Background())
			if rs.served() != len(c.Exchanges) {
				t.Errorf("%d requests, recorded %d", rs.served(), len(c.Exchanges))
			}
			if tc.contains != "" {
				if err == nil || !strings.Contains(err.Error(), tc.contains) {
					t.Fatalf("error %v, want %q", err, tc.contains)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := c.expected(t); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestIMDSDisabled(t *testing.T) {
	c := loadSmithyCase(t, "default-credential-provider-chain/imds_disabled")
	if !IMDSDisabled(getenvMap(c.Env)) {
		t.Errorf("AWS_EC2_METADATA_DISABLED=%q not honoured", c.Env["AWS_EC2_METADATA_DISABLED"])
	}
	for _, v := range []string{"", "false", "1", "yes"} {
		if IMDSDisabled(getenvMap(map[string]string{"AWS_EC2_METADATA_DISABLED": v})) {
			t.Errorf("%q disables IMDS", v)
		}
	}
}

func TestIMDSEndpoint(t *testing.T) {
	for _, tc := range []struct{ ep, mode, want string }{
		{"", "", "http://169.254.169.254"},
		{"", "IPv4", "http://169.254.169.254"},
		{"", "ipv6", "http://[fd00:ec2::254]"},
		{"http://127.0.0.1:8080/", "IPv6", "http://127.0.0.1:8080"},
		{"", "IPv5", ""},
		{"169.254.169.254", "", ""},
	} {
		got, err := IMDSEndpoint(tc.ep, tc.mode)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("IMDSEndpoint(%q, %q) = %q, %v; want %q", tc.ep, tc.mode, got, err, tc.want)
		}
	}
}

// A metadata service that never answers (a pod behind hop limit 1) fails
// within the per-request timeout instead of hanging kubectl.
func TestIMDSTimeoutFailsFast(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	m := &IMDS{Endpoint: srv.URL, HTTP: testHTTP(), Timeout: 50 * time.Millisecond}
	_, err := m.Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("error %v", err)
	}
}

func TestIMDSDefaults(t *testing.T) {
	if IMDSTimeout("") != time.Second || IMDSTimeout("2.5") != 2500*time.Millisecond || IMDSTimeout("x") != time.Second {
		t.Error("IMDSTimeout")
	}
	if IMDSAttempts("") != 1 || IMDSAttempts("3") != 3 || IMDSAttempts("-1") != 1 {
		t.Error("IMDSAttempts")
	}
}

func TestIMDSBadAnswers(t *testing.T) {
	for _, tc := range []struct{ creds, contains string }{
		{`{"Code":"Failure","Message":"nope"}`, `Code "Failure": nope`},
		{`{"Code":"Success"`, "malformed answer"},
		{`{"Code":"Success","AccessKeyId":"A"}`, "lack AccessKeyId or SecretAccessKey"},
	} {
		mux := http.NewServeMux()
		mux.HandleFunc("PUT /latest/api/token", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("tok")) })
		mux.HandleFunc("GET /latest/meta-data/iam/security-credentials/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("role\n")) })
		mux.HandleFunc("GET /latest/meta-data/iam/security-credentials/role", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(tc.creds)) })
		srv := httptest.NewServer(mux)
		_, err := (&IMDS{Endpoint: srv.URL, HTTP: testHTTP()}).Retrieve(context.Background())
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), tc.contains) {
			t.Errorf("%s: error %v, want %q", tc.creds, err, tc.contains)
		}
	}
	if !errors.Is(errNoInstanceRole, errNoInstanceRole) {
		t.Fatal()
	}
}
