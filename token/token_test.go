package token

import (
	"encoding/base64"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// aws-iam-authenticator's own known answer (pkg/token/token_test.go,
// TestGetWithSTS).
var (
	kaCreds = sigv4.Credentials{
		AccessKeyID:     "ASIAR2TG44V6AS3ZZE7C",
		SecretAccessKey: "4KD5cntGcVmLWRdF5wvNRuzNL5Qxmp6OKVY6Fz/Q",
	}
	kaTime  = time.Unix(1682640000, 0) // 2023-04-28T00:00:00Z
	kaURL   = "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAR2TG44V6AS3ZZE7C%2F20230428%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20230428T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce"
	kaToken = "k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBUjJURzQ0VjZBUzNaWkU3QyUyRjIwMjMwNDI4JTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyMzA0MjhUMDAwMDAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9ZTIxMWRiYTc3YWJhOWRjNDRiMGI2YmUzOGI4ZWFhZDA5MjU5OWM1MTU3ZjYzMTQ0NDRjNWI5ZDg1NzQ3ZjVjZQ"
)

func mustEndpoint(t testing.TB, c EndpointConfig) Endpoint {
	t.Helper()
	ep, err := ResolveEndpoint(c)
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

func TestKnownAnswer(t *testing.T) {
	var g Generator
	ep := mustEndpoint(t, EndpointConfig{Region: "us-west-2"})
	tok, err := g.Get(kaCreds, "test-cluster", ep, kaTime)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Value != kaToken {
		t.Errorf("token:\n got %s\nwant %s", tok.Value, kaToken)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok.Value, Prefix))
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != kaURL {
		t.Errorf("URL:\n got %s\nwant %s", raw, kaURL)
	}
	if want := kaTime.Add(14 * time.Minute); !tok.Expiration.Equal(want) {
		t.Errorf("expiration %v, want %v", tok.Expiration, want)
	}
	// Append to a non-empty buffer keeps what was there.
	b, err := g.Append([]byte("Bearer "), kaCreds, "test-cluster", ep, kaTime)
	if err != nil || string(b) != "Bearer "+kaToken {
		t.Errorf("Append to prefix: %q, %v", b, err)
	}
}

// TestSessionTokenOrder checks where the session token goes (sorted: before
// X-Amz-SignedHeaders, as aws-sdk-go-v2 and the authenticator put it) and
// that it is escaped.
func TestSessionTokenOrder(t *testing.T) {
	var g Generator
	c := kaCreds
	c.SessionToken = "FwoGZXIvYXdzEBYaDH+/abc=="
	tok, err := g.Get(c, "test-cluster", mustEndpoint(t, EndpointConfig{Region: "us-west-2"}), kaTime)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok.Value, Prefix))
	want := "&X-Amz-Expires=60&X-Amz-Security-Token=FwoGZXIvYXdzEBYaDH%2B%2Fabc%3D%3D&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature="
	if !strings.Contains(string(raw), want) {
		t.Errorf("URL %s\ndoes not contain %s", raw, want)
	}
}

func TestExpirationClamp(t *testing.T) {
	var g Generator
	ep := mustEndpoint(t, EndpointConfig{Region: "us-west-2"})
	c := kaCreds
	c.SessionToken = "tok"
	for _, tc := range []struct {
		expires time.Time
		want    time.Time
	}{
		{time.Time{}, kaTime.Add(14 * time.Minute)},
		{kaTime.Add(time.Hour), kaTime.Add(14 * time.Minute)},
		{kaTime.Add(14 * time.Minute), kaTime.Add(14 * time.Minute)},
		{kaTime.Add(5 * time.Minute), kaTime.Add(5 * time.Minute)},
		{kaTime.Add(time.Second), kaTime.Add(time.Second)},
	} {
		c.Expires = tc.expires
		tok, err := g.Get(c, "x", ep, kaTime)
		if err != nil {
			t.Fatal(err)
		}
		if !tok.Expiration.Equal(tc.want) {
			t.Errorf("expires %v: expiration %v, want %v", tc.expires, tok.Expiration, tc.want)
		}
	}
	c.Expires = kaTime
	if _, err := g.Get(c, "x", ep, kaTime); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired credentials: err %v", err)
	}
}

