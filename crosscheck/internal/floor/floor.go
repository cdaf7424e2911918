// Package floor is the raw-crypto floor of an EKS token: the least work any
// correct minter must do — one SHA-256 of the canonical request, one HMAC
// of the string to sign, four more HMACs to derive the signing key unless it
// is cached, and the URL and base64 around them — hand-written for one fixed
// request shape with no generality and no validation.
//
// It is not a product. Benchmarks and the floortoken binary use it as the
// lower bound that ekstoken's general signer is measured against
// (BENCHMARKS.md). Its output is checked byte for byte against aws-sdk-go-v2
// and aws-iam-authenticator's known answer (TestFloorAndSDKMintersAgree),
// so the bound is the cost of a correct token, not of an approximation.
//
// sigv4's BenchmarkFloor* (root module) is the floor of the signature alone;
// scripts/bench.sh runs it in the same rounds.
package floor

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Minter mints tokens for one (host, region, cluster, credentials). With
// Cache the derived key (and its HMAC state) is kept for the day.
type Minter struct {
	Host, Region, Cluster     string
	AccessKeyID, Secret, STok string
	Cache                     bool

	keyDay [8]byte
	key    [32]byte
	hasKey bool
	buf    []byte
	hbuf   []byte
}

// hmacSHA256 is HMAC-SHA256 (RFC 2104) for keys of at most 64 bytes, with
// scratch as its only memory: no allocation once scratch has grown.
func hmacSHA256(scratch *[]byte, key []byte, msg ...[]byte) [32]byte {
	var k [64]byte
	copy(k[:], key)
	b := (*scratch)[:0]
	for i := range k {
		b = append(b, k[i]^0x36)
	}
	for _, m := range msg {
		b = append(b, m...)
	}
	inner := sha256.Sum256(b)
	b = b[:0]
	for i := range k {
		b = append(b, k[i]^0x5c)
	}
	b = append(b, inner[:]...)
	*scratch = b
	return sha256.Sum256(b)
}

// deriveKey is the SigV4 signing key for (secret, day, region, "sts").
func (m *Minter) deriveKey(day []byte) [32]byte {
	var k0 [64]byte
	n := copy(k0[:], "AWS4")
	n += copy(k0[n:], m.Secret)
	k := hmacSHA256(&m.hbuf, k0[:n], day)
	k = hmacSHA256(&m.hbuf, k[:], []byte(m.Region))
	k = hmacSHA256(&m.hbuf, k[:], []byte("sts"))
	return hmacSHA256(&m.hbuf, k[:], []byte("aws4_request"))
}

// escape is the SigV4 query escaping (RFC 3986 unreserved kept).
func escape(dst []byte, s string) []byte {
	const hexd = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hexd[c>>4], hexd[c&15])
		}
	}
	return dst
}

// AppendToken appends "k8s-aws-v1." + base64url(presigned URL) to dst.
func (m *Minter) AppendToken(dst []byte, t time.Time) []byte {
	var db [16]byte
	amz := t.UTC().AppendFormat(db[:0], "20060102T150405Z")
	day := amz[:8]

	// Canonical request; its query is also the URL's.
	b := append(m.buf[:0], "GET\n/\n"...)
	qs := len(b)
	b = append(b, "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="...)
	b = escape(b, m.AccessKeyID)
	b = append(b, "%2F"...)
	b = append(b, day...)
	b = append(b, "%2F"...)
	b = append(b, m.Region...)
	b = append(b, "%2Fsts%2Faws4_request&X-Amz-Date="...)
	b = append(b, amz...)
	b = append(b, "&X-Amz-Expires=60"...)
	if m.STok != "" {
		b = append(b, "&X-Amz-Security-Token="...)
		b = escape(b, m.STok)
	}
	b = append(b, "&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"...)
	qe := len(b)
	b = append(b, "\nhost:"...)
	b = append(b, m.Host...)
	b = append(b, "\nx-k8s-aws-id:"...)
	b = append(b, m.Cluster...)
	b = append(b, "\n\nhost;x-k8s-aws-id\n"+emptyHash...)
	crHash := sha256.Sum256(b)

	// String to sign.
	ss := len(b)
	b = append(b, "AWS4-HMAC-SHA256\n"...)
	b = append(b, amz...)
	b = append(b, '\n')
	b = append(b, day...)
	b = append(b, '/')
	b = append(b, m.Region...)
	b = append(b, "/sts/aws4_request\n"...)
	b = hex.AppendEncode(b, crHash[:])

	if !m.Cache || !m.hasKey || string(m.keyDay[:]) != string(day) {
		m.key, m.hasKey = m.deriveKey(day), true
		copy(m.keyDay[:], day)
	}
	sig := hmacSHA256(&m.hbuf, m.key[:], b[ss:])

	// URL after the string to sign, then base64 into dst.
	us := len(b)
	b = append(b, "https://"...)
	b = append(b, m.Host...)
	b = append(b, "/?"...)
	b = append(b, b[qs:qe]...)
	b = append(b, "&X-Amz-Signature="...)
	b = hex.AppendEncode(b, sig[:])
	m.buf = b
	dst = append(dst, "k8s-aws-v1."...)
	return base64.RawURLEncoding.AppendEncode(dst, b[us:])
}

// ExecCredential returns the ExecCredential JSON (v1beta1) for token tok
// minted at t: expiry is t + 14 minutes like every peer.
func ExecCredential(tok []byte, t time.Time) []byte {
	b := make([]byte, 0, len(tok)+200)
	b = append(b, `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"`...)
	b = t.UTC().Add(14*time.Minute).AppendFormat(b, time.RFC3339)
	b = append(b, `","token":"`...)
	b = append(b, tok...)
	b = append(b, "\"}}\n"...)
	return b
}
