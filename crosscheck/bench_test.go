package crosscheck

import (
	"context"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	authtoken "sigs.k8s.io/aws-iam-authenticator/pkg/token"

	"github.com/ekstoken/ekstoken/crosscheck/internal/floor"
	"github.com/ekstoken/ekstoken/crosscheck/internal/sdkmint"
	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/token"
)

// The library benchmarks of BENCHMARKS.md. Every sub-benchmark of
// BenchmarkMint makes the same token (us-east-2, cluster "demo", a session
// token), as TestFloorAndSDKMintersAgree and
// TestTokensMatchAuthenticatorGenerator prove; scripts/bench.sh runs them
// in interleaved rounds and reports per-round ratios.

const benchRegion, benchCluster = "us-east-2", "demo"

var benchHost = "sts." + benchRegion + ".amazonaws.com"

func benchCreds() sigv4.Credentials { return ekstokenCreds(sessionID) }

func benchTime() time.Time { return time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC) }

func BenchmarkMint(b *testing.B) {
	c := benchCreds()
	ac := sdkCreds(c)
	ep, err := token.ResolveEndpoint(token.EndpointConfig{Region: benchRegion})
	if err != nil {
		b.Fatal(err)
	}
	at := benchTime()

	// ekstoken, one Generator reused (warm signing-key cache) and one
	// buffer reused: a program minting tokens in a loop.
	b.Run("ekstoken", func(b *testing.B) {
		var g token.Generator
		buf := make([]byte, 0, 2048)
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = g.Append(buf[:0], c, benchCluster, ep, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	// ekstoken with a new Generator per token: the signing key is derived
	// every time, as in a process that mints one token (the CLI).
	b.Run("ekstoken-coldkey", func(b *testing.B) {
		buf := make([]byte, 0, 2048)
		b.ReportAllocs()
		for b.Loop() {
			var g token.Generator
			var err error
			if buf, err = g.Append(buf[:0], c, benchCluster, ep, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The raw-crypto floor, key derived per token and cached.
	for _, cache := range []bool{false, true} {
		name := "floor-coldkey"
		if cache {
			name = "floor"
		}
		b.Run(name, func(b *testing.B) {
			m := &floor.Minter{Host: benchHost, Region: benchRegion, Cluster: benchCluster, AccessKeyID: c.AccessKeyID, Secret: c.SecretAccessKey, STok: c.SessionToken, Cache: cache}
			buf := make([]byte, 0, 2048)
			b.ReportAllocs()
			for b.Loop() {
				buf = m.AppendToken(buf[:0], at)
			}
		})
	}
	// aws-sdk-go-v2's v4 signer on a request built per token (it clones
	// the request anyway), key cache warm.
	b.Run("sdk-signer", func(b *testing.B) {
		s := v4.NewSigner()
		b.ReportAllocs()
		for b.Loop() {
			u, err := sdkmint.SignerURL(s, ac, benchHost, benchRegion, benchCluster, at)
			if err != nil {
				b.Fatal(err)
			}
			_ = sdkmint.Token(u)
		}
	})
	// The two signers alone, as issue #2 compares them: sigv4's append path
	// and aws-sdk-go-v2's PresignHTTP on the same request (built once for
	// the SDK, which clones it), the same credentials, a warm key cache.
	// No base64, no token checks. TestSignerOnlyBenchmarksAgree proves the
	// URLs equal.
	b.Run("sigv4-presign", func(b *testing.B) {
		var s sigv4.Signer
		r, o := signerOnlyRequest(at)
		buf := make([]byte, 0, 2048)
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = s.AppendPresignedURL(buf[:0], r, c, o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk-presignhttp", func(b *testing.B) {
		s := v4.NewSigner()
		r := sdkSignerOnlyRequest(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := s.PresignHTTP(context.Background(), ac, r, sdkmint.EmptyPayloadHash, "sts", benchRegion, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The STS presign client (PresignGetCallerIdentity with the two
	// headers added by middleware), client reused.
	b.Run("sts-presign-client", func(b *testing.B) {
		pc := sts.NewPresignClient(sdkmint.NewClient(ac, benchRegion, false, false))
		b.ReportAllocs()
		for b.Loop() {
			u, err := sdkmint.PresignClientURL(pc, benchCluster, at)
			if err != nil {
				b.Fatal(err)
			}
			_ = sdkmint.Token(u)
		}
	})
	// aws-iam-authenticator's generator with an STS client made once
	// (eksctl's way).
	b.Run("authenticator-GetWithSTS", func(b *testing.B) {
		g, _ := authtoken.NewGenerator(false, false)
		client := sdkmint.NewClient(ac, benchRegion, false, false)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := g.GetWithSTS(benchCluster, client); err != nil {
				b.Fatal(err)
			}
		}
	})
	// aws-iam-authenticator's generator from scratch, as its CLI does per
	// run: config.LoadDefaultConfig (environment credentials, no shared
	// files, IMDS off), an STS client, the presign.
	b.Run("authenticator-GetWithOptions", func(b *testing.B) {
		for k, v := range map[string]string{
			"AWS_ACCESS_KEY_ID": c.AccessKeyID, "AWS_SECRET_ACCESS_KEY": c.SecretAccessKey, "AWS_SESSION_TOKEN": c.SessionToken,
			"AWS_REGION": benchRegion, "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
			"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "",
		} {
			b.Setenv(k, v)
		}
		g, _ := authtoken.NewGenerator(false, false)
		opts := &authtoken.GetTokenOptions{ClusterID: benchCluster, Region: benchRegion}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := g.GetWithOptions(context.Background(), opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkConcurrent reports tokens per second for 1, 2 and 4 goroutines
// sharing one Generator, each with its own buffer.
func BenchmarkConcurrent(b *testing.B) {
	c := benchCreds()
	ep, _ := token.ResolveEndpoint(token.EndpointConfig{Region: benchRegion})
	at := benchTime()
	for _, n := range []int{1, 2, 4} {
		b.Run("goroutines-"+string(rune('0'+n)), func(b *testing.B) {
			var g token.Generator
			if _, err := g.Get(c, benchCluster, ep, at); err != nil { // warm the key cache
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			per := b.N / n
			for w := 0; w < n; w++ {
				k := per
				if w == 0 {
					k += b.N % n
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					buf := make([]byte, 0, 2048)
					for range k {
						var err error
						if buf, err = g.Append(buf[:0], c, benchCluster, ep, at); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tokens/s")
		})
	}
}

// signerOnlyRequest is the request of the sigv4-presign benchmark.
func signerOnlyRequest(at time.Time) (*sigv4.Request, *sigv4.Options) {
	return &sigv4.Request{Host: benchHost, Path: "/",
			Query:   []sigv4.Param{{Key: "Action", Value: "GetCallerIdentity"}, {Key: "Version", Value: "2011-06-15"}},
			Headers: []sigv4.Param{{Key: "x-k8s-aws-id", Value: benchCluster}}},
		&sigv4.Options{Service: "sts", Region: benchRegion, Time: at, Expires: 60 * time.Second}
}

// sdkSignerOnlyRequest is the request of the sdk-presignhttp benchmark.
func sdkSignerOnlyRequest(tb testing.TB) *http.Request {
	r, err := http.NewRequest(http.MethodGet, "https://"+benchHost+"/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", nil)
	if err != nil {
		tb.Fatal(err)
	}
	r.Header.Set("x-k8s-aws-id", benchCluster)
	return r
}
