package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
)

// The benchmarks sign what an EKS token is: a presigned STS
// GetCallerIdentity with x-k8s-aws-id signed. BenchmarkFloor* measure the
// raw cryptography such a signature cannot avoid, with preallocated
// buffers, so that the signer's overhead is the difference.

var (
	benchCreds = Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	benchTime  = time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
	benchReq   = Request{
		Host:    "sts.us-west-2.amazonaws.com",
		Path:    "/",
		Query:   []Param{{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}},
		Headers: []Param{{"x-k8s-aws-id", "my-production-cluster"}},
	}
)

func benchOpts() *Options {
	return &Options{Service: "sts", Region: "us-west-2", Time: benchTime, Expires: 60 * time.Second}
}

// BenchmarkPresignEKS: append path, signing key cached (the steady state).
func BenchmarkPresignEKS(b *testing.B) {
	var s Signer
	o := benchOpts()
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		dst, err = s.AppendPresignedURL(dst[:0], &benchReq, benchCreds, o)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPresignEKSColdKey: a new Signer each time, so the four
// key-derivation HMACs run on every signature.
func BenchmarkPresignEKSColdKey(b *testing.B) {
	o := benchOpts()
	dst := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		dst = dst[:0]
		var err error
		dst, err = presignUncached(dst, &benchReq, benchCreds, o)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// presignUncached signs with the key derived afresh (no cache): the cold
// path, without paying for a cache insertion per call.
func presignUncached(dst []byte, r *Request, c Credentials, o *Options) ([]byte, error) {
	return uncachedSigner.AppendPresignedURL(dst, r, c, o)
}

var uncachedSigner = Signer{keys: keyCache{disabled: true}}

// BenchmarkPresignEKSParallel: one shared Signer, all cores.
func BenchmarkPresignEKSParallel(b *testing.B) {
	var s Signer
	o := benchOpts()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		dst := make([]byte, 0, 1024)
		for pb.Next() {
			var err error
			dst, err = s.AppendPresignedURL(dst[:0], &benchReq, benchCreds, o)
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSignHeader: Authorization-header signing of an STS POST (what an
// AssumeRole call does), append path.
func BenchmarkSignHeader(b *testing.B) {
	var s Signer
	o := benchOpts()
	o.PayloadHash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
	req := Request{Method: "POST", Host: "sts.us-west-2.amazonaws.com", Path: "/",
		Headers: []Param{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}}
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		dst, err = s.AppendAuthorization(dst[:0], &req, benchCreds, o)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// floorCanonical is the canonical request of benchReq, preformatted: the
// floor hashes it without building it.
const floorCanonical = "GET\n/\nAction=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20261204T160000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\nhost:sts.us-west-2.amazonaws.com\nx-k8s-aws-id:my-production-cluster\n\nhost;x-k8s-aws-id\n" + EmptyPayloadHash

// floorSign is the raw-crypto floor of one signature: (when cold) the four
// key-derivation HMACs, then one SHA-256 of the canonical request, one HMAC
// of the string to sign, and the hex encodings, into preallocated buffers.
func floorSign(buf []byte, key *[32]byte, cold bool, sig *[64]byte) []byte {
	if cold {
		*key = deriveKey(benchCreds.SecretAccessKey, []byte("20261204"), "us-west-2", "sts")
	}
	h := sha256.Sum256([]byte(floorCanonical))
	buf = append(buf[:0], "AWS4-HMAC-SHA256\n20261204T160000Z\n20261204/us-west-2/sts/aws4_request\n"...)
	buf = hex.AppendEncode(buf, h[:])
	buf, mac := hmacSHA256(buf, key[:], buf)
	hex.Encode(sig[:], mac[:])
	return buf[:0]
}

func BenchmarkFloorCachedKey(b *testing.B) {
	buf := make([]byte, 0, 1024)
	key := deriveKey(benchCreds.SecretAccessKey, []byte("20261204"), "us-west-2", "sts")
	var sig [64]byte
	b.ReportAllocs()
	for b.Loop() {
		buf = floorSign(buf, &key, false, &sig)
	}
}

func BenchmarkFloorColdKey(b *testing.B) {
	buf := make([]byte, 0, 1024)
	var key [32]byte
	var sig [64]byte
	b.ReportAllocs()
	for b.Loop() {
		buf = floorSign(buf, &key, true, &sig)
	}
}

// BenchmarkFloorSavedPads is FloorCachedKey with the HMAC started from
// saved pad states, as the signer does with a cached key (two SHA-256
// blocks fewer than FloorCachedKey's HMAC): PresignEKS over it is the
// signer's overhead beyond the cryptography it actually does.
func BenchmarkFloorSavedPads(b *testing.B) {
	sc := &scratch{buf: make([]byte, 0, 1024), h: newHasher()}
	key := signingKey{key: deriveKey(benchCreds.SecretAccessKey, []byte("20261204"), "us-west-2", "sts")}
	sc.h.pad(&key)
	var sig [64]byte
	b.ReportAllocs()
	for b.Loop() {
		floorSignSavedPads(sc, &key, &sig)
	}
}

// floorSignSavedPads is floorSign with a cached key whose HMAC pad states
// are saved.
func floorSignSavedPads(sc *scratch, key *signingKey, sig *[64]byte) {
	h := sha256.Sum256([]byte(floorCanonical))
	buf := append(sc.buf[:0], "AWS4-HMAC-SHA256\n20261204T160000Z\n20261204/us-west-2/sts/aws4_request\n"...)
	buf = hex.AppendEncode(buf, h[:])
	n := len(buf)
	buf = sc.h.appendMAC(buf, key, buf)
	hex.Encode(sig[:], buf[n:])
	sc.buf = buf[:0]
}
