// Package awshttp is the minimal HTTP/1.1 client through which ekstoken
// calls AWS: STS, SSO, the ECS/EKS container credential agents, IMDS and
// EKS DescribeCluster.
//
// It exists because net/http costs about 1.2 MB of a 7 MB budget for the
// static ekstoken binary, and these calls need a tiny fraction of it: one
// request with a small, fully buffered body per connection, a small response
// read whole into memory, no redirects, no cookies, no HTTP/2, no keep-alive.
// Tests may keep using net/http/httptest as the fake servers; only the
// binary must not link net/http.
//
// What it does: HTTP/1.1 over net.Dialer and crypto/tls (SNI, TLS 1.2 or
// later, system roots or a caller's pool), "Connection: close", one request
// per connection; the response body framed by Content-Length, chunked
// transfer coding (trailers read and dropped) or connection close; body and
// header sizes capped; the context's deadline and cancellation bound the whole
// exchange; proxies from the environment with the semantics of net/http's
// ProxyFromEnvironment (see FromEnvironment), https targets tunnelled with
// CONNECT.
//
// Differences from net/http a caller may notice, all deliberate:
//   - No connection reuse: each Do dials (and handshakes) afresh. The
//     command makes one to three calls per run, so a pool would never be hit.
//   - No redirects are followed: a 3xx is returned as is (a credential
//     endpoint that redirects would carry bearer tokens elsewhere).
//   - HTTP/1.1 only; no HTTP/2 (ALPN offers only http/1.1).
//   - No automatic gzip: Accept-Encoding is never sent.
//   - 1xx interim responses are skipped; 101 Switching Protocols is an error.
//   - A response body over Client.MaxBody (default 1 MiB) or a header block
//     over 64 KiB is an error, not a truncated read.
//   - Obsolete line folding in response headers is rejected (RFC 9112 §5.2
//     allows a client to reject it), as are header names that are not tokens.
//   - An HTTP/1.0 response with Transfer-Encoding is an error (RFC 9112 §6.1:
//     faulty framing); net/http ignores the header and reads to close.
//   - Proxies: http:// and https:// proxy URLs only; socks5 is an error.
//     Non-ASCII host names are not IDNA-converted for NO_PROXY matching
//     (AWS host names are ASCII). The environment is read on every call
//     rather than cached once per process.
package awshttp
