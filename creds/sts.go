//go:build !nonet

package creds

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/sigv4/sigv4http"
)

// Issued are credentials a network source handed out, with the account they
// belong to (from the assumed-role ARN, the SSO request, or the container
// endpoint's answer; empty when the source does not say). Printing an Issued
// value prints the redacted sigv4.Credentials form.
type Issued struct {
	sigv4.Credentials
	AccountID string
}

// STS calls the two STS operations a credential chain needs: AssumeRole
// (signed with the caller's credentials) and AssumeRoleWithWebIdentity
// (unsigned; the web identity token is the proof).
//
// Requests are `POST <Endpoint>` with a form body in the Query protocol
// (Action, Version, then the members in the STS model's order, RFC 3986
// escaped) and `Content-Type: application/x-www-form-urlencoded;
// charset=utf-8`, as botocore sends them; answers are XML. Throttling and
// server errors are retried a bounded number of times with jittered
// backoff; other errors come back at once as *STSError.
type STS struct {
	// Endpoint is the full STS URL, e.g. "https://sts.us-east-1.amazonaws.com"
	// as token.ResolveEndpoint returns it (AWS_ENDPOINT_URL_STS and friends
	// already applied). Required.
	Endpoint string
	// Region is the signing region. Required for AssumeRole.
	Region string

	// HTTP builds the client on first use; nil means a default HTTPConfig.
	HTTP *httpClient
	// Signer signs AssumeRole; nil means a zero sigv4.Signer.
	Signer *sigv4.Signer
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Timeout bounds one attempt (default 10 s); Retry bounds the attempts
	// (default 3, 100 ms doubling to 2 s, full jitter).
	Timeout time.Duration
	Retry   retryPolicy
}

// AssumeRoleInput are the AssumeRole parameters this tool sends.
type AssumeRoleInput struct {
	RoleARN     string
	SessionName string // required by STS; see DefaultSessionName
	// Duration is DurationSeconds; 0 leaves it out (STS then grants 1 h).
	Duration     time.Duration
	ExternalID   string
	SerialNumber string // mfa_serial
	TokenCode    string // the MFA code, with SerialNumber
}

// WebIdentityInput are the AssumeRoleWithWebIdentity parameters.
type WebIdentityInput struct {
	RoleARN     string
	SessionName string
	Token       string // the OIDC token itself, already read and trimmed
	Duration    time.Duration
}

// DefaultSessionName is the RoleSessionName used when none is configured:
// "ekstoken-<unix seconds>", in the spirit of botocore's
// "botocore-session-<unix seconds>" (the name shows up in CloudTrail, so it
// says which tool assumed the role).
func DefaultSessionName(now time.Time) string {
	return "ekstoken-" + strconv.FormatInt(now.Unix(), 10)
}

// STSError is an error answer from STS, or a failure to get one.
type STSError struct {
	Op        string // "AssumeRole" or "AssumeRoleWithWebIdentity"
	RoleARN   string
	Status    int    // HTTP status; 0 when no answer came
	Code      string // e.g. "AccessDenied", "Throttling"
	Message   string // STS's message (never contains credentials)
	RequestID string
	Attempts  int
	Err       error // transport error when Status is 0
}

func (e *STSError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sts %s %s: ", e.Op, e.RoleARN)
	switch {
	case e.Status == 0:
		b.WriteString(e.Err.Error())
	case e.Code != "":
		fmt.Fprintf(&b, "%s (HTTP %d)", e.Code, e.Status)
		if e.Message != "" {
			b.WriteString(": " + e.Message)
		}
	default:
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Message != "" {
			b.WriteString(": " + e.Message)
		}
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *STSError) Unwrap() error { return e.Err }

// retryable reports the answers worth another attempt: throttling (by code
// or HTTP 429), server errors, the web identity provider's transient
// failures (which the SDKs retry too), and no answer at all.
func (e *STSError) retryable() bool {
	switch e.Code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "RequestLimitExceeded", "PriorRequestNotComplete",
		"IDPCommunicationError", "InvalidIdentityToken":
		return true
	}
	return e.Status == 0 || e.Status == 429 || e.Status >= 500
}

