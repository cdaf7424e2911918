//go:build !nonet

package awshttp

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var direct = func(*url.URL) (*url.URL, error) { return nil, nil }

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// rawServer answers one connection with answer (after reading the request
// head) and sends what it read on the returned channel.
func rawServer(t *testing.T, answer string) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		var head strings.Builder
		for {
			l, err := br.ReadString('\n')
			head.WriteString(l)
			if err != nil || l == "\r\n" {
				break
			}
		}
		got <- head.String()
		io.WriteString(c, answer)
	}()
	return "http://" + ln.Addr().String(), got
}

func TestDoRequestOnTheWire(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.URL.RequestURI() != "/p?a=1" || r.Host != "sts.example" || r.ContentLength != 5 || string(b) != "x=y&z" ||
			r.Header.Get("User-Agent") != "ekstoken" || r.Header.Get("X-Amz-Thing") != "v" || !r.Close {
			t.Errorf("server saw %s %s host %s len %d body %q header %v close %v", r.Method, r.URL, r.Host, r.ContentLength, b, r.Header, r.Close)
		}
		w.Header().Set("X-Answer", "yes")
		io.WriteString(w, "answer")
	}))
	defer srv.Close()
	c := &Client{Proxy: direct}
	resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: mustURL(t, srv.URL+"/p?a=1"), Host: "sts.example",
		Header: Header{{"X-Amz-Thing", "v"}}, Body: []byte("x=y&z")})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(resp.Body) != "answer" || resp.Header.Get("x-answer") != "yes" {
		t.Errorf("got %d %q %v", resp.StatusCode, resp.Body, resp.Header)
	}
}

func TestDoFramingFromServer(t *testing.T) {
	// A streamed (chunked) answer from net/http's server, and a large one
	// with a Content-Length.
	big := strings.Repeat("0123456789", 50_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.Header().Set("Trailer", "X-T")
			io.WriteString(w, "part1,")
			w.(http.Flusher).Flush()
			io.WriteString(w, "part2")
			w.Header().Set("X-T", "trailer")
			return
		}
		w.Header().Set("Content-Length", "500000")
		io.WriteString(w, big)
	}))
	defer srv.Close()
	c := &Client{Proxy: direct}
	resp, err := c.Do(context.Background(), &Request{URL: mustURL(t, srv.URL+"/chunked")})
	if err != nil || string(resp.Body) != "part1,part2" || resp.Header.Get("Transfer-Encoding") != "chunked" {
		t.Errorf("chunked: %v %v", resp, err)
	}
	resp, err = c.Do(context.Background(), &Request{URL: mustURL(t, srv.URL+"/big")})
	if err != nil || string(resp.Body) != big {
		t.Errorf("content-length: %v", err)
	}
	small := &Client{Proxy: direct, MaxBody: 1000}
	if _, err := small.Do(context.Background(), &Request{URL: mustURL(t, srv.URL+"/big")}); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("over MaxBody: %v", err)
	}
}

