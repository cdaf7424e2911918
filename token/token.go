// Package token mints and explains Amazon EKS bearer tokens.
//
// An EKS token is a presigned STS GetCallerIdentity URL, base64url-encoded
// without padding behind the prefix "k8s-aws-v1.". The EKS authenticator
// (aws-iam-authenticator's verifier, running in the control plane) checks
// the URL's shape, then replays it against STS with the header
// x-k8s-aws-id set to the cluster's name: STS answers with the caller's
// identity only if the signature covered that very header value, which is
// how a token is bound to one cluster. Minting a token makes no network
// call at all.
//
// The package does no I/O: credentials and the endpoint are values passed
// in (package creds finds credentials; the command resolves the config).
// Its pieces:
//
//   - Partitions and ResolveEndpoint: the STS host for a region, FIPS,
//     dual-stack or an explicit URL (endpoint.go, partition.go).
//   - Generator: the token itself, allocation-free in steady state, safe
//     for concurrent use (token.go).
//   - AppendExecCredential and ExecAPIVersion: the ExecCredential JSON
//     kubectl reads (execcredential.go).
//   - Decode: a token taken apart for a person debugging a 401, with the
//     verifier's acceptance rules checked one by one (decode.go). It parses
//     the token's URL with net/url, as the verifier does, and so is left out
//     of builds with the nonet tag, whose binary has no decode subcommand
//     and must stay under 3 MB.
package token

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

const (
	// Prefix starts every EKS token.
	Prefix = "k8s-aws-v1."
	// MaxLen is the longest token the EKS authenticator accepts, prefix
	// included.
	MaxLen = 4096
	// ClusterIDHeader is the signed header that binds a token to a cluster.
	ClusterIDHeader = "x-k8s-aws-id"
	// PresignExpires is sent as X-Amz-Expires. STS ignores it for
	// GetCallerIdentity (a presigned call is valid 15 minutes from
	// X-Amz-Date whatever it says); all peers send 60 because old
	// authenticators insisted on 0..60.
	PresignExpires = 60 * time.Second
	// Validity is how long STS accepts a token after its signing time.
	Validity = 15 * time.Minute
	// Lifetime is the expiration the peers report: one minute short of
	// Validity, so that kubectl (which refreshes only once the reported
	// time has passed) never sends a token STS has just stopped accepting.
	Lifetime = 14 * time.Minute
	// MaxClusterNameLen bounds the cluster name (EKS allows 100 bytes).
	MaxClusterNameLen = 100
)

// Token is a minted token and the time kubectl should stop using it.
type Token struct {
	Value      string
	Expiration time.Time
}

// Generator mints tokens. The zero value is ready to use and safe for
// concurrent use; keep one per process so its signer's derived-key cache
// (one HMAC chain per access key, region and day) is reused across tokens
// and clusters.
type Generator struct {
	signer sigv4.Signer
}

// The query of GetCallerIdentity; the signer sorts and escapes it.
var stsQuery = []sigv4.Param{
	{Key: "Action", Value: "GetCallerIdentity"},
	{Key: "Version", Value: "2011-06-15"},
}

// Append appends a token for cluster to dst: "k8s-aws-v1." followed by the
// unpadded base64url encoding of
//
//	https://<ep.Host><ep.Path>?Action=GetCallerIdentity&Version=2011-06-15
//	  &X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=<akid>%2F<date>%2F<region>%2Fsts%2Faws4_request
//	  &X-Amz-Date=<now>&X-Amz-Expires=60[&X-Amz-Security-Token=<token>]
//	  &X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=<hex>
//
// presigned at time now for the header x-k8s-aws-id: <cluster>. Query keys
// are sorted, so the session token comes before X-Amz-SignedHeaders as in
// aws-sdk-go-v2 and aws-iam-authenticator (botocore puts it after; the
// signature is the same either way). The payload hash is that of the empty
// body.
//
// It refuses: invalid credentials, credentials already expired at now, a
// bad cluster name (see ValidateClusterName), an endpoint without a valid
// signing region, and a token longer than MaxLen. On error dst is returned
// unchanged (same length).
//
// With a dst of sufficient capacity Append itself does not allocate: the
// URL is signed into dst's spare capacity and base64-encoded in place, and
// the signer's inputs live in a pooled frame. (What remains per token is
// the signer's own: see TestAppendAllocs.)
func (g *Generator) Append(dst []byte, c sigv4.Credentials, cluster string, ep Endpoint, now time.Time) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return dst, err
	}
	if c.Expired(now) {
		return dst, fmt.Errorf("token: the credentials for %s expired at %s", c.AccessKeyID, c.Expires.UTC().Format(time.RFC3339))
	}
	if err := ValidateClusterName(cluster); err != nil {
		return dst, err
	}
	if ep.Region == "" {
		return dst, errors.New("token: no region to sign with")
	}
	if err := ValidateRegion(ep.Region); err != nil {
		return dst, fmt.Errorf("token: %v", err)
	}
	if ep.Host == "" {
		return dst, errors.New("token: endpoint has no host")
	}
	if now.IsZero() {
		return dst, errors.New("token: no signing time")
	}
	start := len(dst)
	// The request and options go to the signer by pointer and its
	// scratch space keeps references into them, so on the stack they
	// would escape: a pooled call frame keeps Append allocation-free.
	f := framePool.Get().(*frame)
	f.hdr[0] = sigv4.Param{Key: ClusterIDHeader, Value: cluster}
	f.req = sigv4.Request{
		Method:  "GET",
		Scheme:  ep.Scheme,
		Host:    ep.Host,
		Path:    ep.Path,
		Query:   stsQuery,
		Headers: f.hdr[:],
	}
	f.opts = sigv4.Options{
		Service: "sts",
		Region:  ep.Region,
		Time:    now,
		Expires: PresignExpires,
	}
	dst = append(dst, Prefix...)
	urlStart := len(dst)
	out, err := g.signer.AppendPresignedURL(dst, &f.req, c, &f.opts)
	*f = frame{} // drop references to the caller's strings
	framePool.Put(f)
	if err != nil {
		return dst[:start], fmt.Errorf("token: %w", err)
	}
	dst = out
	n := len(dst) - urlStart
	total := len(Prefix) + encodedLen(n)
	if total > MaxLen {
		return dst[:start], fmt.Errorf("token: the token would be %d bytes, over the EKS limit of %d (is the session token unusually long?)", total, MaxLen)
	}
	dst = appendBase64URLInPlace(dst, urlStart)
	return dst, nil
}