func TestGeneratorRefuses(t *testing.T) {
	var g Generator
	ep := mustEndpoint(t, EndpointConfig{Region: "us-west-2"})
	long := kaCreds
	long.SessionToken = strings.Repeat("A", 3000)
	for _, tc := range []struct {
		name    string
		c       sigv4.Credentials
		cluster string
		ep      Endpoint
		now     time.Time
		want    string
	}{
		{"no creds", sigv4.Credentials{}, "c", ep, kaTime, "empty"},
		{"no secret", sigv4.Credentials{AccessKeyID: "AKID"}, "c", ep, kaTime, "secret"},
		{"empty cluster", kaCreds, "", ep, kaTime, "cluster name is empty"},
		{"cluster space", kaCreds, "a b", ep, kaTime, "white space"},
		{"cluster newline", kaCreds, "a\nb", ep, kaTime, "control"},
		{"cluster DEL", kaCreds, "a\x7fb", ep, kaTime, "control"},
		{"cluster 101", kaCreds, strings.Repeat("c", 101), ep, kaTime, "longer than 100"},
		{"no region", kaCreds, "c", Endpoint{Scheme: "https", Host: "sts.example", Path: "/"}, kaTime, "no region"},
		{"bad region", kaCreds, "c", Endpoint{Scheme: "https", Host: "sts.example", Path: "/", Region: "us-east-1.evil"}, kaTime, "not a region name"},
		{"no host", kaCreds, "c", Endpoint{Scheme: "https", Path: "/", Region: "us-east-1"}, kaTime, "no host"},
		{"zero time", kaCreds, "c", ep, time.Time{}, "signing time"},
		{"too long", long, "c", ep, kaTime, "over the EKS limit of 4096"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := []byte("keep")
			out, err := g.Append(dst, tc.c, tc.cluster, tc.ep, tc.now)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if string(out) != "keep" {
				t.Errorf("dst changed to %q", out)
			}
			if strings.Contains(err.Error(), tc.c.SecretAccessKey) && tc.c.SecretAccessKey != "" {
				t.Errorf("error leaks the secret: %v", err)
			}
		})
	}
	ok := strings.Repeat("c", 100)
	if _, err := g.Get(kaCreds, ok, ep, kaTime); err != nil {
		t.Errorf("100-byte cluster name: %v", err)
	}
}

// TestMaxLenBoundary finds the session-token length where the token
// crosses 4096 bytes: one byte less is accepted at exactly the limit or
// below, and the returned token is never longer.
func TestMaxLenBoundary(t *testing.T) {
	var g Generator
	ep := mustEndpoint(t, EndpointConfig{Region: "us-west-2"})
	c := kaCreds
	lastOK := -1
	for n := 2400; n < 2800; n++ {
		c.SessionToken = strings.Repeat("A", n)
		b, err := g.Append(nil, c, "test-cluster", ep, kaTime)
		if err != nil {
			break
		}
		if len(b) > MaxLen {
			t.Fatalf("session token %d bytes: token %d bytes > %d", n, len(b), MaxLen)
		}
		lastOK = n
	}
	if lastOK < 0 || lastOK == 2799 {
		t.Fatalf("no boundary found (last accepted %d)", lastOK)
	}
	c.SessionToken = strings.Repeat("A", lastOK)
	b, _ := g.Append(nil, c, "test-cluster", ep, kaTime)
	if len(b) < MaxLen-3 {
		t.Errorf("largest accepted token is %d bytes, expected within 3 of %d", len(b), MaxLen)
	}
}

func TestBase64InPlace(t *testing.T) {
	for n := 0; n < 200; n++ {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(i*7 + n)
		}
		want := base64.RawURLEncoding.EncodeToString(src)
		for _, extra := range []int{0, 1, 100} { // no spare capacity, tight, roomy
			b := make([]byte, 0, 3+n+extra)
			b = append(b, "pre"...)
			b = append(b, src...)
			b = appendBase64URLInPlace(b, 3)
			if string(b) != "pre"+want {
				t.Fatalf("n=%d extra=%d: got %q want %q", n, extra, b, "pre"+want)
			}
		}
		if encodedLen(n) != base64.RawURLEncoding.EncodedLen(n) {
			t.Fatalf("encodedLen(%d) = %d", n, encodedLen(n))
		}
	}
}