func TestDoRawAnswers(t *testing.T) {
	u, _ := rawServer(t, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n")
	resp, err := (&Client{Proxy: direct}).Do(context.Background(), &Request{URL: mustURL(t, u)})
	if err != nil || string(resp.Body) != "abc" {
		t.Errorf("chunked: %v %v", resp, err)
	}
	u, _ = rawServer(t, "HTTP/1.0 200 OK\r\n\r\nuntil close")
	resp, err = (&Client{Proxy: direct}).Do(context.Background(), &Request{URL: mustURL(t, u)})
	if err != nil || string(resp.Body) != "until close" {
		t.Errorf("read to close: %v %v", resp, err)
	}
	u, _ = rawServer(t, "garbage\r\n\r\n")
	if _, err = (&Client{Proxy: direct}).Do(context.Background(), &Request{URL: mustURL(t, u)}); err == nil || !strings.Contains(err.Error(), `reading response: malformed status line "garbage"`) {
		t.Errorf("garbage: %v", err)
	}
	u, _ = rawServer(t, "")
	if _, err = (&Client{Proxy: direct}).Do(context.Background(), &Request{URL: mustURL(t, u)}); err == nil || !strings.Contains(err.Error(), "connection closed before a response") {
		t.Errorf("closed: %v", err)
	}
}

func TestDoRejectsBadRequests(t *testing.T) {
	secret := "hunter2\r\nX-Injected: 1"
	for name, r := range map[string]*Request{
		"header injection": {URL: mustURL(t, "http://127.0.0.1/"), Header: Header{{"Authorization", secret}}},
		"bad header name":  {URL: mustURL(t, "http://127.0.0.1/"), Header: Header{{"Bad Name", "v"}}},
		"bad method":       {Method: "GE T", URL: mustURL(t, "http://127.0.0.1/")},
		"host injection":   {URL: mustURL(t, "http://127.0.0.1/"), Host: "a\r\nb"},
		"ftp":              {URL: mustURL(t, "ftp://127.0.0.1/")},
		"no host":          {URL: mustURL(t, "http:///x")},
	} {
		// The dial hook hands out a pipe that discards what is written: a
		// request that should be rejected must fail rather than be sent.
		c2 := Client{Proxy: direct}
		c2.DialContext = func(ctx context.Context, n, a string) (net.Conn, error) {
			p1, p2 := net.Pipe()
			go io.Copy(io.Discard, p2)
			t.Cleanup(func() { p1.Close(); p2.Close() })
			return p1, nil
		}
		_, err := c2.Do(context.Background(), r)
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error quotes the header value: %v", name, err)
		}
	}
}

func TestDoContext(t *testing.T) {
	// A server that accepts and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	u := mustURL(t, "http://"+ln.Addr().String()+"/")
	c := &Client{Proxy: direct}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Do(ctx, &Request{URL: u}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := c.Do(ctx, &Request{URL: u}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}

	c.Timeout = 50 * time.Millisecond
	if _, err := c.Do(context.Background(), &Request{URL: u}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Client.Timeout: %v", err)
	}
}

func TestDoTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || r.TLS.Version < tls.VersionTLS12 || r.ProtoMajor != 1 {
			t.Errorf("TLS %v proto %s", r.TLS, r.Proto)
		}
		io.WriteString(w, "secure")
	}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	u := mustURL(t, srv.URL)
	c := &Client{Proxy: direct, TLSConfig: &tls.Config{RootCAs: pool}}
	resp, err := c.Do(context.Background(), &Request{URL: u})
	if err != nil || string(resp.Body) != "secure" {
		t.Fatalf("%v %v", resp, err)
	}
	// The name is checked: the test certificate is for example.com and
	// 127.0.0.1, not for localhost.
	u2 := mustURL(t, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1))
	if _, err := c.Do(context.Background(), &Request{URL: u2}); err == nil || !strings.Contains(err.Error(), "TLS handshake") {
		t.Errorf("wrong name: %v", err)
	}
	// Without the root, the system roots do not trust it.
	if _, err := (&Client{Proxy: direct}).Do(context.Background(), &Request{URL: u}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted: %v", err)
	}
}

// connectProxy is a tiny HTTP proxy: CONNECT tunnels, and absolute-form
// requests forwarded by net/http. It counts requests and checks
// Proxy-Authorization when auth is set.
type connectProxy struct {
	auth     string
	connects atomic.Int32
	forwards atomic.Int32
}

func (p *connectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.auth != "" && r.Header.Get("Proxy-Authorization") != p.auth {
		w.WriteHeader(http.StatusProxyAuthRequired)
		return
	}
	if r.Method != http.MethodConnect {
		p.forwards.Add(1)
		if !r.URL.IsAbs() {
			http.Error(w, "not absolute-form", 400)
			return
		}
		r.RequestURI = ""
		r.Header.Del("Proxy-Authorization")
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
		return
	}
	p.connects.Add(1)
	up, err := net.Dial("tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), 502)
		return
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		up.Close()
		return
	}
	io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() { io.Copy(up, conn); up.Close() }()
	io.Copy(conn, up)
	conn.Close()
}

