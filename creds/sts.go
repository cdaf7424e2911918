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
	"github.com/ekstoken/ekstoken/sigv4"
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
	client, err := s.HTTP.get()
	if err != nil {
		return Issued{}, fmt.Errorf("sts %s %s: %w", op, roleARN, err)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	retry := s.Retry.orDefault()
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

func (s *STS) attempt(ctx context.Context, do doFunc, timeout time.Duration, op, roleARN string, body []byte, signWith *sigv4.Credentials) (Issued, *STSError, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u, err := url.Parse(s.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return Issued{}, nil, fmt.Errorf("sts %s %s: endpoint %q is not an http(s) URL", op, roleARN, s.Endpoint)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	req := &awshttp.Request{Method: "POST", URL: u, Body: body, Header: awshttp.Header{
		{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
		{"Accept", "text/xml"},
	}}
	if signWith != nil {
		signer := s.Signer
		if signer == nil {
			signer = new(sigv4.Signer)
		}
		if err := awshttp.Sign(signer, req, *signWith, &sigv4.Options{Service: "sts", Region: s.Region, Time: s.now().UTC()}); err != nil {
			return Issued{}, nil, fmt.Errorf("sts %s %s: signing: %w", op, roleARN, err)
		}
	}
	resp, err := do(ctx, req)
	if err != nil {
		return Issued{}, &STSError{Op: op, RoleARN: roleARN, Err: errors.New(describeTransportError(err, timeout))}, nil
	}
	raw := resp.Body
	if resp.StatusCode != 200 {
		return Issued{}, parseSTSError(op, roleARN, resp.StatusCode, raw), nil
	}
	res, err := parseSTSResult(raw)
	if err != nil {
		return Issued{}, nil, fmt.Errorf("sts %s %s: malformed answer: %w", op, roleARN, err)
	}
	return res, nil, nil
}

// parseSTSResult reads the credentials out of an AssumeRoleResponse or
// AssumeRoleWithWebIdentityResponse. STS answers are small, machine-written
// XML without namespace prefixes, CDATA or comments, so a few element
// lookups (xmlElement) do the job of encoding/xml, which would add about
// 100 KB to the binary; anything unexpected is an error, never a guess.
func parseSTSResult(raw []byte) (Issued, error) {
	doc := string(raw)
	res, ok := xmlElement(doc, "AssumeRoleResult")
	if !ok {
		res, ok = xmlElement(doc, "AssumeRoleWithWebIdentityResult")
	}
	if !ok {
		return Issued{}, errors.New("no AssumeRoleResult element")
	}
	creds, ok := xmlElement(res, "Credentials")
	if !ok {
		return Issued{}, errors.New("no Credentials element")
	}
	var f [4]string
	for i, name := range [...]string{"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"} {
		v, ok := xmlElement(creds, name)
		if !ok {
			return Issued{}, errors.New("Credentials lack " + name)
		}
		if f[i], ok = xmlText(v); !ok || f[i] == "" {
			return Issued{}, errors.New("Credentials have a malformed or empty " + name)
		}
	}
	exp, err := time.Parse(time.RFC3339, strings.TrimSpace(f[3]))
	if err != nil {
		return Issued{}, fmt.Errorf("Expiration %q is not an RFC 3339 time", oneLine(f[3], 40))
	}
	var arn string
	if user, ok := xmlElement(res, "AssumedRoleUser"); ok {
		if a, ok := xmlElement(user, "Arn"); ok {
			arn, _ = xmlText(a)
		}
	}
	return Issued{
		Credentials: sigv4.Credentials{AccessKeyID: f[0], SecretAccessKey: f[1], SessionToken: f[2], Expires: exp.UTC()},
		AccountID:   arnAccount(arn),
	}, nil
}

// xmlElement returns the content of the first element named name in doc
// (start tag "<name>" or "<name attr…>", up to the first "</name>"); a
// self-closing "<name/>" has empty content.
func xmlElement(doc, name string) (string, bool) {
	for from := 0; ; {
		i := strings.Index(doc[from:], "<"+name)
		if i < 0 {
			return "", false
		}
		i += from + 1 + len(name)
		if i >= len(doc) {
			return "", false
		}
		switch doc[i] {
		case '>', ' ', '\t', '\r', '\n', '/':
		default:
			from = i // a longer name with this prefix
			continue
		}
		gt := strings.IndexByte(doc[i:], '>')
		if gt < 0 {
			return "", false
		}
		if doc[i+gt-1] == '/' {
			return "", true
		}
		body := doc[i+gt+1:]
		end := strings.Index(body, "</"+name+">")
		if end < 0 {
			return "", false
		}
		return body[:end], true
	}
}

// xmlText decodes character data: the five predefined entities and numeric
// character references. Markup inside (a '<') or an unknown entity is
// malformed.
func xmlText(s string) (string, bool) {
	if strings.IndexByte(s, '<') >= 0 {
		return "", false
	}
	if strings.IndexByte(s, '&') < 0 {
		return s, true
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		semi := strings.IndexByte(s[i:], ';')
		if semi < 0 {
			return "", false
		}
		ent := s[i+1 : i+semi]
		s = s[i+semi+1:]
		switch ent {
		case "amp":
			b.WriteByte('&')
		case "lt":
			b.WriteByte('<')
		case "gt":
			b.WriteByte('>')
		case "quot":
			b.WriteByte('"')
		case "apos":
			b.WriteByte('\'')
		default:
			var n uint64
			var err error
			switch {
			case strings.HasPrefix(ent, "#x"):
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			case strings.HasPrefix(ent, "#"):
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			default:
				return "", false
			}
			if err != nil || n == 0 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) {
				return "", false
			}
			b.WriteRune(rune(n))
		}
	}
	return b.String(), true
}

// arnAccount returns the account field (the fifth) of an ARN, or "".
func arnAccount(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" {
		return ""
	}
	return f[4]
}

func parseSTSError(op, roleARN string, status int, raw []byte) *STSError {
	e := &STSError{Op: op, RoleARN: roleARN, Status: status}
	doc := string(raw)
	if errEl, ok := xmlElement(doc, "Error"); ok {
		if c, ok := xmlElement(errEl, "Code"); ok {
			if code, ok := xmlText(c); ok && code != "" {
				e.Code = oneLine(code, 80)
				if m, ok := xmlElement(errEl, "Message"); ok {
					msg, _ := xmlText(m)
					e.Message = oneLine(msg, 300)
				}
				if id, ok := xmlElement(doc, "RequestId"); ok {
					e.RequestID, _ = xmlText(id)
				}
				return e
			}
		}
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