// frame is the per-call input of the signer.
type frame struct {
	hdr  [1]sigv4.Param
	req  sigv4.Request
	opts sigv4.Options
}

var framePool = sync.Pool{New: func() any { return new(frame) }}

// Get returns a fresh token for cluster, signed at now. Its Expiration is
// now + Lifetime (14 minutes), or the credentials' expiry when that comes
// sooner, so kubectl asks again before the session behind it dies.
func (g *Generator) Get(c sigv4.Credentials, cluster string, ep Endpoint, now time.Time) (Token, error) {
	var buf [1024]byte
	b, err := g.Append(buf[:0], c, cluster, ep, now)
	if err != nil {
		return Token{}, err
	}
	return Token{Value: string(b), Expiration: Expiration(c, now)}, nil
}

// Expiration is the time to report for a token signed at now with c:
// now + Lifetime, or c.Expires if that is earlier.
func Expiration(c sigv4.Credentials, now time.Time) time.Time {
	exp := now.Add(Lifetime)
	if c.HasExpiry() && c.Expires.Before(exp) {
		exp = c.Expires
	}
	return exp
}

// ValidateClusterName checks a cluster name (or an Outposts cluster id)
// before it becomes the x-k8s-aws-id header value: non-empty, at most
// MaxClusterNameLen bytes, no control characters and no white space.
// It deliberately allows anything else (EKS itself allows only
// [0-9A-Za-z][A-Za-z0-9\-_]*, but the verifier compares bytes, so a
// stricter check here would only reject names some other tool accepts).
func ValidateClusterName(name string) error {
	if name == "" {
		return errors.New("cluster name is empty")
	}
	if len(name) > MaxClusterNameLen {
		return fmt.Errorf("cluster name is %d bytes, longer than %d", len(name), MaxClusterNameLen)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == 0x7f {
			return fmt.Errorf("cluster name %q contains a control character or white space", name)
		}
	}
	return nil
}

const b64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// encodedLen is base64.RawURLEncoding.EncodedLen.
func encodedLen(n int) int { return n/3*4 + (n%3*8+5)/6 }

// appendBase64URLInPlace replaces b[from:] by its unpadded base64url
// encoding, growing b. Encoding runs from the end backwards, so each 3-byte
// group is read before the 4 bytes written for it (at or after it) can
// overwrite anything not yet read.
func appendBase64URLInPlace(b []byte, from int) []byte {
	n := len(b) - from
	m := encodedLen(n)
	if cap(b)-from < m {
		nb := make([]byte, len(b), from+m)
		copy(nb, b)
		b = nb
	}
	b = b[:from+m]
	src := b[from : from+n]
	dst := b[from:]
	// Tail: 1 or 2 leftover bytes give 2 or 3 characters.
	full := n / 3 * 3
	switch n - full {
	case 1:
		v := uint(src[full]) << 16
		di := full / 3 * 4
		dst[di+1] = b64URL[v>>12&0x3f]
		dst[di] = b64URL[v>>18&0x3f]
	case 2:
		v := uint(src[full])<<16 | uint(src[full+1])<<8
		di := full / 3 * 4
		dst[di+2] = b64URL[v>>6&0x3f]
		dst[di+1] = b64URL[v>>12&0x3f]
		dst[di] = b64URL[v>>18&0x3f]
	}
	for si := full - 3; si >= 0; si -= 3 {
		v := uint(src[si])<<16 | uint(src[si+1])<<8 | uint(src[si+2])
		di := si / 3 * 4
		dst[di+3] = b64URL[v&0x3f]
		dst[di+2] = b64URL[v>>6&0x3f]
		dst[di+1] = b64URL[v>>12&0x3f]
		dst[di] = b64URL[v>>18&0x3f]
	}
	return b
}
