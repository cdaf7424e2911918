package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	exampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	exampleToken  = "FQoGZXIvYXdzEExampleSessionTokenValue/+=="
)

// TestFloorMatchesSigner keeps the benchmark floor honest: it hashes exactly
// the canonical request the signer builds for the benchmark request.
func TestFloorMatchesSigner(t *testing.T) {
	var s Signer
	var tr Stages
	o := benchOpts()
	o.Trace = &tr
	u, err := s.AppendPresignedURL(nil, &benchReq, benchCreds, o)
	if err != nil {
		t.Fatal(err)
	}
	if tr.CanonicalRequest != floorCanonical {
		t.Fatalf("floor canonical request is stale:\n%s\n---\n%s", tr.CanonicalRequest, floorCanonical)
	}
	var key [32]byte
	var sig [64]byte
	floorSign(nil, &key, true, &sig)
	if !strings.HasSuffix(string(u), "&X-Amz-Signature="+string(sig[:])) || tr.Signature != string(sig[:]) {
		t.Fatalf("floor signature %s differs from the signer's URL %s", sig, u)
	}
	sc := &scratch{h: newHasher()}
	padded := signingKey{key: key}
	sc.h.pad(&padded)
	var sig2 [64]byte
	floorSignSavedPads(sc, &padded, &sig2)
	if sig2 != sig {
		t.Fatalf("saved-pads floor signature %s differs from %s", sig2, sig)
	}
}

// TestPresignEKSShape checks the URL an EKS token wraps, parameter by
// parameter, with and without a session token.
func TestPresignEKSShape(t *testing.T) {
	var s Signer
	for _, token := range []string{"", exampleToken} {
		c := benchCreds
		c.SessionToken = token
		u, err := s.AppendPresignedURL(nil, &benchReq, c, benchOpts())
		if err != nil {
			t.Fatal(err)
		}
		pu, err := url.Parse(string(u))
		if err != nil {
			t.Fatal(err)
		}
		keys := []string{}
		for _, kv := range strings.Split(pu.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			keys = append(keys, k)
		}
		want := "Action Version X-Amz-Algorithm X-Amz-Credential X-Amz-Date X-Amz-Expires X-Amz-SignedHeaders X-Amz-Signature"
		if token != "" {
			want = "Action Version X-Amz-Algorithm X-Amz-Credential X-Amz-Date X-Amz-Expires X-Amz-Security-Token X-Amz-SignedHeaders X-Amz-Signature"
		}
		if got := strings.Join(keys, " "); got != want {
			t.Errorf("token %q: keys\n got %s\nwant %s", token, got, want)
		}
		q := pu.Query()
		if q.Get("X-Amz-SignedHeaders") != "host;x-k8s-aws-id" || q.Get("X-Amz-Expires") != "60" ||
			q.Get("X-Amz-Date") != "20261204T160000Z" || q.Get("X-Amz-Security-Token") != token ||
			q.Get("X-Amz-Credential") != "AKIDEXAMPLE/20261204/us-west-2/sts/aws4_request" ||
			pu.Host != "sts.us-west-2.amazonaws.com" || pu.Path != "/" || pu.Scheme != "https" {
			t.Errorf("unexpected URL %s", u)
		}
	}
}

func TestBadInput(t *testing.T) {
	good := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: exampleSecret, SessionToken: exampleToken}
	cases := []struct {
		name string
		req  Request
		c    Credentials
		o    Options
		want string
	}{
		{"no host", Request{Path: "/"}, good, Options{Service: "sts", Region: "us-east-1", Time: benchTime, Expires: time.Minute}, "no host"},
		{"zero time", Request{Host: "h"}, good, Options{Service: "sts", Region: "us-east-1", Expires: time.Minute}, "time is zero"},
		{"no region", Request{Host: "h"}, good, Options{Service: "sts", Time: benchTime, Expires: time.Minute}, "region is empty"},
		{"no service", Request{Host: "h"}, good, Options{Region: "us-east-1", Time: benchTime, Expires: time.Minute}, "service is empty"},
		{"no key id", Request{Host: "h"}, Credentials{SecretAccessKey: exampleSecret, SessionToken: exampleToken}, Options{Service: "sts", Region: "r", Time: benchTime, Expires: time.Minute}, "no access key id"},
		{"no secret", Request{Host: "h"}, Credentials{AccessKeyID: "AKIDEXAMPLE", SessionToken: exampleToken}, Options{Service: "sts", Region: "r", Time: benchTime, Expires: time.Minute}, "no secret access key"},
		{"empty creds", Request{Host: "h"}, Credentials{}, Options{Service: "sts", Region: "r", Time: benchTime, Expires: time.Minute}, "credentials are empty"},
		{"expires zero", Request{Host: "h"}, good, Options{Service: "sts", Region: "r", Time: benchTime}, "presign expiry"},
		{"expires too long", Request{Host: "h"}, good, Options{Service: "sts", Region: "r", Time: benchTime, Expires: 8 * 24 * time.Hour}, "presign expiry"},
		{"year out of range", Request{Host: "h"}, good, Options{Service: "sts", Region: "r", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Expires: time.Minute}, "out of range"},
		{"amz param already there", Request{Host: "h", Query: []Param{{"X-Amz-Signature", "x"}}}, good, Options{Service: "sts", Region: "r", Time: benchTime, Expires: time.Minute}, "already has X-Amz-Signature"},
		{"empty header name", Request{Host: "h", Headers: []Param{{"", "x"}}}, good, Options{Service: "sts", Region: "r", Time: benchTime, Expires: time.Minute}, "empty name"},
	}
	var s Signer
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := []byte("keep")
			out, err := s.AppendPresignedURL(dst, &tc.req, tc.c, &tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if string(out) != "keep" {
				t.Errorf("dst changed on error: %q", out)
			}
			assertNoSecret(t, err.Error())
		})
	}
	if _, err := s.AppendPresignedURL(nil, nil, good, benchOpts()); err == nil {
		t.Error("nil request signed")
	}
	if _, err := s.AppendAuthorization(nil, &benchReq, good, nil); err == nil {
		t.Error("nil options accepted")
	}
}