func TestDoThroughProxy(t *testing.T) {
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "via "+r.Host) }))
	defer target.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "plain "+r.URL.Path) }))
	defer plain.Close()
	p := &connectProxy{auth: "Basic " + base64.StdEncoding.EncodeToString([]byte("user:p@ss"))}
	proxy := httptest.NewServer(p)
	defer proxy.Close()
	pu := mustURL(t, proxy.URL)
	pu.User = url.UserPassword("user", "p@ss")
	pool := x509.NewCertPool()
	pool.AddCert(target.Certificate())
	c := &Client{TLSConfig: &tls.Config{RootCAs: pool}, Proxy: func(*url.URL) (*url.URL, error) { return pu, nil }}

	resp, err := c.Do(context.Background(), &Request{URL: mustURL(t, target.URL)})
	if err != nil || !strings.HasPrefix(string(resp.Body), "via 127.0.0.1:") || p.connects.Load() != 1 {
		t.Fatalf("CONNECT: %v %v, %d CONNECTs", resp, err, p.connects.Load())
	}
	resp, err = c.Do(context.Background(), &Request{URL: mustURL(t, plain.URL+"/x")})
	if err != nil || string(resp.Body) != "plain /x" || p.forwards.Load() != 1 {
		t.Fatalf("absolute-form: %v %v, %d forwards", resp, err, p.forwards.Load())
	}
	// Wrong credentials: CONNECT refused, a clear error without them.
	pu.User = url.UserPassword("user", "wrong-secret")
	_, err = c.Do(context.Background(), &Request{URL: mustURL(t, target.URL)})
	if err == nil || !strings.Contains(err.Error(), "refused CONNECT") || !strings.Contains(err.Error(), "407") || strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("refused: %v", err)
	}
	pu.Scheme = "socks5"
	if _, err = c.Do(context.Background(), &Request{URL: mustURL(t, target.URL)}); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("socks5: %v", err)
	}
}

// An https:// proxy: TLS to the proxy, CONNECT, TLS to the target inside.
func TestDoThroughTLSProxy(t *testing.T) {
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "inner") }))
	defer target.Close()
	p := &connectProxy{}
	proxy := httptest.NewTLSServer(p)
	defer proxy.Close()
	pool := x509.NewCertPool()
	pool.AddCert(target.Certificate())
	pool.AddCert(proxy.Certificate())
	pu := mustURL(t, proxy.URL)
	c := &Client{TLSConfig: &tls.Config{RootCAs: pool}, Proxy: func(*url.URL) (*url.URL, error) { return pu, nil }}
	resp, err := c.Do(context.Background(), &Request{URL: mustURL(t, target.URL)})
	if err != nil || string(resp.Body) != "inner" || p.connects.Load() != 1 {
		t.Fatalf("%v %v, %d CONNECTs", resp, err, p.connects.Load())
	}
}

func TestDoProxyFromEnvironment(t *testing.T) {
	var hits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "proxied "+r.URL.String())
	}))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("REQUEST_METHOD", "")
	// The request is never dialled directly: the proxy answers for a host
	// that does not resolve.
	resp, err := (&Client{}).Do(context.Background(), &Request{URL: mustURL(t, "http://sts.invalid/")})
	if err != nil || string(resp.Body) != "proxied http://sts.invalid/" || hits.Load() != 1 {
		t.Fatalf("%v %v", resp, err)
	}
	// Loopback is never proxied.
	direct := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "direct") }))
	defer direct.Close()
	resp, err = (&Client{}).Do(context.Background(), &Request{URL: mustURL(t, direct.URL)})
	if err != nil || string(resp.Body) != "direct" || hits.Load() != 1 {
		t.Fatalf("loopback: %v %v", resp, err)
	}
}

