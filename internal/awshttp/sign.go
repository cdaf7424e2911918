//go:build !nonet

package awshttp

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/ekstoken/ekstoken/sigv4"
)

// unsigned are the header names Sign leaves out of the signature: proxies
// and transports add or rewrite them in transit (the set package sigv4http
// and aws-sdk-go-v2 leave out).
var unsigned = map[string]bool{
	"authorization":     true,
	"user-agent":        true,
	"x-amzn-trace-id":   true,
	"expect":            true,
	"transfer-encoding": true,
}

// Sign signs r in place with SigV4 header authentication, as
// sigv4http.Sign does for an *http.Request: the body is hashed unless
// o.PayloadHash is set; host, the request's headers (but the unsigned ones)
// and Content-Length (when there is a body) are signed; X-Amz-Date,
// X-Amz-Security-Token (with a session token), X-Amz-Content-Sha256 (with
// o.AddContentSHA256) and Authorization are set.
func Sign(s *sigv4.Signer, r *Request, c sigv4.Credentials, o *sigv4.Options) error {
	if o == nil || r == nil || r.URL == nil {
		return errors.New("awshttp: sign: no request or options")
	}
	oc := *o
	if oc.PayloadHash == "" && len(r.Body) > 0 {
		sum := sha256.Sum256(r.Body)
		oc.PayloadHash = hex.EncodeToString(sum[:])
	}
	sr := &sigv4.Request{Method: r.Method, Scheme: r.URL.Scheme, Host: r.Host, Path: r.URL.EscapedPath()}
	if sr.Host == "" {
		sr.Host = r.URL.Host
	}
	if r.URL.Opaque != "" {
		sr.Path = r.URL.Opaque
	} else if sr.Path != "" && sr.Path[0] != '/' {
		sr.Path = "/" + sr.Path // as sent (requestURI)
	}
	if r.URL.RawQuery != "" {
		vals, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return errors.New("awshttp: sign: malformed query")
		}
		for k, vs := range vals {
			for _, v := range vs {
				sr.Query = append(sr.Query, sigv4.Param{Key: k, Value: v})
			}
		}
	}
	hasLength := false
	for _, f := range r.Header {
		ln := strings.ToLower(f[0])
		if ln == "host" || ln == "x-amz-date" || ln == "x-amz-security-token" ||
			(ln == "x-amz-content-sha256" && oc.AddContentSHA256) {
			continue // the signer adds its own
		}
		if oc.SignHeader != nil && !oc.SignHeader(ln) || oc.SignHeader == nil && unsigned[ln] {
			continue
		}
		hasLength = hasLength || ln == "content-length"
		sr.Headers = append(sr.Headers, sigv4.Param{Key: ln, Value: f[1]})
	}
	if len(r.Body) > 0 && !hasLength && (oc.SignHeader == nil || oc.SignHeader("content-length")) {
		sr.Headers = append(sr.Headers, sigv4.Param{Key: "content-length", Value: strconv.Itoa(len(r.Body))})
	}
	return s.SignHeaders(sr, c, &oc, r.Header.Set)
}
