package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
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
func fromHTTP(r *http.Request, o *Options, presign bool) (*Request, error) {
	if r == nil || r.URL == nil {
		return nil, errors.New("sigv4: no request")
	}
	req := &Request{Method: r.Method, Scheme: r.URL.Scheme, Host: r.Host}
	if req.Host == "" {
		req.Host = r.URL.Host
	}
	req.Path = r.URL.EscapedPath()
	if r.URL.Opaque != "" {
		req.Path = r.URL.Opaque
	}
	if r.URL.RawQuery != "" {
		vals, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, fmt.Errorf("sigv4: query: %w", err)
		}
		for k, vs := range vals {
			for _, v := range vs {
				req.Query = append(req.Query, Param{k, v})
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
			req.Headers = append(req.Headers, Param{ln, v})
		}
	}
	if !presign && r.ContentLength > 0 && r.Header.Get("Content-Length") == "" &&
		(o.SignHeader == nil || o.SignHeader("content-length")) {
		req.Headers = append(req.Headers, Param{"content-length", fmt.Sprint(r.ContentLength)})
	}
	return req, nil
}

// PresignHTTP returns the presigned URL of r. The headers it signed (all of
// r's headers but the ignored ones, or those SignHeader selects) must be sent
// with the URL.
func (s *Signer) PresignHTTP(r *http.Request, c Credentials, o *Options) (*url.URL, error) {
	if o == nil {
		return nil, errors.New("sigv4: no options")
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

// SignHTTP signs r in place: it sets X-Amz-Date, X-Amz-Security-Token (when
// c has a session token), X-Amz-Content-Sha256 (when AddContentSHA256) and
// Authorization. With no PayloadHash in o and a body, the body is read
// through r.GetBody and hashed; a body without GetBody is an error.
func (s *Signer) SignHTTP(r *http.Request, c Credentials, o *Options) error {
	if o == nil {
		return errors.New("sigv4: no options")
	}
	if o.PayloadHash == "" && r != nil && r.Body != nil && r.Body != http.NoBody {
		if r.GetBody == nil {
			return errors.New("sigv4: request body cannot be re-read to hash it; set Options.PayloadHash")
		}
		body, err := r.GetBody()
		if err != nil {
			return fmt.Errorf("sigv4: reading body: %w", err)
		}
		h := sha256.New()
		_, err = io.Copy(h, body)
		body.Close()
		if err != nil {
			return fmt.Errorf("sigv4: reading body: %w", err)
		}
		oc := *o
		oc.PayloadHash = hex.EncodeToString(h.Sum(nil))
		o = &oc
	}
	req, err := fromHTTP(r, o, false)
	if err != nil {
		return err
	}
	auth, err := s.AppendAuthorization(nil, req, c, o)
	if err != nil {
		return err
	}
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.Header.Set("X-Amz-Date", string(AppendAmzDate(nil, o.Time)))
	if c.SessionToken != "" {
		r.Header.Set("X-Amz-Security-Token", c.SessionToken)
	}
	if o.AddContentSHA256 {
		p := o.PayloadHash
		if p == "" {
			p = EmptyPayloadHash
		}
		r.Header.Set("X-Amz-Content-Sha256", p)
	}
	r.Header.Set("Authorization", string(auth))
	return nil
}