func TestProxyFor(t *testing.T) {
	const hp, hsp = "http://hp:3128", "http://hsp:3128"
	for _, c := range []struct {
		noProxy, url, want string
	}{
		{"", "https://sts.amazonaws.com/", hsp},
		{"", "http://sts.amazonaws.com/", hp},
		{"", "http://localhost/", ""},
		{"", "http://127.0.0.1:8080/", ""},
		{"", "http://[::1]/", ""},
		{"*", "https://sts.amazonaws.com/", ""},
		{"amazonaws.com", "https://sts.amazonaws.com/", ""},
		{"amazonaws.com", "https://amazonaws.com/", ""},
		{"amazonaws.com", "https://notamazonaws.com/", hsp},
		{".amazonaws.com", "https://sts.amazonaws.com/", ""},
		{".amazonaws.com", "https://amazonaws.com/", hsp},
		{"*.amazonaws.com", "https://sts.amazonaws.com/", ""},
		{"*.amazonaws.com", "https://amazonaws.com/", hsp},
		{" other.com , AmazonAWS.com ", "https://STS.amazonaws.com/", ""},
		{"amazonaws.com:443", "https://sts.amazonaws.com/", ""},
		{"amazonaws.com:8443", "https://sts.amazonaws.com/", hsp},
		{"amazonaws.com:8443", "https://sts.amazonaws.com:8443/", ""},
		{"169.254.169.254", "http://169.254.169.254/latest", ""},
		{"169.254.169.254:80", "http://169.254.169.254/latest", ""},
		{"169.254.169.254:81", "http://169.254.169.254/latest", hp},
		{"169.254.0.0/16", "http://169.254.170.2/v2/credentials", ""},
		{"10.0.0.0/8", "http://169.254.170.2/", hp},
		{"fd00:ec2::/32", "http://[fd00:ec2::254]/", ""},
		{"[fd00:ec2::254]:80", "http://[fd00:ec2::254]/", ""},
		{"fd00:ec2::254", "http://[fd00:ec2::254]:8080/", ""},
		{":80", "http://example.com/", hp},
	} {
		got, err := ProxyConfig{HTTPProxy: hp, HTTPSProxy: hsp, NoProxy: c.noProxy}.ProxyFor(mustURL(t, c.url))
		gs := ""
		if got != nil {
			gs = got.String()
		}
		if err != nil || gs != c.want {
			t.Errorf("NO_PROXY=%q %s: got %q %v, want %q", c.noProxy, c.url, gs, err, c.want)
		}
	}
	// A proxy value without a scheme is http://value.
	got, err := ProxyConfig{HTTPSProxy: "corp-proxy:8080"}.ProxyFor(mustURL(t, "https://sts.amazonaws.com/"))
	if err != nil || got.String() != "http://corp-proxy:8080" {
		t.Errorf("schemeless: %v %v", got, err)
	}
	// httpoxy: HTTP_PROXY is refused under CGI, HTTPS_PROXY is not.
	if _, err := (ProxyConfig{HTTPProxy: hp, CGI: true}).ProxyFor(mustURL(t, "http://x/")); err == nil {
		t.Error("CGI HTTP_PROXY used")
	}
	if got, err := (ProxyConfig{HTTPSProxy: hsp, CGI: true}).ProxyFor(mustURL(t, "https://x/")); err != nil || got == nil {
		t.Errorf("CGI HTTPS_PROXY: %v %v", got, err)
	}
}

func TestFromEnvironmentNames(t *testing.T) {
	t.Setenv("REQUEST_METHOD", "")
	t.Setenv("HTTPS_PROXY", "")
	t.Setenv("https_proxy", "http://lower:1")
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "skip.example")
	u := mustURL(t, "https://sts.amazonaws.com/")
	if p, err := FromEnvironment(u); err != nil || p == nil || p.Host != "lower:1" {
		t.Errorf("lower-case https_proxy: %v %v", p, err)
	}
	t.Setenv("HTTPS_PROXY", "http://upper:1")
	if p, err := FromEnvironment(u); err != nil || p == nil || p.Host != "upper:1" {
		t.Errorf("HTTPS_PROXY wins: %v %v", p, err)
	}
	if p, err := FromEnvironment(mustURL(t, "https://a.skip.example/")); err != nil || p != nil {
		t.Errorf("lower-case no_proxy: %v %v", p, err)
	}
}