// AssumeRole calls sts:AssumeRole signed with base.
func (s *STS) AssumeRole(ctx context.Context, base sigv4.Credentials, in AssumeRoleInput) (Issued, error) {
	if err := base.Validate(); err != nil {
		return Issued{}, fmt.Errorf("sts AssumeRole %s: source credentials: %w", in.RoleARN, err)
	}
	if s.Region == "" {
		return Issued{}, fmt.Errorf("sts AssumeRole %s: no region to sign for", in.RoleARN)
	}
	body := queryBody("AssumeRole",
		"RoleArn", in.RoleARN,
		"RoleSessionName", in.SessionName,
		"DurationSeconds", durationParam(in.Duration),
		"ExternalId", in.ExternalID,
		"SerialNumber", in.SerialNumber,
		"TokenCode", in.TokenCode)
	return s.call(ctx, "AssumeRole", in.RoleARN, body, &base)
}

// AssumeRoleWithWebIdentity calls sts:AssumeRoleWithWebIdentity, unsigned.
func (s *STS) AssumeRoleWithWebIdentity(ctx context.Context, in WebIdentityInput) (Issued, error) {
	if in.Token == "" {
		return Issued{}, fmt.Errorf("sts AssumeRoleWithWebIdentity %s: the web identity token is empty", in.RoleARN)
	}
	body := queryBody("AssumeRoleWithWebIdentity",
		"RoleArn", in.RoleARN,
		"RoleSessionName", in.SessionName,
		"WebIdentityToken", in.Token,
		"DurationSeconds", durationParam(in.Duration))
	return s.call(ctx, "AssumeRoleWithWebIdentity", in.RoleARN, body, nil)
}

func durationParam(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.FormatInt(int64(d/time.Second), 10)
}

// queryBody builds an AWS Query form body: Action, Version, then the
// non-empty pairs in the order given, each RFC 3986 escaped.
func queryBody(action string, kv ...string) []byte {
	b := make([]byte, 0, 256)
	b = append(b, "Action="...)
	b = append(b, action...)
	b = append(b, "&Version=2011-06-15"...)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		b = append(b, '&')
		b = append(b, kv[i]...)
		b = append(b, '=')
		b = appendEscaped(b, kv[i+1])
	}
	return b
}

// appendEscaped percent-encodes all but the RFC 3986 unreserved characters
// (space is %20, never '+').
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return b
}