func assertNoSecret(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{exampleSecret, exampleToken} {
		if strings.Contains(s, secret) {
			t.Errorf("secret leaked in %q", s)
		}
	}
}

func TestCredentialsRedacted(t *testing.T) {
	c := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: exampleSecret, SessionToken: exampleToken, Expires: benchTime}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(f, c)
		assertNoSecret(t, out)
		if f != "%x" && !strings.Contains(out, "AKIDEXAMPLE") {
			t.Errorf("%s: %q lacks the key id", f, out)
		}
	}
	assertNoSecret(t, fmt.Sprint([]Credentials{c}))
	assertNoSecret(t, fmt.Sprintf("%v", &c))
}

// TestKeyCache: keys differ by secret, day, region and service, and the
// cached key equals the derived one.
func TestKeyCache(t *testing.T) {
	var kc keyCache
	sc := scratchPool.Get().(*scratch)
	get := func(secret string, date []byte, region, service string) [32]byte {
		return kc.get(sc, secret, date, region, service).key
	}
	d1, d2 := []byte("20261204"), []byte("20261205")
	k := get("s1", d1, "us-east-1", "sts")
	if k != deriveKey("s1", d1, "us-east-1", "sts") || get("s1", d1, "us-east-1", "sts") != k {
		t.Fatal("cached key differs from derived key")
	}
	for _, other := range [][32]byte{get("s2", d1, "us-east-1", "sts"), get("s1", d2, "us-east-1", "sts"),
		get("s1", d1, "us-west-2", "sts"), get("s1", d1, "us-east-1", "eks")} {
		if other == k {
			t.Fatal("two different scopes share a key")
		}
	}
	for i := range 3 * maxKeys {
		get(fmt.Sprint("secret", i), d1, "r", "s")
	}
	if n := len(*kc.m.Load()); n > maxKeys {
		t.Fatalf("cache grew to %d entries", n)
	}
	if get("s1", d1, "us-east-1", "sts") != k {
		t.Fatal("key changed after eviction")
	}
}

// TestSavedPadStates: HMAC from a signing key's saved pad states equals
// crypto/hmac, for messages around the block boundaries, and so does the
// fallback used when states cannot be saved.
func TestSavedPadStates(t *testing.T) {
	h := newHasher()
	if h.h == nil {
		t.Fatal("crypto/sha256 cannot save its state: every signature pays two extra blocks")
	}
	var k signingKey
	copy(k.key[:], "0123456789abcdef0123456789abcdef")
	h.pad(&k)
	if !k.padded {
		t.Fatal("pad states not set")
	}
	plain := signingKey{key: k.key}
	for _, n := range []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 131, 1000} {
		msg := bytes.Repeat([]byte{'m'}, n)
		m := hmac.New(sha256.New, k.key[:])
		m.Write(msg)
		want := m.Sum(nil)
		for _, key := range []*signingKey{&k, &plain} {
			dst := append(make([]byte, 0, 8), "pre"...)
			got := h.appendMAC(dst, key, msg)
			if string(got[:3]) != "pre" || !bytes.Equal(got[3:], want) {
				t.Fatalf("len %d, padded %v: got %x, want %x", n, key.padded, got[3:], want)
			}
		}
	}
}

