//go:build !nonet

package creds

import (
	"context"
	"errors"
	"fmt"
	"net"

	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/internal/awshttp"
	"github.com/ekstoken/ekstoken/internal/jsonlite"
	"github.com/ekstoken/ekstoken/sigv4"
)

// ecsHost is where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI points.
const ecsHost = "http://169.254.170.2"

// ContainerEndpoint returns the container credentials URL configured by the
// environment (getenv is os.Getenv or a test map):
//
//   - AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS task roles):
//     http://169.254.170.2 + the URI; it wins over FULL_URI.
//   - AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity, ECS Anywhere,
//     Greengrass): any https URL; plain http only to a loopback address,
//     "localhost", 169.254.170.2 (ECS), 169.254.170.23 or [fd00:ec2::23]
//     (the EKS Pod Identity agent). Host names other than "localhost" are not
//     resolved to check for loopback (the Go SDK does; a DNS lookup on this
//     path costs time and proves little).
//
// Neither set is an error saying so. The rules and messages follow the
// cross-SDK cases in smithy-rs ecs-tests.json.
func ContainerEndpoint(getenv func(string) string) (string, error) {
	if rel := getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		u, err := url.Parse(ecsHost + rel)
		if err != nil || u.Host != "169.254.170.2" {
			return "", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI %q is not a path", rel)
		}
		return u.String(), nil
	}
	full := getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
	if full == "" {
		return "", errors.New("container credentials: No environment variables were set to configure ECS provider (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI)")
	}
	u, err := url.Parse(full)
	if err != nil {
		return "", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI %q: %v", full, err)
	}
	if u.Host == "" {
		return "", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI %q: URI did not specify a host", full)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !containerHostAllowed(u.Hostname()) {
			return "", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI %q: plain http is allowed only to loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23", full)
		}
	default:
		return "", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI %q: scheme must be http or https", full)
	}
	return u.String(), nil
}

func containerHostAllowed(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	return ip.IsLoopback() ||
		ip.Equal(net.IPv4(169, 254, 170, 2)) ||
		ip.Equal(net.IPv4(169, 254, 170, 23)) ||
		ip.Equal(net.ParseIP("fd00:ec2::23"))
}

// Container fetches credentials from the ECS or EKS Pod Identity agent:
// `GET <URL>` with `Accept: application/json` and, when configured, an
// Authorization header. The answer is
// {"AccessKeyId","SecretAccessKey","Token","Expiration","AccountId"?,"RoleArn"?}
// (note "Token"); errors are {"code","message"}.
type Container struct {
	URL string // from ContainerEndpoint
	// AuthTokenFile (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) is read on every
	// call, since the agent's token is rotated; it wins over AuthToken
	// (AWS_CONTAINER_AUTHORIZATION_TOKEN).
	AuthTokenFile string
	AuthToken     string

	HTTP *httpClient
	// Timeout bounds one attempt (default 2 s, botocore's); Retry the
	// attempts (default 3: the agent answers 5xx while it starts).
	Timeout time.Duration
	Retry   retryPolicy
}

// ContainerFromEnv configures a Container from the environment.
func ContainerFromEnv(getenv func(string) string, hc *httpClient) (*Container, error) {
	u, err := ContainerEndpoint(getenv)
	if err != nil {
		return nil, err
	}
	return &Container{
		URL:           u,
		AuthTokenFile: getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
		AuthToken:     getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
		HTTP:          hc,
	}, nil
}

