// Package sigv4http signs *http.Request values with package sigv4.
//
// It is a package of its own so that programs that only presign — the
// ekstoken command's offline build — do not link net/http: importing it
// costs about 1.5 MB of binary and some 45 package initializers at every
// start. Package sigv4 itself depends on no networking package.
package sigv4http

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ekstoken/ekstoken/sigv4"
)

// ignoredHeaders are not signed by default: proxies, transports and tracing
// add or rewrite them in transit (the same set aws-sdk-go-v2 leaves out).
var ignoredHeaders = map[string]bool{
	"authorization":     true,
	"user-agent":        true,
	"x-amzn-trace-id":   true,
	"expect":            true,
	"transfer-encoding": true,
}

// fromHTTP describes r for the signer: host from r.Host or r.URL.Host, the
// escaped path, the query decoded, and the headers to sign.
func fromHTTP(r *http.Request, o *sigv4.Options, presign bool) (*sigv4.Request, error) {
	if r == nil || r.URL == nil {
		return nil, errors.New("sigv4http: no request")
	}
	req := &sigv4.Request{Method: r.Method, Scheme: r.URL.Scheme, Host: r.Host}
	if req.Host == "" {
		req.Host = r.URL.Host
	}
	req.Path = r.URL.EscapedPath()
	if o := r.URL.Opaque; o != "" {
		// Opaque "//host/path" is how a caller sends a pre-escaped path;
		// Go puts only "/path" on the wire, and that is what is signed.
		if rest, ok := strings.CutPrefix(o, "//"); ok {
			o = "/"
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				o = rest[i:]
			}
		}
		req.Path = o
	}
	if r.URL.RawQuery != "" {
		vals, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, fmt.Errorf("sigv4http: query: %w", err)
		}
		for k, vs := range vals {
			for _, v := range vs {
				req.Query = append(req.Query, sigv4.Param{Key: k, Value: v})
			}
		}
	}
	for name, vs := range r.Header {
		ln := strings.ToLower(name)
		if ln == "host" || (!presign && (ln == "x-amz-date" || ln == "x-amz-security-token" ||
			(ln == "x-amz-content-sha256" && o.AddContentSHA256))) {
			continue // the signer adds its own
		}
		if o.SignHeader != nil && !o.SignHeader(ln) || o.SignHeader == nil && ignoredHeaders[ln] {
			continue
		}
		for _, v := range vs {
			req.Headers = append(req.Headers, sigv4.Param{Key: ln, Value: v})
		}
	}
	if !presign && r.ContentLength > 0 && r.Header.Get("Content-Length") == "" &&
		(o.SignHeader == nil || o.SignHeader("content-length")) {
		req.Headers = append(req.Headers, sigv4.Param{Key: "content-length", Value: fmt.Sprint(r.ContentLength)})
	}
	return req, nil
}

// Presign returns the presigned URL of r. The headers it signed (all of r's
// headers but the ignored ones, or those Options.SignHeader selects) must be
// sent with the URL.
func Presign(s *sigv4.Signer, r *http.Request, c sigv4.Credentials, o *sigv4.Options) (*url.URL, error) {
	if o == nil {
		return nil, errors.New("sigv4http: no options")
	}
	req, err := fromHTTP(r, o, true)
	if err != nil {
		return nil, err
	}
	b, err := s.AppendPresignedURL(nil, req, c, o)
	if err != nil {
		return nil, err
	}
	return url.Parse(string(b))
}

// Sign signs r in place: it sets X-Amz-Date, X-Amz-Security-Token (when c
// has a session token), X-Amz-Content-Sha256 (when AddContentSHA256) and
// Authorization. With no PayloadHash in o and a body, the body is read
// through r.GetBody and hashed; a body without GetBody is an error.
// Content-Length is signed when the body's length is known.
func Sign(s *sigv4.Signer, r *http.Request, c sigv4.Credentials, o *sigv4.Options) error {
	if o == nil {
		return errors.New("sigv4http: no options")
	}
	if o.PayloadHash == "" && r != nil && r.Body != nil && r.Body != http.NoBody {
		if r.GetBody == nil {
			return errors.New("sigv4http: request body cannot be re-read to hash it; set Options.PayloadHash")
		}
		body, err := r.GetBody()
		if err != nil {
			return fmt.Errorf("sigv4http: reading body: %w", err)
		}
		h := sha256.New()
		_, err = io.Copy(h, body)
		body.Close()
		if err != nil {
			return fmt.Errorf("sigv4http: reading body: %w", err)
		}
		oc := *o
		oc.PayloadHash = hex.EncodeToString(h.Sum(nil))
		o = &oc
	}
	req, err := fromHTTP(r, o, false)
	if err != nil {
		return err
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	return s.SignHeaders(req, c, o, r.Header.Set)
}
