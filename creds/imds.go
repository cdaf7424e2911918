//go:build !nonet

package creds

import (
	"context"
	"errors"
	"fmt"

	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/internal/awshttp"
	"github.com/ekstoken/ekstoken/internal/jsonlite"
	"github.com/ekstoken/ekstoken/sigv4"
)

// IMDS fetches the EC2 instance role's credentials with IMDSv2:
//
//  1. PUT <base>/latest/api/token with X-aws-ec2-metadata-token-ttl-seconds: 21600
//  2. GET <base>/latest/meta-data/iam/security-credentials/ → role name
//  3. GET <base>/latest/meta-data/iam/security-credentials/<role> → JSON
//
// with the token in X-aws-ec2-metadata-token. Every request is bounded by
// Timeout (1 s, the AWS CLI's default) so that a pod without IMDS access
// (hop limit 1 on current AMIs) fails in about a second instead of hanging
// kubectl. A server that answers 5xx is asked again (up to 3 times, as the
// SDKs do while the metadata service warms up); a request that times out or
// is refused is not, unless Attempts says so (AWS_METADATA_SERVICE_NUM_ATTEMPTS).
//
// There is no IMDSv1 fallback: a 403 on the token PUT means IMDS is disabled
// for this caller and is reported as such (the Rust SDK's choice; botocore
// and the Go SDK would retry without a token, which IMDSv2-required
// instances refuse anyway).
type IMDS struct {
	// Endpoint is the base URL; "" means http://169.254.169.254. See IMDSEndpoint.
	Endpoint string
	HTTP     *httpClient
	Timeout  time.Duration // per request; default 1 s
	Attempts int           // attempts on timeout or refused connection; default 1
	Retry    retryPolicy   // attempts on 5xx answers; default 3
}

// IMDSEndpoint picks the IMDS base URL: endpoint
// (AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile's
// ec2_metadata_service_endpoint) if set, else by mode
// (AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE / ec2_metadata_service_endpoint_mode:
// "IPv4", the default, or "IPv6", case-insensitive).
func IMDSEndpoint(endpoint, mode string) (string, error) {
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("IMDS endpoint %q is not an http(s) URL", endpoint)
		}
		return strings.TrimRight(endpoint, "/"), nil
	}
	switch strings.ToLower(mode) {
	case "", "ipv4":
		return "http://169.254.169.254", nil
	case "ipv6":
		return "http://[fd00:ec2::254]", nil
	}
	return "", fmt.Errorf("IMDS endpoint mode %q is neither IPv4 nor IPv6", mode)
}

// IMDSDisabled reports AWS_EC2_METADATA_DISABLED=true (case-insensitive).
func IMDSDisabled(getenv func(string) string) bool {
	return strings.EqualFold(strings.TrimSpace(getenv("AWS_EC2_METADATA_DISABLED")), "true")
}

// errNoInstanceRole says the instance answers but has no role attached.
var errNoInstanceRole = errors.New("no IAM role is attached to this instance (the instance metadata service lists no security credentials)")

