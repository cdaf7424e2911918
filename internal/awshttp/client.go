//go:build !nonet

package awshttp

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Request is one HTTP request. Body is sent whole with a Content-Length.
type Request struct {
	Method string // "" means GET
	URL    *url.URL
	// Host, when set, is sent as the Host header instead of URL.Host (tests
	// that send a request built for an AWS host to a loopback fake).
	Host string
	// Header holds the caller's fields, sent in order after Host and
	// User-Agent. Host, Content-Length, Connection and Transfer-Encoding
	// fields here are ignored: Do writes its own.
	Header Header
	Body   []byte
}

// Client sends requests. The zero value dials directly or through the
// proxy environment, trusts the system roots and caps bodies at 1 MiB. A
// Client is safe for concurrent use if its fields are not changed.
type Client struct {
	// Timeout, when positive, bounds each Do on top of the context.
	Timeout time.Duration
	// TLSConfig is cloned for each connection; ServerName is set to the
	// URL's host and MinVersion raised to TLS 1.2. nil means system roots.
	TLSConfig *tls.Config
	// Proxy picks the proxy for a URL; nil means FromEnvironment. Return
	// nil for a direct connection.
	Proxy func(*url.URL) (*url.URL, error)
	// DialContext dials TCP; nil means a net.Dialer with a 5 s timeout.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// UserAgent is sent unless the request sets one; "" means "ekstoken".
	UserAgent string
	// MaxBody caps a response body; 0 means DefaultMaxBody, < 0 no cap.
	MaxBody int64
}

// Do sends r and reads the whole response. Any status is a response, not an
// error; redirects are not followed. Errors are transport errors; when the
// context ends first the error wraps ctx.Err(). Errors never quote header
// values or bodies of the request.
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	if r.URL == nil || r.URL.Host == "" {
		return nil, errors.New("request URL has no host")
	}
	if r.URL.Scheme != "http" && r.URL.Scheme != "https" {
		return nil, fmt.Errorf("unsupported URL scheme %q", r.URL.Scheme)
	}
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	proxyFn := c.Proxy
	if proxyFn == nil {
		proxyFn = FromEnvironment
	}
	proxy, err := proxyFn(r.URL)
	if err != nil {
		return nil, err
	}
	if proxy != nil {
		if err := checkProxyScheme(proxy); err != nil {
			return nil, err
		}
	}
	resp, err := c.do(ctx, r, proxy)
	if err != nil {
		if cerr := ctxErr(ctx); cerr != nil {
			return nil, fmt.Errorf("%w (%v)", cerr, err)
		}
		return nil, err
	}
	return resp, nil
}

// ctxErr is ctx.Err(), or DeadlineExceeded once the deadline has passed
// (a connection deadline set from it may fire before the context's timer).
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func (c *Client) do(ctx context.Context, r *Request, proxy *url.URL) (*Response, error) {
	target := hostPort(r.URL)
	addr := target
	if proxy != nil {
		addr = hostPort(proxy)
	}
	conn, err := c.dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// Deadline and cancellation: the deadline bounds every read and write,
	// and cancelling the context unblocks them at once.
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if proxy != nil && proxy.Scheme == "https" {
		tc, err := c.handshake(ctx, conn, proxy.Hostname())
		if err != nil {
			return nil, fmt.Errorf("TLS handshake with proxy %s: %w", proxy.Host, err)
		}
		conn = tc
	}
	br := bufio.NewReaderSize(conn, 4096)
	absolute := false
	if proxy != nil && r.URL.Scheme == "https" {
		if err := connectTunnel(conn, br, proxy, target); err != nil {
			return nil, err
		}
	} else if proxy != nil {
		absolute = true
	}
	if r.URL.Scheme == "https" {
		tc, err := c.handshake(ctx, conn, r.URL.Hostname())
		if err != nil {
			return nil, fmt.Errorf("TLS handshake with %s: %w", r.URL.Host, err)
		}
		conn = tc
		br = bufio.NewReaderSize(conn, 4096)
	}
	msg, err := c.appendRequest(nil, r, proxy, absolute)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(msg); err != nil {
		return nil, fmt.Errorf("sending request: %w", err)
	}
	maxBody := c.MaxBody
	if maxBody == 0 {
		maxBody = DefaultMaxBody
	}
	method := r.Method
	if method == "" {
		method = "GET"
	}
	resp, err := readResponse(br, method, maxBody)
	if err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	return resp, nil
}

