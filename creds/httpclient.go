//go:build !nonet

package creds

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/ekstoken/ekstoken/internal/awshttp"
)

// HTTPConfig says how the network credential sources reach AWS. The zero
// value trusts the system roots and honours the proxy environment variables.
//
// Nothing here is touched until a source is about to make a request: the
// static-key path never parses a CA bundle (about 4 ms for a corporate
// bundle) or builds a client.
//
// Requests go through internal/awshttp, a minimal HTTP/1.1 client, not
// net/http (which would cost the binary 1.2 MB): one request per
// connection, no HTTP/2, no redirects; see that package for the details.
type HTTPConfig struct {
	// CABundle is the path of a PEM file of trusted roots: AWS_CA_BUNDLE,
	// else the profile's ca_bundle. When set it REPLACES the system roots,
	// as the AWS CLI does (botocore hands the path to urllib3 as `verify`);
	// a corporate TLS-inspecting proxy's bundle usually contains the public
	// roots too. A file without a single PEM certificate is an error rather
	// than an empty trust store.
	CABundle string

	// Proxy picks the proxy for a request URL; nil means the proxy
	// environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, and their lower-case
	// forms) with net/http's ProxyFromEnvironment semantics. Requests to
	// link-local addresses (IMDS, the ECS and EKS Pod Identity agents) never
	// go through a proxy: no proxy can reach the instance's own link-local
	// services, and the AWS CLI docs tell users to put 169.254.169.254 in
	// NO_PROXY for that reason. Loopback is never proxied either (net/http's
	// rule).
	Proxy func(*url.URL) (*url.URL, error)

	// do, when non-nil, sends every request instead of a client built from
	// the fields above (tests that forward requests to a loopback fake).
	do doFunc
}

// doFunc sends one request and reads the whole answer.
type doFunc func(context.Context, *awshttp.Request) (*awshttp.Response, error)

// httpClient is the lazily built client shared by every source of one
// resolution. It is safe for concurrent use.
type httpClient struct {
	cfg  HTTPConfig
	once sync.Once
	do   doFunc
	err  error
}

func newHTTPClient(cfg HTTPConfig) *httpClient { return &httpClient{cfg: cfg} }

// get builds the client on first use. The client has no overall timeout:
// each source bounds its own requests with a context deadline (1 s for IMDS,
// longer for STS). Redirects are never followed: a credential endpoint that
// redirects is misconfigured or hostile, and following it would carry bearer
// tokens elsewhere.
func (h *httpClient) get() (doFunc, error) {
	if h == nil {
		h = newHTTPClient(HTTPConfig{}) // a source used without a client: the default one
	}
	h.once.Do(func() {
		if h.cfg.do != nil {
			h.do = h.cfg.do
			return
		}
		c := &awshttp.Client{Proxy: skipLinkLocal(h.cfg.Proxy), MaxBody: maxResponse}
		if h.cfg.CABundle != "" {
			pool, err := loadCABundle(h.cfg.CABundle)
			if err != nil {
				h.err = err
				return
			}
			c.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
		h.do = c.Do
	})
	return h.do, h.err
}

func loadCABundle(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("CA bundle (AWS_CA_BUNDLE or ca_bundle): %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA bundle %s (AWS_CA_BUNDLE or ca_bundle) holds no PEM certificate", path)
	}
	return pool, nil
}

func skipLinkLocal(proxy func(*url.URL) (*url.URL, error)) func(*url.URL) (*url.URL, error) {
	if proxy == nil {
		proxy = awshttp.FromEnvironment
	}
	return func(u *url.URL) (*url.URL, error) {
		if ip := net.ParseIP(u.Hostname()); ip != nil && (ip.IsLinkLocalUnicast() || ip.IsLoopback() || isEC2LinkLocalV6(ip)) {
			return nil, nil
		}
		return proxy(u)
	}
}

// isEC2LinkLocalV6 reports the IPv6 addresses of IMDS (fd00:ec2::254) and the
// EKS Pod Identity agent (fd00:ec2::23): unique-local, not link-local, but
// only reachable from the instance itself.
func isEC2LinkLocalV6(ip net.IP) bool {
	v6 := ip.To16()
	return ip.To4() == nil && v6 != nil && v6[0] == 0xfd && v6[1] == 0x00 && v6[2] == 0x0e && v6[3] == 0xc2
}

// maxResponse bounds what a credential endpoint may send back.
const maxResponse = 1 << 20

// retryPolicy bounds the attempts of one network call and spaces them with
// capped exponential backoff and full jitter, so that twenty kubectl
// processes throttled together do not come back in lock step.
// orDefault is r with the default of 3 attempts when none is set.
func (r retryPolicy) orDefault() retryPolicy {
	if r.Attempts == 0 {
		r.Attempts = 3
	}
	return r
}

type retryPolicy struct {
	Attempts int           // total attempts, at least 1
	Base     time.Duration // first backoff ceiling
	Max      time.Duration // backoff ceiling cap
	// Sleep waits d or until ctx is done; nil means a real timer. Tests
	// replace it to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (p retryPolicy) attempts() int { return max(p.Attempts, 1) }

// wait sleeps before attempt number n+1 (n ≥ 1 attempts done).
func (p retryPolicy) wait(ctx context.Context, n int) error {
	base, ceil := p.Base, p.Max
	if base <= 0 {
		base = 100 * time.Millisecond
	}
	if ceil <= 0 {
		ceil = 2 * time.Second
	}
	d := base << min(n-1, 10)
	d = min(d, ceil)
	d = time.Duration(rand.Int64N(int64(d)) + 1)
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isTimeout reports a transport-level timeout (the per-attempt deadline or a
// dial/TLS timeout).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// describeTransportError shortens a transport error to what a user can act on.
func describeTransportError(err error, timeout time.Duration) string {
	if isTimeout(err) {
		return fmt.Sprintf("no answer within %v", timeout)
	}
	return err.Error()
}