// TestConcurrentSigning: one Signer shared by many goroutines, with
// secrets, regions and days changing, signs exactly as fresh signers do.
// Run with -race.
func TestConcurrentSigning(t *testing.T) {
	var shared Signer
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				c := Credentials{AccessKeyID: "AKID", SecretAccessKey: fmt.Sprint("secret", (g+i)%5)}
				o := &Options{Service: "sts", Region: []string{"us-east-1", "eu-west-1", "ap-south-1"}[i%3],
					Time: benchTime.Add(time.Duration(i%4) * 24 * time.Hour), Expires: time.Minute}
				req := Request{Host: "sts.amazonaws.com", Query: []Param{{"Action", "GetCallerIdentity"}},
					Headers: []Param{{"x-k8s-aws-id", fmt.Sprint("cluster-", g)}}}
				got, err := shared.AppendPresignedURL(nil, &req, c, o)
				if err != nil {
					t.Error(err)
					return
				}
				want, _ := presignUncached(nil, &req, c, o)
				if !bytes.Equal(got, want) {
					t.Errorf("shared signer: %s\nfresh signer: %s", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestCanonicalPath(t *testing.T) {
	cases := []struct {
		in              string
		normalize, once bool
		want            string
	}{
		{"", true, false, "/"},
		{"/", true, false, "/"},
		{"/a/b/../c/./d/", true, false, "/a/c/d/"},
		{"/../..", true, false, "/"},
		{"//a//b", true, false, "/a/b"},
		{"//a//b", false, false, "//a//b"},
		{"/a%20b", true, false, "/a%2520b"},
		{"/a%20b", true, true, "/a%20b"},
		{"/a b/ü", true, false, "/a%20b/%C3%BC"},
	}
	for _, tc := range cases {
		if got := string(appendCanonicalPath(nil, tc.in, tc.normalize, tc.once)); got != tc.want {
			t.Errorf("path %q (normalize %v, once %v) = %q, want %q", tc.in, tc.normalize, tc.once, got, tc.want)
		}
	}
}

func TestCompareEscaped(t *testing.T) {
	// Sorting by the encodings: "%C3%BC" < "-" < "A" < "a" < "~".
	order := []string{"", "\x00", " ", "ü", "-", "0", "A", "a", "aa", "~"}
	for i := range order {
		for j := range order {
			got := compareEscaped(order[i], order[j])
			ei, ej := string(appendEscaped(nil, order[i], false)), string(appendEscaped(nil, order[j], false))
			if sign(got) != strings.Compare(ei, ej) {
				t.Errorf("compareEscaped(%q,%q)=%d, encodings %q %q", order[i], order[j], got, ei, ej)
			}
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector (sync.Pool drops items); the plain run checks them")
	}
	var s Signer
	o := benchOpts()
	dst := make([]byte, 0, 2048)
	c := benchCreds
	c.SessionToken = exampleToken
	s.AppendPresignedURL(dst, &benchReq, c, o) // warm the key cache and the pool
	if n := testing.AllocsPerRun(100, func() { s.AppendPresignedURL(dst[:0], &benchReq, c, o) }); n > 0 {
		t.Errorf("AppendPresignedURL allocates %v times per call with a warm cache", n)
	}
}

// TestTemplateReuse: a caller that keeps one Request and changes it in
// place between signings, or alternates shapes and forms, gets what a
// signer building every template afresh gives.
func TestTemplateReuse(t *testing.T) {
	var reuse Signer
	fresh := Signer{rebuild: true}
	c := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: exampleSecret, SessionToken: exampleToken}
	o := benchOpts()
	r := Request{Host: "sts.us-west-2.amazonaws.com", Path: "/",
		Query:   []Param{{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}},
		Headers: []Param{{"x-k8s-aws-id", "one"}}}
	other := Request{Method: "POST", Host: "sts.amazonaws.com", Path: "/a/../b",
		Headers: []Param{{"Content-Type", "text/plain"}, {"X-Extra", "  two  words "}, {"x-extra", "3"}}}
	steps := []func(){
		func() {},
		func() { r.Headers[0].Value = "two" },                           // a value: same template
		func() { r.Query[1].Value = "2011-06-16" },                      // query value: new template
		func() { r.Query[0].Key = "Zeta" },                              // query order changes
		func() { r.Headers[0].Key = "A-First" },                         // header order changes
		func() { r.Headers = append(r.Headers, Param{"a-first", "x"}) }, // repeated name
		func() { r.Path = "/x/./y" },
		func() { o.DisablePathNormalization = true },
		func() { o.DisableDoubleEncoding = true },
		func() { o.AddContentSHA256 = true },
		func() { c.SessionToken = "" },
		func() { o.OmitSessionToken = true; c.SessionToken = exampleToken },
		func() { r.Host = "sts.eu-west-1.amazonaws.com" },
	}
	for i, step := range steps {
		step()
		for _, req := range []*Request{&r, &other, &r} {
			for _, presign := range []bool{true, false, true} {
				sign := func(s *Signer) string {
					var b []byte
					var err error
					if presign {
						b, err = s.AppendPresignedURL(nil, req, c, o)
					} else {
						b, err = s.AppendAuthorization(nil, req, c, o)
					}
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					return string(b)
				}
				if got, want := sign(&reuse), sign(&fresh); got != want {
					t.Fatalf("step %d, presign %v: reused template signs\n%s\nfresh template signs\n%s", i, presign, got, want)
				}
			}
		}
	}
}