func (c *Client) dial(ctx context.Context, addr string) (net.Conn, error) {
	if c.DialContext != nil {
		return c.DialContext(ctx, "tcp", addr)
	}
	if loopbackOnly.Load() {
		if err := checkLoopback(addr); err != nil {
			return nil, err
		}
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	return d.DialContext(ctx, "tcp", addr)
}

// loopbackOnly makes every dial to anything but a loopback IP address
// fail at once: test binaries set it (RestrictToLoopback) so that no test
// can reach a real AWS endpoint, resolve one, or wait on IMDS.
var loopbackOnly atomic.Bool

// RestrictToLoopback is for tests: from now on this process dials only
// loopback addresses (127.0.0.0/8, ::1, localhost); any other address fails
// with an error naming it.
func RestrictToLoopback() { loopbackOnly.Store(true) }

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() || host == "localhost" {
		return nil
	}
	return fmt.Errorf("awshttp: test process may dial only loopback addresses, not %s", addr)
}

func (c *Client) handshake(ctx context.Context, conn net.Conn, serverName string) (*tls.Conn, error) {
	var cfg *tls.Config
	if c.TLSConfig != nil {
		cfg = c.TLSConfig.Clone()
	} else {
		cfg = new(tls.Config)
	}
	if cfg.ServerName == "" {
		cfg.ServerName = serverName
	}
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	cfg.NextProtos = []string{"http/1.1"}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	return tc, nil
}

// connectTunnel asks an HTTP proxy for a tunnel to target (RFC 9110 §9.3.6).
func connectTunnel(conn net.Conn, br *bufio.Reader, proxy *url.URL, target string) error {
	var b []byte
	b = append(b, "CONNECT "...)
	b = append(b, target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, target...)
	b = append(b, "\r\n"...)
	if a := proxyAuth(proxy); a != "" {
		b = append(b, "Proxy-Authorization: "...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	if _, err := conn.Write(b); err != nil {
		return fmt.Errorf("proxy %s: %w", proxy.Host, err)
	}
	resp, err := readHead(br)
	if err != nil {
		return fmt.Errorf("proxy %s CONNECT: %w", proxy.Host, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("proxy %s refused CONNECT to %s: %s", proxy.Host, target, resp.Status)
	}
	if br.Buffered() > 0 {
		return fmt.Errorf("proxy %s sent data before the tunnel was used", proxy.Host)
	}
	return nil
}

// appendRequest writes the request head and body.
func (c *Client) appendRequest(b []byte, r *Request, proxy *url.URL, absolute bool) ([]byte, error) {
	method := r.Method
	if method == "" {
		method = "GET"
	}
	if !isToken(method) {
		return nil, fmt.Errorf("invalid method %q", clip(method))
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	target := requestURI(r.URL)
	if absolute {
		target = r.URL.Scheme + "://" + host + target
	}
	if !validField(host) || !validField(target) || strings.ContainsAny(target, " ") {
		return nil, errors.New("invalid request URL or host")
	}
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	ua := c.UserAgent
	if ua == "" {
		ua = "ekstoken"
	}
	if r.Header.Get("User-Agent") == "" {
		b = appendField(b, "User-Agent", ua)
	}
	for _, f := range r.Header {
		switch strings.ToLower(f[0]) {
		case "host", "content-length", "connection", "transfer-encoding":
			continue // ours
		}
		if !isToken(f[0]) || !validField(f[1]) {
			// The value is not quoted: it may be a credential.
			return nil, fmt.Errorf("invalid value or name of request header %q", clip(f[0]))
		}
		b = appendField(b, f[0], f[1])
	}
	if len(r.Body) > 0 || method == "POST" || method == "PUT" || method == "PATCH" {
		b = appendField(b, "Content-Length", strconv.Itoa(len(r.Body)))
	}
	if absolute {
		if a := proxyAuth(proxy); a != "" {
			b = appendField(b, "Proxy-Authorization", a)
		}
	}
	b = append(b, "Connection: close\r\n\r\n"...)
	b = append(b, r.Body...)
	return b, nil
}

func appendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	return append(b, "\r\n"...)
}

// validField reports a value with no CR, LF or NUL.
func validField(v string) bool {
	return !strings.ContainsAny(v, "\r\n\x00")
}

// requestURI is u's origin-form target. A path without its leading slash
// (what url.URL.JoinPath makes of an empty path) gets one, as net/http's
// URL.String round trip would give it.
func requestURI(u *url.URL) string {
	t := u.RequestURI()
	if u.Opaque == "" && !strings.HasPrefix(t, "/") {
		t = "/" + t
	}
	return t
}

// hostPort is u's host:port with the scheme's default port.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