// TestTokenShapeAllPartitions mints a token in every partition and checks
// the URL part by part against the endpoint (TestDecodeAllPartitions
// decodes the same tokens).
func TestTokenShapeAllPartitions(t *testing.T) {
	var g Generator
	regions := []string{"us-east-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1", "aws-global"}
	for _, r := range regions {
		for _, v := range []struct{ fips, ds bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			ep, err := ResolveEndpoint(EndpointConfig{Region: r, UseFIPS: v.fips, UseDualStack: v.ds})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 12, 4, 15, 24, 59, 0, time.UTC)
			tok, err := g.Get(kaCreds, "demo", ep, now)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok.Value, Prefix))
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(string(raw))
			if err != nil {
				t.Fatal(err)
			}
			if u.Scheme != "https" || u.Host != ep.Host || u.Path != "/" {
				t.Errorf("%s %+v: URL %s", r, v, raw)
			}
			q := u.Query()
			signRegion := ep.Region // us-east-1 for the plain aws-global host
			want := map[string]string{
				"Action": "GetCallerIdentity", "Version": "2011-06-15",
				"X-Amz-Algorithm":     "AWS4-HMAC-SHA256",
				"X-Amz-Credential":    kaCreds.AccessKeyID + "/20261204/" + signRegion + "/sts/aws4_request",
				"X-Amz-Date":          "20261204T152459Z",
				"X-Amz-Expires":       "60",
				"X-Amz-SignedHeaders": "host;x-k8s-aws-id",
			}
			for k, w := range want {
				if q.Get(k) != w {
					t.Errorf("%s: %s = %q, want %q", r, k, q.Get(k), w)
				}
			}
			if len(q) != len(want)+1 || len(q.Get("X-Amz-Signature")) != 64 {
				t.Errorf("%s: unexpected query %v", r, q)
			}
		}
	}
}

func TestGeneratorConcurrent(t *testing.T) {
	var g Generator
	ep := mustEndpoint(t, EndpointConfig{Region: "us-west-2"})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for j := 0; j < 200; j++ {
				var err error
				buf, err = g.Append(buf[:0], kaCreds, "test-cluster", ep, kaTime)
				if err != nil || string(buf) != kaToken {
					t.Errorf("concurrent token mismatch: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestAppendAllocs checks that Append adds no allocation to the signer's
// own (sigv4.AppendPresignedURL, measured alone with the same inputs).
func TestAppendAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	var g Generator
	ep := mustEndpoint(t, EndpointConfig{Region: "us-west-2"})
	buf := make([]byte, 0, 2048)
	buf, _ = g.Append(buf[:0], kaCreds, "test-cluster", ep, kaTime) // warm the key cache
	allocs := testing.AllocsPerRun(100, func() {
		buf, _ = g.Append(buf[:0], kaCreds, "test-cluster", ep, kaTime)
	})
	var s sigv4.Signer
	f := &frame{}
	f.hdr[0] = sigv4.Param{Key: ClusterIDHeader, Value: "test-cluster"}
	f.req = sigv4.Request{Host: ep.Host, Path: "/", Query: stsQuery, Headers: f.hdr[:]}
	f.opts = sigv4.Options{Service: "sts", Region: ep.Region, Time: kaTime, Expires: PresignExpires}
	buf, _ = s.AppendPresignedURL(buf[:0], &f.req, kaCreds, &f.opts)
	signerAllocs := testing.AllocsPerRun(100, func() {
		buf, _ = s.AppendPresignedURL(buf[:0], &f.req, kaCreds, &f.opts)
	})
	if allocs > signerAllocs {
		t.Errorf("Append allocates %v times per token in steady state, the signer alone %v", allocs, signerAllocs)
	}
	t.Logf("allocs per token: Append %v, sigv4.AppendPresignedURL alone %v", allocs, signerAllocs)
}

func BenchmarkAppend(b *testing.B) {
	var g Generator
	ep := mustEndpoint(b, EndpointConfig{Region: "us-west-2"})
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = g.Append(buf[:0], kaCreds, "test-cluster", ep, kaTime)
	}
}

// BenchmarkAppendColdKey signs each token on a new day, so the signer
// derives a fresh key every time (the cost of a first token).
func BenchmarkAppendColdKey(b *testing.B) {
	var g Generator
	ep := mustEndpoint(b, EndpointConfig{Region: "us-west-2"})
	buf := make([]byte, 0, 2048)
	now := kaTime
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(24 * time.Hour)
		buf, _ = g.Append(buf[:0], kaCreds, "test-cluster", ep, now)
	}
}

func BenchmarkAppendParallel(b *testing.B) {
	var g Generator
	ep := mustEndpoint(b, EndpointConfig{Region: "us-west-2"})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 0, 2048)
		for pb.Next() {
			buf, _ = g.Append(buf[:0], kaCreds, "test-cluster", ep, kaTime)
		}
	})
}

func BenchmarkGet(b *testing.B) {
	var g Generator
	ep := mustEndpoint(b, EndpointConfig{Region: "us-west-2"})
	b.ReportAllocs()
	for b.Loop() {
		_, _ = g.Get(kaCreds, "test-cluster", ep, kaTime)
	}
}
