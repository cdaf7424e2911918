//go:build !nonet

package awshttp

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// ProxyConfig is the proxy environment: HTTP_PROXY, HTTPS_PROXY and
// NO_PROXY (or their lower-case forms).
type ProxyConfig struct {
	HTTPProxy, HTTPSProxy, NoProxy string
	// CGI is set when REQUEST_METHOD is: HTTP_PROXY then comes from a
	// client's Proxy: header ("httpoxy") and is refused.
	CGI bool
}

// FromEnvironment returns the proxy for a request to u as
// net/http.ProxyFromEnvironment would (golang.org/x/net/http/httpproxy):
//
//   - https URLs use HTTPS_PROXY (else https_proxy), http URLs HTTP_PROXY
//     (else http_proxy); the upper-case form wins when both are set. A value
//     without a scheme is taken as http://value.
//   - localhost and loopback IPs are never proxied.
//   - NO_PROXY is a comma-separated list: "*" disables proxying; an IP or a
//     CIDR block matches IP hosts; "example.com" matches that host and its
//     subdomains, ".example.com" and "*.example.com" only subdomains; any
//     entry may carry ":port" to match that port only.
//
// Unlike net/http it reads the environment on each call (net/http caches it
// for the process) and does not IDNA-convert non-ASCII names.
func FromEnvironment(u *url.URL) (*url.URL, error) {
	return ProxyConfig{
		HTTPProxy:  getenvAny("HTTP_PROXY", "http_proxy"),
		HTTPSProxy: getenvAny("HTTPS_PROXY", "https_proxy"),
		NoProxy:    getenvAny("NO_PROXY", "no_proxy"),
		CGI:        os.Getenv("REQUEST_METHOD") != "",
	}.ProxyFor(u)
}

func getenvAny(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// ProxyFor returns the proxy for a request to u, or nil for a direct
// connection. See FromEnvironment.
func (c ProxyConfig) ProxyFor(u *url.URL) (*url.URL, error) {
	var raw string
	switch u.Scheme {
	case "https":
		raw = c.HTTPSProxy
	case "http":
		raw = c.HTTPProxy
		if raw != "" && c.CGI {
			return nil, errors.New("refusing to use HTTP_PROXY in a CGI environment (REQUEST_METHOD is set)")
		}
	}
	if raw == "" {
		return nil, nil
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	if !c.useProxy(strings.ToLower(host), port) {
		return nil, nil
	}
	return parseProxy(raw)
}

func parseProxy(raw string) (*url.URL, error) {
	p, err := url.Parse(raw)
	if err != nil || p.Scheme == "" || p.Host == "" {
		if p2, err2 := url.Parse("http://" + raw); err2 == nil {
			return p2, nil
		}
	}
	if err != nil {
		// url.Parse errors quote the input, which may hold a password.
		return nil, errors.New("invalid proxy address in the proxy environment")
	}
	return p, nil
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

func (c ProxyConfig) useProxy(host, port string) bool {
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		return false
	}
	for _, p := range strings.Split(c.NoProxy, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if p == "*" {
			return false
		}
		if _, cidr, err := net.ParseCIDR(p); err == nil {
			if ip != nil && cidr.Contains(ip) {
				return false
			}
			continue
		}
		phost, pport, err := net.SplitHostPort(p)
		if err == nil {
			if phost == "" {
				continue // malformed entry
			}
			if phost[0] == '[' && phost[len(phost)-1] == ']' {
				phost = phost[1 : len(phost)-1]
			}
		} else {
			phost = p
		}
		if pip := net.ParseIP(phost); pip != nil {
			if ip != nil && pip.Equal(ip) && (pport == "" || pport == port) {
				return false
			}
			continue
		}
		if phost == "" {
			continue
		}
		if strings.HasPrefix(phost, "*.") {
			phost = phost[1:]
		}
		matchHost := false
		if phost[0] != '.' {
			matchHost = true
			phost = "." + phost
		}
		if (strings.HasSuffix(host, phost) || matchHost && host == phost[1:]) && (pport == "" || pport == port) {
			return false
		}
	}
	return true
}

// proxyAuth is the Proxy-Authorization value for p's userinfo, or "".
func proxyAuth(p *url.URL) string {
	if p.User == nil {
		return ""
	}
	pw, _ := p.User.Password()
	return "Basic " + base64Std(p.User.Username()+":"+pw)
}

func checkProxyScheme(p *url.URL) error {
	switch p.Scheme {
	case "http", "https":
		return nil
	}
	return fmt.Errorf("proxy scheme %q is not supported (http and https only)", p.Scheme)
}