func (s *STS) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *STS) call(ctx context.Context, op, roleARN string, body []byte, signWith *sigv4.Credentials) (Issued, error) {
	hc := s.HTTP
	if hc == nil {
		hc = newHTTPClient(HTTPConfig{})
	}
	client, err := hc.get()
	if err != nil {
		return Issued{}, fmt.Errorf("sts %s %s: %w", op, roleARN, err)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	retry := s.Retry
	if retry.Attempts == 0 {
		retry.Attempts = 3
	}
	var last *STSError
	for attempt := 1; ; attempt++ {
		var res Issued
		res, last, err = s.attempt(ctx, client, timeout, op, roleARN, body, signWith)
		if err != nil {
			return Issued{}, err // not an STS answer: bad endpoint, signing failure
		}
		if last == nil {
			return res, nil
		}
		last.Attempts = attempt
		if !last.retryable() || attempt >= retry.attempts() || ctx.Err() != nil {
			return Issued{}, last
		}
		if err := retry.wait(ctx, attempt); err != nil {
			return Issued{}, last
		}
	}
}

func (s *STS) attempt(ctx context.Context, client *http.Client, timeout time.Duration, op, roleARN string, body []byte, signWith *sigv4.Credentials) (Issued, *STSError, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint, bytes.NewReader(body))
	if err != nil {
		return Issued{}, nil, fmt.Errorf("sts %s %s: endpoint %q: %w", op, roleARN, s.Endpoint, err)
	}
	if req.URL.Path == "" {
		req.URL.Path = "/"
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Accept", "text/xml")
	if signWith != nil {
		signer := s.Signer
		if signer == nil {
			signer = new(sigv4.Signer)
		}
		if err := sigv4http.Sign(signer, req, *signWith, &sigv4.Options{Service: "sts", Region: s.Region, Time: s.now().UTC()}); err != nil {
			return Issued{}, nil, fmt.Errorf("sts %s %s: signing: %w", op, roleARN, err)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return Issued{}, &STSError{Op: op, RoleARN: roleARN, Err: errors.New(describeTransportError(err, timeout))}, nil
	}
	defer resp.Body.Close()
	raw, err := readBody(resp.Body)
	if err != nil {
		return Issued{}, &STSError{Op: op, RoleARN: roleARN, Err: fmt.Errorf("reading the answer: %s", describeTransportError(err, timeout))}, nil
	}
	if resp.StatusCode != http.StatusOK {
		return Issued{}, parseSTSError(op, roleARN, resp.StatusCode, raw), nil
	}
	res, err := parseSTSResult(raw)
	if err != nil {
		return Issued{}, nil, fmt.Errorf("sts %s %s: malformed answer: %w", op, roleARN, err)
	}
	return res, nil, nil
}

// stsResponse is AssumeRoleResponse or AssumeRoleWithWebIdentityResponse:
// the root element's name is not checked, the result element's is.
type stsResponse struct {
	AssumeRole  *stsResult `xml:"AssumeRoleResult"`
	WebIdentity *stsResult `xml:"AssumeRoleWithWebIdentityResult"`
}

type stsResult struct {
	AssumedRoleUser struct {
		Arn string `xml:"Arn"`
	} `xml:"AssumedRoleUser"`
	Credentials *struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	} `xml:"Credentials"`
}

func parseSTSResult(raw []byte) (Issued, error) {
	var r stsResponse
	if err := xml.Unmarshal(raw, &r); err != nil {
		return Issued{}, fmt.Errorf("XML: %w", err)
	}
	res := r.AssumeRole
	if res == nil {
		res = r.WebIdentity
	}
	if res == nil || res.Credentials == nil {
		return Issued{}, errors.New("no Credentials element")
	}
	c := res.Credentials
	if c.AccessKeyID == "" || c.SecretAccessKey == "" || c.SessionToken == "" {
		return Issued{}, errors.New("Credentials lack AccessKeyId, SecretAccessKey or SessionToken")
	}
	exp, err := time.Parse(time.RFC3339, strings.TrimSpace(c.Expiration))
	if err != nil {
		return Issued{}, fmt.Errorf("Expiration %q is not an RFC 3339 time", c.Expiration)
	}
	return Issued{
		Credentials: sigv4.Credentials{
			AccessKeyID:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
			SessionToken:    c.SessionToken,
			Expires:         exp.UTC(),
		},
		AccountID: arnAccount(res.AssumedRoleUser.Arn),
	}, nil
}

// arnAccount returns the account field (the fifth) of an ARN, or "".
func arnAccount(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" {
		return ""
	}
	return f[4]
}

type stsErrorResponse struct {
	Error struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

func parseSTSError(op, roleARN string, status int, raw []byte) *STSError {
	e := &STSError{Op: op, RoleARN: roleARN, Status: status}
	var r stsErrorResponse
	if xml.Unmarshal(raw, &r) == nil && r.Error.Code != "" {
		e.Code = r.Error.Code
		e.Message = oneLine(r.Error.Message, 300)
		e.RequestID = r.RequestID
		return e
	}
	if status == 429 {
		e.Code = "Throttling"
	}
	e.Message = oneLine(string(raw), 120)
	return e
}

// oneLine squeezes s onto one line of at most n bytes, for error messages.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
