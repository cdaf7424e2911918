package sigv4

// TEMPORARY: the exported API of the signer, with the implementation landing
// in the next commits. Helpers code against these signatures.

import (
	"errors"
	"net/http"
	"net/url"
	"time"
)

// TimeFormat is the layout of X-Amz-Date.
const TimeFormat = "20060102T150405Z"

const (
	// EmptyPayloadHash is the hex SHA-256 of an empty body.
	EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// UnsignedPayload is the payload hash for a body that is not signed.
	UnsignedPayload = "UNSIGNED-PAYLOAD"
)

// Options are the per-call signing inputs.
type Options struct {
	Service string
	Region  string
	Time    time.Time     // signing time; required
	Expires time.Duration // presign only: X-Amz-Expires, 1s..7 days

	// PayloadHash is the hex SHA-256 of the body, or UnsignedPayload.
	// Empty means the empty body's hash (SignHTTP hashes r.GetBody's body instead).
	PayloadHash string
	// AddContentSHA256 adds and signs X-Amz-Content-Sha256 (header signing).
	AddContentSHA256 bool
	// DisablePathNormalization keeps ".", ".." and "//" path segments (S3).
	DisablePathNormalization bool
	// DisableDoubleEncoding uses the path as sent, without encoding it again (S3).
	DisableDoubleEncoding bool
	// OmitSessionToken signs without the session token and adds it afterwards.
	OmitSessionToken bool
	// SignHeader chooses which headers of an *http.Request are signed (by
	// lower-case name); nil signs all but a fixed ignore list.
	SignHeader func(lowerName string) bool
	// Trace, when non-nil, receives the intermediate stages.
	Trace *Stages
}

// Stages are the intermediate results of one signing.
type Stages struct {
	CanonicalRequest string
	StringToSign     string
	Signature        string
}

// Param is one query parameter or header: raw (unescaped) key and value.
type Param struct{ Key, Value string }

// Request describes a request for the append-style (allocation-lean) path.
type Request struct {
	Method  string  // "" means GET
	Scheme  string  // "" means https; used only in the presigned URL
	Host    string  // host[:port] as sent; required
	Path    string  // path as sent on the wire (escaped form); "" means "/"
	Query   []Param // raw query parameters (unescaped)
	Headers []Param // headers to sign besides host, any case
}

// Signer signs requests. The zero value is ready to use and safe for
// concurrent use; it caches derived signing keys.
type Signer struct{}

var errTODO = errors.New("sigv4: not implemented yet")

// AppendPresignedURL appends the presigned URL of r to dst.
func (s *Signer) AppendPresignedURL(dst []byte, r *Request, c Credentials, o *Options) ([]byte, error) {
	return dst, errTODO
}

// AppendAuthorization appends the Authorization header value for r to dst.
// The request must also carry X-Amz-Date (o.Time in TimeFormat),
// X-Amz-Security-Token when c has one (and OmitSessionToken is false for it
// to be signed) and X-Amz-Content-Sha256 when AddContentSHA256 is set.
func (s *Signer) AppendAuthorization(dst []byte, r *Request, c Credentials, o *Options) ([]byte, error) {
	return dst, errTODO
}

// PresignHTTP returns the presigned URL of r.
func (s *Signer) PresignHTTP(r *http.Request, c Credentials, o *Options) (*url.URL, error) {
	return nil, errTODO
}

// SignHTTP signs r in place with the Authorization header (and X-Amz-Date,
// X-Amz-Security-Token, X-Amz-Content-Sha256 as needed).
func (s *Signer) SignHTTP(r *http.Request, c Credentials, o *Options) error {
	return errTODO
}
