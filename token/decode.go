//go:build !nonet

package token

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// The verifier rules Decode checks, named after what they look at. They are
// aws-iam-authenticator's (pkg/token/token.go, tokenVerifier.Verify,
// v0.7.18) local acceptance checks, in the order it runs them; the
// authenticator reports only the first failure, Decode reports them all.
const (
	RuleSize          = "size"           // at most 4096 bytes
	RulePrefix        = "prefix"         // starts with k8s-aws-v1.
	RuleBase64        = "base64"         // unpadded base64url (RawURLEncoding)
	RuleURL           = "url"            // parses as a URL
	RuleScheme        = "scheme"         // https
	RuleHost          = "host"           // an STS host of the partition
	RulePath          = "path"           // exactly "/"
	RuleQuery         = "query"          // a well-formed query
	RuleDuplicateKey  = "duplicate-key"  // no key twice, case-insensitively
	RuleAllowedKeys   = "allowed-keys"   // only the nine known keys
	RuleSingleValue   = "single-value"   // one value per key
	RuleAction        = "action"         // Action=GetCallerIdentity
	RuleSignedHeaders = "signed-headers" // X-Amz-SignedHeaders has x-k8s-aws-id
	RuleExpires       = "x-amz-expires"  // X-Amz-Expires is an integer 0..900
	RuleDate          = "x-amz-date"     // X-Amz-Date present and well-formed
	RuleExpired       = "expired"        // now <= X-Amz-Date + 15 minutes
)

// allowedKeys are the query keys the authenticator accepts (lower case).
var allowedKeys = map[string]bool{
	"action": true, "version": true, "x-amz-algorithm": true, "x-amz-credential": true,
	"x-amz-date": true, "x-amz-expires": true, "x-amz-security-token": true,
	"x-amz-signature": true, "x-amz-signedheaders": true,
}

// Problem is one verifier rule a token fails.
type Problem struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func (p Problem) Error() string { return p.Message }

// QueryParam is one query parameter of the token's URL, unescaped.
type QueryParam struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Redacted stands in for the session token's value wherever Decode shows
// the URL: it is a credential, and decode output ends up in bug reports.
const Redacted = "REDACTED"

// Decoded is a token taken apart: what a person debugging a 401 from EKS
// needs to see.
type Decoded struct {
	Length int `json:"length"` // bytes, prefix included
	// URL is the presigned URL, with the session token's value replaced by
	// Redacted.
	URL    string `json:"url"`
	Scheme string `json:"scheme"`
	Host   string `json:"host"`
	Path   string `json:"path"`
	// Partition is the partition whose EKS authenticators accept the host
	// (empty when none does); Region the region label of the host
	// ("us-east-1" for the global sts.amazonaws.com, whose Global is set).
	Partition string `json:"partition,omitempty"`
	Region    string `json:"region,omitempty"`
	Global    bool   `json:"global,omitempty"`
	FIPS      bool   `json:"fips,omitempty"`
	DualStack bool   `json:"dualStack,omitempty"`
	// Params are the query parameters in URL order (session token redacted).
	Params []QueryParam `json:"params"`

	Action    string `json:"action,omitempty"`
	Version   string `json:"version,omitempty"`
	Algorithm string `json:"algorithm,omitempty"`
	// AccessKeyID and the credential scope, from X-Amz-Credential.
	AccessKeyID  string `json:"accessKeyId,omitempty"`
	ScopeDate    string `json:"scopeDate,omitempty"`
	ScopeRegion  string `json:"scopeRegion,omitempty"`
	ScopeService string `json:"scopeService,omitempty"`
	// SigningTime is X-Amz-Date; ValidUntil is SigningTime + 15 minutes,
	// when STS and the authenticator stop accepting the token.
	SigningTime time.Time `json:"signingTime,omitzero"`
	ValidUntil  time.Time `json:"validUntil,omitzero"`
	// Age is now - SigningTime; TimeLeft is ValidUntil - now (negative
	// once expired). In JSON, whole seconds.
	Age      time.Duration `json:"-"`
	TimeLeft time.Duration `json:"-"`
	AgeSec   int64         `json:"ageSeconds"`
	LeftSec  int64         `json:"secondsLeft"`
	// ExpiresParam is X-Amz-Expires (-1 when absent or not a number).
	ExpiresParam  int      `json:"xAmzExpires"`
	SignedHeaders []string `json:"signedHeaders,omitempty"`
	// SessionToken reports whether X-Amz-Security-Token is present
	// (temporary credentials); never its value.
	SessionToken bool `json:"sessionToken"`

	// Problems are the authenticator rules the token fails, in the order
	// the authenticator checks them (it reports only the first).
	Problems []Problem `json:"problems"`
	// Warnings are things the authenticator lets through but STS or EKS
	// will refuse, or that look wrong (a clock ahead, a scope region that
	// is not the host's, extra signed headers, no Version).
	Warnings []string `json:"warnings"`
}