// Retrieve fetches the credentials.
func (c *Container) Retrieve(ctx context.Context) (Issued, error) {
	auth := c.AuthToken
	if c.AuthTokenFile != "" {
		b, err := os.ReadFile(c.AuthTokenFile)
		if err != nil {
			return Issued{}, fmt.Errorf("container credentials: authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): %w", err)
		}
		auth = string(b)
	}
	auth = strings.TrimSpace(auth)
	if strings.ContainsAny(auth, "\r\n") {
		return Issued{}, errors.New("container credentials: the authorization token contains a line break")
	}
	client, err := c.HTTP.get()
	if err != nil {
		return Issued{}, fmt.Errorf("container credentials: %w", err)
	}
	timeout := cmp(c.Timeout, 2*time.Second)
	retry := c.Retry.orDefault()
	for attempt := 1; ; attempt++ {
		res, again, err := c.attempt(ctx, client, timeout, auth)
		if err == nil {
			return res, nil
		}
		if !again || attempt >= retry.attempts() || ctx.Err() != nil {
			if attempt > 1 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return Issued{}, err
		}
		if retry.wait(ctx, attempt) != nil {
			return Issued{}, err
		}
	}
}

func cmp(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// containerAnswer is the agent's answer. The json tags say how the members
// are named (the tests decode the same input with encoding/json through
// them); fields is what jsonlite decodes.
type containerAnswer struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
	AccountID       string `json:"AccountId"`
	RoleARN         string `json:"RoleArn"`
	Code            string `json:"code"`
	Message         string `json:"message"`
}

func (a *containerAnswer) fields() jsonlite.Fields {
	return jsonlite.Fields{
		{Name: "AccessKeyId", Into: &a.AccessKeyID},
		{Name: "SecretAccessKey", Into: &a.SecretAccessKey},
		{Name: "Token", Into: &a.Token},
		{Name: "Expiration", Into: &a.Expiration},
		{Name: "AccountId", Into: &a.AccountID},
		{Name: "RoleArn", Into: &a.RoleARN},
		{Name: "code", Into: &a.Code},
		{Name: "message", Into: &a.Message},
	}
}

func (c *Container) attempt(ctx context.Context, do doFunc, timeout time.Duration, auth string) (Issued, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" {
		return Issued{}, false, fmt.Errorf("container credentials: %q is not a URL", c.URL)
	}
	req := &awshttp.Request{Method: "GET", URL: u, Header: awshttp.Header{{"Accept", "application/json"}}}
	if auth != "" {
		req.Header = append(req.Header, [2]string{"Authorization", auth})
	}
	resp, err := do(ctx, req)
	if err != nil {
		return Issued{}, true, fmt.Errorf("container credentials %s: %s", c.URL, describeTransportError(err, timeout))
	}
	raw := resp.Body
	var a containerAnswer
	jsonErr := jsonlite.Unmarshal(raw, a.fields())
	if resp.StatusCode != 200 {
		msg := fmt.Sprintf("HTTP %d", resp.StatusCode)
		if jsonErr == nil && (a.Code != "" || a.Message != "") {
			msg += ": " + oneLine(strings.TrimSpace(a.Code+" "+a.Message), 300)
		}
		again := resp.StatusCode == 429 || resp.StatusCode >= 500
		return Issued{}, again, fmt.Errorf("container credentials %s: %s", c.URL, msg)
	}
	if jsonErr != nil {
		return Issued{}, false, fmt.Errorf("container credentials %s: malformed answer: %v", c.URL, jsonErr)
	}
	if a.AccessKeyID == "" || a.SecretAccessKey == "" {
		return Issued{}, false, fmt.Errorf("container credentials %s: answer lacks AccessKeyId or SecretAccessKey", c.URL)
	}
	out := Issued{Credentials: sigv4.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretAccessKey, SessionToken: a.Token}, AccountID: a.AccountID}
	if out.AccountID == "" {
		out.AccountID = arnAccount(a.RoleARN)
	}
	if a.Expiration != "" {
		t, err := time.Parse(time.RFC3339, a.Expiration)
		if err != nil {
			return Issued{}, false, fmt.Errorf("container credentials %s: Expiration %q is not an RFC 3339 time", c.URL, a.Expiration)
		}
		out.Expires = t.UTC()
	}
	return out, false, nil
}