// imdsAnswer is the credentials document. The json tags say how the
// members are named (the tests decode the same input with encoding/json
// through them); fields is what jsonlite decodes.
type imdsAnswer struct {
	Code            string `json:"Code"`
	Message         string `json:"Message"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

func (a *imdsAnswer) fields() jsonlite.Fields {
	return jsonlite.Fields{
		{Name: "Code", Into: &a.Code},
		{Name: "Message", Into: &a.Message},
		{Name: "AccessKeyId", Into: &a.AccessKeyID},
		{Name: "SecretAccessKey", Into: &a.SecretAccessKey},
		{Name: "Token", Into: &a.Token},
		{Name: "Expiration", Into: &a.Expiration},
	}
}

// Retrieve fetches the instance role's credentials.
func (m *IMDS) Retrieve(ctx context.Context) (Issued, error) {
	base := m.Endpoint
	if base == "" {
		base = "http://169.254.169.254"
	}
	base = strings.TrimRight(base, "/")
	client, err := m.HTTP.get()
	if err != nil {
		return Issued{}, fmt.Errorf("instance metadata: %w", err)
	}
	status, token, err := m.do(ctx, client, "PUT", base+"/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds", "21600")
	if err != nil {
		return Issued{}, err
	}
	switch {
	case status == 403:
		return Issued{}, errors.New("instance metadata: token request forbidden (HTTP 403): IMDS is disabled for this caller")
	case status != 200:
		return Issued{}, fmt.Errorf("instance metadata: token request: HTTP %d", status)
	case strings.TrimSpace(token) == "":
		return Issued{}, errors.New("instance metadata: empty session token")
	}
	token = strings.TrimSpace(token)
	const credPath = "/latest/meta-data/iam/security-credentials/"
	status, list, err := m.do(ctx, client, "GET", base+credPath, "X-aws-ec2-metadata-token", token)
	if err != nil {
		return Issued{}, err
	}
	if status == 404 {
		return Issued{}, fmt.Errorf("instance metadata: %w", errNoInstanceRole)
	}
	if status != 200 {
		return Issued{}, fmt.Errorf("instance metadata: listing roles: HTTP %d", status)
	}
	role, _, _ := strings.Cut(strings.TrimSpace(list), "\n")
	role = strings.TrimSpace(role)
	if role == "" {
		return Issued{}, fmt.Errorf("instance metadata: %w", errNoInstanceRole)
	}
	status, body, err := m.do(ctx, client, "GET", base+credPath+url.PathEscape(role), "X-aws-ec2-metadata-token", token)
	if err != nil {
		return Issued{}, err
	}
	if status != 200 {
		return Issued{}, fmt.Errorf("instance metadata: credentials of role %s: HTTP %d", role, status)
	}
	var a imdsAnswer
	if err := jsonlite.Unmarshal([]byte(body), a.fields()); err != nil {
		return Issued{}, fmt.Errorf("instance metadata: credentials of role %s: malformed answer: %v", role, err)
	}
	if a.Code != "Success" {
		return Issued{}, fmt.Errorf("instance metadata: credentials of role %s: Code %q: %s", role, a.Code, oneLine(a.Message, 200))
	}
	if a.AccessKeyID == "" || a.SecretAccessKey == "" {
		return Issued{}, fmt.Errorf("instance metadata: credentials of role %s lack AccessKeyId or SecretAccessKey", role)
	}
	out := Issued{Credentials: sigv4.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretAccessKey, SessionToken: a.Token}}
	if a.Expiration != "" {
		t, err := time.Parse(time.RFC3339, a.Expiration)
		if err != nil {
			return Issued{}, fmt.Errorf("instance metadata: Expiration %q is not an RFC 3339 time", a.Expiration)
		}
		out.Expires = t.UTC()
	}
	return out, nil
}

// do makes one IMDS request with its retries and returns the final status
// and body. Transport failures come back as errors.
func (m *IMDS) do(ctx context.Context, client doFunc, method, u, hk, hv string) (int, string, error) {
	timeout := cmp(m.Timeout, time.Second)
	retry := m.Retry.orDefault()
	netAttempts := max(m.Attempts, 1)
	var netFails, serverFails int
	for {
		status, body, err := m.once(ctx, client, timeout, method, u, hk, hv)
		switch {
		case err != nil:
			netFails++
			if netFails >= netAttempts || ctx.Err() != nil {
				return 0, "", fmt.Errorf("instance metadata %s %s: %s", method, u, describeTransportError(err, timeout))
			}
		case status >= 500 || status == 429:
			serverFails++
			if serverFails >= retry.attempts() || ctx.Err() != nil {
				return status, body, nil
			}
		default:
			return status, body, nil
		}
		if err := retry.wait(ctx, netFails+serverFails); err != nil {
			return 0, "", fmt.Errorf("instance metadata %s %s: %w", method, u, err)
		}
	}
}

func (m *IMDS) once(ctx context.Context, do doFunc, timeout time.Duration, method, u, hk, hv string) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return 0, "", fmt.Errorf("%q is not a URL", u)
	}
	resp, err := do(ctx, &awshttp.Request{Method: method, URL: pu, Header: awshttp.Header{{hk, hv}}})
	if err != nil {
		return 0, "", err
	}
	return resp.StatusCode, string(resp.Body), nil
}

// IMDSAttempts parses AWS_METADATA_SERVICE_NUM_ATTEMPTS (or the profile's
// metadata_service_num_attempts); invalid or empty means 1.
func IMDSAttempts(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 10)
}

// IMDSTimeout parses AWS_METADATA_SERVICE_TIMEOUT (or
// metadata_service_timeout), in seconds; invalid or empty means 1 s.
func IMDSTimeout(s string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f <= 0 {
		return time.Second
	}
	return time.Duration(min(f, 60) * float64(time.Second))
}