// OK reports whether the token passes every local authenticator rule.
func (d *Decoded) OK() bool { return len(d.Problems) == 0 }

func (d *Decoded) fail(rule, format string, args ...any) {
	d.Problems = append(d.Problems, Problem{Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (d *Decoded) warn(format string, args ...any) {
	d.Warnings = append(d.Warnings, fmt.Sprintf(format, args...))
}

// Decode takes token apart and checks it, at time now, against the
// acceptance rules of the EKS authenticator (aws-iam-authenticator's
// verifier). It always returns a Decoded with as much as could be read;
// the error is non-nil exactly when some rule fails, and is the first
// failing Problem (what the authenticator would answer).
//
// What Decode cannot check locally, and the authenticator does not either:
// whether the token was signed for the cluster that receives it (STS finds
// out, answering 403 SignatureDoesNotMatch), and whether the signature and
// credentials are good (only STS knows the secret).
func Decode(token string, now time.Time) (*Decoded, error) {
	d := &Decoded{Length: len(token), ExpiresParam: -1, Params: []QueryParam{}, Problems: []Problem{}, Warnings: []string{}}
	d.check(token, now)
	if len(d.Problems) > 0 {
		return d, d.Problems[0]
	}
	return d, nil
}

func (d *Decoded) check(token string, now time.Time) {
	if len(token) > MaxLen {
		d.fail(RuleSize, "token is too large: %d bytes, the limit is %d", len(token), MaxLen)
	}
	rest, ok := strings.CutPrefix(token, Prefix)
	if !ok {
		d.fail(RulePrefix, "token does not start with %q", Prefix)
		return
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		msg := "token is not unpadded base64url: " + err.Error()
		if strings.HasSuffix(rest, "=") {
			msg += " (it has '=' padding, which the authenticator rejects)"
		}
		d.fail(RuleBase64, "%s", msg)
		return
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		d.fail(RuleURL, "decoded token is not a URL: %v", err)
		return
	}
	d.Scheme, d.Host, d.Path = u.Scheme, u.Host, u.Path
	d.URL = redactURL(string(raw))
	d.Params = splitQuery(u.RawQuery)

	if u.Scheme != "https" {
		d.fail(RuleScheme, "unexpected scheme %q: the authenticator accepts only https", u.Scheme)
	}
	d.checkHost(u.Host)
	if u.Path != "/" {
		d.fail(RulePath, "unexpected path %q: the authenticator accepts only \"/\"", u.Path)
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		d.fail(RuleQuery, "malformed query parameter: %v", err)
		return
	}
	lower := make(map[string]string, len(q))
	seen := make(map[string]string, len(q))
	for _, p := range d.Params { // URL order, for stable messages
		vals, ok := q[p.Key]
		if !ok {
			continue
		}
		lk := strings.ToLower(p.Key)
		if prev, dup := seen[lk]; dup {
			if prev != p.Key {
				d.fail(RuleDuplicateKey, "duplicate query parameter %q (also given as %q)", p.Key, prev)
			}
			continue
		}
		seen[lk] = p.Key
		if !allowedKeys[lk] {
			d.fail(RuleAllowedKeys, "non-whitelisted query parameter %q", p.Key)
		}
		if len(vals) != 1 {
			d.fail(RuleSingleValue, "query parameter %q has %d values; the authenticator accepts one", p.Key, len(vals))
		}
		lower[lk] = vals[0]
	}

	d.Action = lower["action"]
	if d.Action != "GetCallerIdentity" {
		d.fail(RuleAction, "unexpected action parameter %q: want GetCallerIdentity", d.Action)
	}
	d.Version = lower["version"]
	if d.Version != "2011-06-15" {
		d.warn("Version is %q: STS needs Version=2011-06-15 (the authenticator does not check it)", d.Version)
	}
	d.Algorithm = lower["x-amz-algorithm"]
	if d.Algorithm != "AWS4-HMAC-SHA256" {
		d.warn("X-Amz-Algorithm is %q, not AWS4-HMAC-SHA256", d.Algorithm)
	}

	sh := lower["x-amz-signedheaders"]
	if sh != "" {
		d.SignedHeaders = strings.Split(sh, ";")
	}
	hasID := false
	for _, h := range d.SignedHeaders {
		if strings.EqualFold(h, ClusterIDHeader) {
			hasID = true
		}
	}
	if !hasID {
		d.fail(RuleSignedHeaders, "client did not sign the %s header in the pre-signed URL (X-Amz-SignedHeaders=%q)", ClusterIDHeader, sh)
	} else if sh != "host;"+ClusterIDHeader {
		d.warn("X-Amz-SignedHeaders is %q: EKS expects exactly host;x-k8s-aws-id and answers 401 to tokens signing other headers", sh)
	}

	if v, ok := lower["x-amz-expires"]; ok {
		if n, err := strconv.Atoi(v); err == nil {
			d.ExpiresParam = n
		}
	}
	if e := d.ExpiresParam; e < 0 || e > 900 {
		d.fail(RuleExpires, "invalid X-Amz-Expires parameter %q: want an integer from 0 to 900", lower["x-amz-expires"])
	}

	date, hasDate := lower["x-amz-date"]
	if !hasDate || date == "" {
		d.fail(RuleDate, "X-Amz-Date parameter must be present in pre-signed URL")
	} else if t, err := time.Parse(sigv4.TimeFormat, date); err != nil {
		d.fail(RuleDate, "error parsing X-Amz-Date parameter %q: want the form 20060102T150405Z", date)
	} else {
		d.SigningTime = t
		d.ValidUntil = t.Add(Validity)
		d.Age = now.Sub(t)
		d.TimeLeft = d.ValidUntil.Sub(now)
		d.AgeSec = int64(d.Age / time.Second)
		d.LeftSec = int64(d.TimeLeft / time.Second)
		if now.After(d.ValidUntil) {
			d.fail(RuleExpired, "X-Amz-Date parameter is expired (15 minute expiration): signed %s ago", d.Age.Truncate(time.Second))
		} else if d.Age < -5*time.Minute {
			d.warn("signed %s in the future: the clock of the machine that made it is ahead; STS will refuse it", (-d.Age).Truncate(time.Second))
		}
	}

	d.checkCredential(lower["x-amz-credential"], date)
	_, d.SessionToken = lower["x-amz-security-token"]
	if sig := lower["x-amz-signature"]; len(sig) != 64 || strings.Trim(sig, "0123456789abcdef") != "" {
		d.warn("X-Amz-Signature %q is not 64 lower-case hex digits", sig)
	}
}

// checkHost applies the authenticator's host rule: the host must be the
// global sts.amazonaws.com (partition aws only), or one of the hosts the
// STS endpoint rules give for the region named by its second label, with
// or without FIPS and dual-stack. The comparison is exact: a port or an
// upper-case letter fails.
func (d *Decoded) checkHost(host string) {
	if host == "sts.amazonaws.com" {
		d.Partition, d.Region, d.Global = "aws", "us-east-1", true
		return
	}
	labels := strings.Split(host, ".")
	if len(labels) < 3 {
		d.fail(RuleHost, "unexpected hostname %q: not an STS host", host)
		return
	}
	region := labels[1]
	if !isAlnumLabel(region) {
		d.fail(RuleHost, "unexpected hostname %q: region label %q is not well-formed", host, region)
		return
	}
	d.Region = region
	for _, c := range [...]struct{ fips, ds bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		ep, err := resolveHost(region, c.fips, c.ds)
		if err == nil && ep.Host == host {
			d.Partition = ep.Partition
			// GovCloud's FIPS host is the plain one; call it plain.
			d.FIPS = c.fips && strings.HasPrefix(host, "sts-fips.")
			d.DualStack = c.ds
			return
		}
	}
	p := PartitionForRegion(region)
	d.fail(RuleHost, "unexpected hostname %q: for region %s the authenticator accepts sts[-fips].%s.%s or sts[-fips].%s.%s (partition %s)",
		host, region, region, p.DNSSuffix, region, p.DualStackDNSSuffix, p.Name)
}

// isAlnumLabel is the authenticator's region check,
// ^[[:alnum:]]([[:alnum:]\-]*[[:alnum:]])?$.
func isAlnumLabel(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// checkCredential reads X-Amz-Credential (<akid>/<yyyymmdd>/<region>/<service>/aws4_request).
// The authenticator only takes the access key id from it; STS checks the
// rest, so mismatches are warnings.
func (d *Decoded) checkCredential(cred, date string) {
	if cred == "" {
		d.warn("X-Amz-Credential is missing")
		return
	}
	parts := strings.Split(cred, "/")
	d.AccessKeyID = parts[0]
	if len(parts) != 5 || parts[4] != "aws4_request" {
		d.warn("X-Amz-Credential %q is not <access key>/<date>/<region>/<service>/aws4_request", cred)
		return
	}
	d.ScopeDate, d.ScopeRegion, d.ScopeService = parts[1], parts[2], parts[3]
	if d.ScopeService != "sts" {
		d.warn("credential scope service is %q: STS expects sts", d.ScopeService)
	}
	if len(date) >= 8 && date[:8] != d.ScopeDate {
		d.warn("credential scope date %s is not the date of X-Amz-Date %s", d.ScopeDate, date)
	}
	if d.Region != "" && d.ScopeRegion != d.Region {
		d.warn("credential scope region %s is not the host's region %s: STS will refuse the signature", d.ScopeRegion, d.Region)
	}
}

// splitQuery lists the query parameters in URL order, unescaped (a piece
// that does not unescape is shown raw), the session token redacted.
func splitQuery(raw string) []QueryParam {
	ps := []QueryParam{}
	for raw != "" {
		var piece string
		piece, raw, _ = strings.Cut(raw, "&")
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		if strings.EqualFold(k, "X-Amz-Security-Token") {
			v = Redacted
		}
		ps = append(ps, QueryParam{Key: k, Value: v})
	}
	return ps
}

// redactURL replaces the value of every X-Amz-Security-Token parameter.
func redactURL(raw string) string {
	base, query, ok := strings.Cut(raw, "?")
	if !ok {
		return raw
	}
	var b strings.Builder
	b.WriteString(base)
	b.WriteByte('?')
	first := true
	for query != "" {
		var piece string
		piece, query, _ = strings.Cut(query, "&")
		if !first {
			b.WriteByte('&')
		}
		first = false
		k, _, hasV := strings.Cut(piece, "=")
		uk, err := url.QueryUnescape(k)
		if err != nil {
			uk = k
		}
		if strings.EqualFold(uk, "X-Amz-Security-Token") {
			b.WriteString(k)
			if hasV {
				b.WriteString("=" + Redacted)
			}
			continue
		}
		b.WriteString(piece)
	}
	return b.String()
}
