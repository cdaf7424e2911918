// Package floor is the raw-crypto floor of an EKS token: the least work any
// correct minter must do — two SHA-256 passes, four HMACs to derive the
// signing key (or none when the key is cached) and one HMAC for the
// signature — written for one fixed request shape with no generality at all.
//
// It is not a product. Benchmarks and the floor binary use it as the lower
// bound that ekstoken's general signer is compared against
// (BENCHMARKS.md: "library mint ≤ 1.3x the floor"). Its output is checked
// byte for byte against aws-sdk-go-v2 in floor_test.go, so the bound is the
// cost of a correct token, not of an approximation.
package floor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"time"
)

const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Minter mints tokens for one (host, region, cluster, credentials). The
// derived key is cached per day when Cache is set.
type Minter struct {
	Host, Region, Cluster     string
	AccessKeyID, Secret, STok string
	Cache                     bool

	keyDay string
	mac    hash.Hash
	buf    []byte
	ubuf   []byte
}

func hm(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
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
	t = t.UTC()
	var db [16]byte
	amzDate := string(t.AppendFormat(db[:0], "20060102T150405Z"))
	day := amzDate[:8]
	scope := day + "/" + m.Region + "/sts/aws4_request" // one allocation

	q := m.buf[:0]
	q = append(q, "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="...)
	q = escape(q, m.AccessKeyID)
	q = append(q, "%2F"...)
	q = escape(q, scope)
	q = append(q, "&X-Amz-Date="...)
	q = append(q, amzDate...)
	q = append(q, "&X-Amz-Expires=60"...)
	if m.STok != "" {
		q = append(q, "&X-Amz-Security-Token="...)
		q = escape(q, m.STok)
	}
	q = append(q, "&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"...)
	m.buf = q

	ch := sha256.New()
	ch.Write([]byte("GET\n/\n"))
	ch.Write(q)
	ch.Write([]byte("\nhost:"))
	ch.Write([]byte(m.Host))
	ch.Write([]byte("\nx-k8s-aws-id:"))
	ch.Write([]byte(m.Cluster))
	ch.Write([]byte("\n\nhost;x-k8s-aws-id\n" + emptyHash))
	var hb [64]byte
	crh := hex.AppendEncode(hb[:0:64], ch.Sum(hb[32:32]))

	if !m.Cache || m.keyDay != day || m.mac == nil {
		key := hm(hm(hm(hm([]byte("AWS4"+m.Secret), day), m.Region), "sts"), "aws4_request")
		m.mac = hmac.New(sha256.New, key)
		m.keyDay = day
	}
	mac := m.mac
	mac.Reset()
	mac.Write([]byte("AWS4-HMAC-SHA256\n"))
	mac.Write([]byte(amzDate))
	mac.Write([]byte("\n"))
	mac.Write([]byte(scope))
	mac.Write([]byte("\n"))
	mac.Write(crh)
	var sb [32]byte
	sum := mac.Sum(sb[:0])

	// URL: https://host/?query&X-Amz-Signature=hex, then base64url.
	u := m.ubuf[:0]
	u = append(u, "https://"...)
	u = append(u, m.Host...)
	u = append(u, "/?"...)
	u = append(u, q...)
	u = append(u, "&X-Amz-Signature="...)
	u = hex.AppendEncode(u, sum)
	m.ubuf = u
	dst = append(dst, "k8s-aws-v1."...)
	return base64.RawURLEncoding.AppendEncode(dst, u)
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
