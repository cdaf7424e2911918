package sigv4

import "time"

// TimeFormat is the layout of X-Amz-Date ("20060102T150405Z", UTC).
const TimeFormat = "20060102T150405Z"

const (
	// EmptyPayloadHash is the hex SHA-256 of an empty body: the payload hash
	// of GET requests and of presigned URLs.
	EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// UnsignedPayload is the payload hash of a request whose body is not
	// signed (S3 presigned URLs, streaming uploads).
	UnsignedPayload = "UNSIGNED-PAYLOAD"

	algorithm = "AWS4-HMAC-SHA256"

	// MaxExpires is the longest X-Amz-Expires SigV4 allows (7 days).
	MaxExpires = 7 * 24 * time.Hour
)

// Options are the per-call inputs of one signing.
type Options struct {
	// Service is the signing name of the service ("sts", "eks", "s3").
	Service string
	// Region is the signing region ("us-east-1").
	Region string
	// Time is the signing time, X-Amz-Date. Required: the zero time is an
	// error, so a forgotten clock never signs for 0001-01-01.
	Time time.Time
	// Expires is X-Amz-Expires for presigning, in whole seconds from 1 s to
	// MaxExpires. Header signing ignores it.
	Expires time.Duration

	// PayloadHash is the lower-case hex SHA-256 of the body, or
	// UnsignedPayload. Empty means EmptyPayloadHash; SignHTTP instead hashes
	// the request's body (through GetBody) when it has one.
	PayloadHash string
	// AddContentSHA256 adds the X-Amz-Content-Sha256 header (the payload
	// hash) to the signed headers, as S3 requires. Header signing only.
	AddContentSHA256 bool
	// DisablePathNormalization keeps ".", ".." and empty path segments as
	// they are. S3 needs this; every other service normalizes.
	DisablePathNormalization bool
	// DisableDoubleEncoding uses the path as sent on the wire in the
	// canonical request instead of URI-encoding it once more. S3 needs this;
	// every other service encodes the (already encoded) path again.
	DisableDoubleEncoding bool
	// OmitSessionToken signs without the session token and adds
	// X-Amz-Security-Token to the request only after signing, as some
	// services (IoT, older S3 presigning) expect.
	OmitSessionToken bool

	// SignHeader selects which headers of an *http.Request are signed, by
	// lower-case name; host is always signed. Nil signs every header but
	// those that proxies and clients change in transit (authorization,
	// user-agent, x-amzn-trace-id, expect, transfer-encoding). The append
	// path signs exactly Request.Headers and ignores SignHeader.
	SignHeader func(lowerName string) bool

	// Trace, when non-nil, receives the intermediate stages of the signing.
	Trace *Stages
}

// Stages are the intermediate results of one signing, for tests and for
// debugging a SignatureDoesNotMatch: compare them with the
// canonical request and string to sign that AWS returns in its error.
type Stages struct {
	CanonicalRequest string
	StringToSign     string
	Signature        string
}

// Param is one query parameter or header, raw: unescaped, as a user means
// it. The signer encodes query parameters and canonicalizes header values.
type Param struct{ Key, Value string }

// Request describes a request for the append-style path. Every field is a
// plain string so that a caller can keep one Request and change a field per
// call without allocating.
type Request struct {
	Method string // "" means GET
	Scheme string // "" means https; used only in the presigned URL
	Host   string // host[:port] as sent; required; signed as the host header
	// Path is the path as sent on the wire, in its escaped form ("/a%20b").
	// "" means "/".
	Path  string
	Query []Param // raw (unescaped) query parameters, in any order
	// Headers are the headers to sign besides host, names in any case. For
	// presigning they are not part of the URL: whoever sends the URL must
	// send these headers with it (the EKS token's x-k8s-aws-id).
	Headers []Param
}
