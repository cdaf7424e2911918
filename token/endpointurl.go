package token

import (
	"fmt"
	"strings"
)

// parseEndpointURL accepts an absolute http or https URL with a host and
// nothing but an optional path: no user info, query or fragment (they
// cannot be part of a presigned STS URL).
//
// It reads the URL by hand, not with net/url, for the size of the offline
// binary (-tags nonet), which has to stay under 3,000,000 bytes: net/url
// brings net/netip, unique and weak with it, and their package
// initialisation stays linked as long as a package of the binary imports
// net/url, even if none of its functions is called. Without them the
// stripped binary is about 86 KB smaller (Go 1.26, linux/amd64).
//
// It accepts a subset of what the net/url version (url.Parse and the checks
// after it, kept as the oracle in endpointurl_oracle_test.go) accepted,
// and for every URL it accepts returns the same Endpoint: Host is
// url.URL.Host lower-cased (with an IPv6 zone and a "%25" in a host name
// unescaped, as net/url does), Path is url.URL.EscapedPath (the path as
// written when it is a valid escaping, else the unescaped path escaped
// again), or "/" when that is empty. FuzzParseEndpointURL holds it to that.
// It rejects on purpose only these URLs the net/url version accepted:
//
//   - a port without a host name ("https://:443/", "https://:"), which
//     net/url takes as the host ":443": rejected as having no host;
//   - more than one colon in a host name ("https://a:b:443"), which net/url
//     accepts only under GODEBUG=urlstrictcolons=0: rejected as a bad port.
//
// Everything else net/url took is still taken, down to its quirks: an empty
// port ("https://host:/"), any number of port digits, an empty fragment
// ("https://host/#"), IPv6 zones ("[fe80::1%25en0]") and the characters
// !$&'()*+,;="<>] and "%25" in a host name.
func parseEndpointURL(s string) (Endpoint, error) {
	ep, why := readEndpointURL(s)
	if why != "" {
		return Endpoint{}, fmt.Errorf("endpoint URL %q%s", s, why)
	}
	return ep, nil
}

// readEndpointURL is parseEndpointURL, returning why s is not an endpoint
// URL as the end of the error message.
func readEndpointURL(s string) (Endpoint, string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			return Endpoint{}, ": control character"
		}
	}
	// Like url.Parse: the fragment goes first, then the scheme, then the
	// query; an empty fragment is no fragment.
	s0, frag, _ := strings.Cut(s, "#")
	colon := strings.IndexByte(s0, ':')
	scheme := ""
	if colon > 0 && isASCIILetters(s0[:colon]) {
		scheme = strings.ToLower(s0[:colon])
	}
	if scheme != "https" && scheme != "http" {
		return Endpoint{}, ": scheme must be https or http"
	}
	rest := s0[colon+1:]
	if !strings.HasPrefix(rest, "//") {
		return Endpoint{}, " has no host"
	}
	if frag != "" || strings.IndexByte(rest, '?') >= 0 {
		return Endpoint{}, ": only scheme, host, port and path are allowed"
	}
	authority, path := rest[2:], ""
	if i := strings.IndexByte(authority, '/'); i >= 0 {
		authority, path = authority[:i], authority[i:]
	}
	if strings.IndexByte(authority, '@') >= 0 {
		return Endpoint{}, ": only scheme, host, port and path are allowed"
	}
	host, why := endpointHost(authority)
	if why != "" {
		return Endpoint{}, why
	}
	path, ok := escapedPath(path)
	if !ok {
		return Endpoint{}, ": bad %-escape in path"
	}
	if path == "" {
		path = "/"
	}
	return Endpoint{Scheme: scheme, Host: strings.ToLower(host), Path: path, Custom: true}, ""
}

// endpointHost returns host[:port] of an authority without user info as
// url.URL.Host has it, or why it is not one (a suffix for the error).
func endpointHost(a string) (host, why string) {
	if strings.HasPrefix(a, "[") {
		end := strings.LastIndexByte(a, ']')
		if end < 0 {
			return "", ": bad IPv6 address in host"
		}
		if !isOptionalPort(a[end+1:]) {
			return "", ": bad port"
		}
		// RFC 6874: "%25" starts the zone, which may be escaped further.
		addr, zone, hasZone := strings.Cut(a[1:end], "%25")
		if !isIPv6(addr) {
			return "", ": bad IPv6 address in host"
		}
		if hasZone {
			z, ok := unescapeHost(zone, true)
			if !ok || z == "" {
				return "", ": bad character in host"
			}
			addr += "%" + z
		}
		return "[" + addr + "]" + a[end+1:], ""
	}
	name, port := a, ""
	if i := strings.IndexByte(a, ':'); i >= 0 {
		name, port = a[:i], a[i:]
	}
	if !isOptionalPort(port) {
		return "", ": bad port"
	}
	if name == "" {
		return "", " has no host"
	}
	name, ok := unescapeHost(name, false)
	if !ok {
		return "", ": bad character in host"
	}
	return name + port, ""
}

// hostPunct are the characters besides letters and digits that net/url
// lets through unescaped in a host (and an IPv6 zone).
const hostPunct = "-_.~!$&'()*+,;=:[]<>\""

// unescapeHost unescapes a host name or (zone) an IPv6 zone the way
// net/url does, keeping only what net/url and the old check after it
// (printable ASCII) accepted: characters of hostPunct other than '[',
// letters and digits; "%25" for '%'; and in a zone also the escape of any
// character of hostPunct, a letter or a digit.
func unescapeHost(s string, zone bool) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, hostChars(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", false
			}
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			if c != '%' && (!zone || !isHostChar(c)) {
				return "", false
			}
			i += 2
		} else if c == '[' || !isHostChar(c) {
			return "", false
		}
		b = append(b, c)
	}
	return string(b), true
}

// hostChars reports whether s is made of host characters other than '['.
func hostChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '[' || !isHostChar(s[i]) {
			return false
		}
	}
	return true
}

func isHostChar(c byte) bool { return isAlnum(c) || strings.IndexByte(hostPunct, c) >= 0 }

// isOptionalPort reports whether p is empty or a colon and digits (any
// number of them, as net/url allows).
func isOptionalPort(p string) bool {
	return p == "" || p == ":" || p[0] == ':' && isDigits(p[1:])
}

// isIPv6 reports whether s is an IPv6 address without zone as
// netip.ParseAddr reads one: eight groups of one to four hex digits
// separated by colons, where one "::" stands for one or more zero groups
// and a dotted IPv4 address (decimal, no leading zeros) may stand for the
// last two.
func isIPv6(s string) bool {
	head, tail, ellipsis := strings.Cut(s, "::")
	if !ellipsis {
		return ipv6Groups(s, true) == 8
	}
	h, t := ipv6Groups(head, false), ipv6Groups(tail, true)
	return h >= 0 && t >= 0 && h+t <= 7
}

// ipv6Groups counts the 16-bit groups of a colon-separated run of an IPv6
// address ("" has none), or returns -1 if it is malformed. last says
// whether the run ends the address, the only place an IPv4 part may be.
func ipv6Groups(s string, last bool) int {
	n := 0
	for s != "" {
		field, rest, more := strings.Cut(s, ":")
		switch {
		case strings.IndexByte(field, '.') >= 0:
			if more || !last || !isIPv4(field) {
				return -1
			}
			n += 2
		case field != "" && len(field) <= 4 && isHexString(field):
			n++
		default:
			return -1
		}
		if more && rest == "" {
			return -1 // a trailing colon
		}
		s = rest
	}
	return n
}

// isIPv4 reports whether s is four dot-separated decimal octets, each at
// most 255 and without leading zeros.
func isIPv4(s string) bool {
	for i := 0; i < 4; i++ {
		octet, rest, more := strings.Cut(s, ".")
		if more == (i == 3) || len(octet) > 3 || !isDigits(octet) ||
			octet[0] == '0' && len(octet) > 1 || len(octet) == 3 && octet > "255" {
			return false
		}
		s = rest
	}
	return true
}

// escapedPath returns url.URL.EscapedPath for a URL whose path is written
// p, and false if p has a malformed %-escape. That is p itself when it is
// a valid escaping (no byte outside the path's unreserved and sub-delim
// characters, '%', '[' and ']'); otherwise p unescaped and escaped again,
// with every byte other than letters, digits and -_.~$&+,/:;=@ as %XX.
func escapedPath(p string) (string, bool) {
	valid := true
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return "", false
			}
		case !isPathChar(c) && strings.IndexByte("!'()*[]", c) < 0:
			valid = false
		}
	}
	if valid {
		return p, true
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(p)+16)
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' {
			c = unhex(p[i+1])<<4 | unhex(p[i+2])
			i += 2
		}
		if isPathChar(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b), true
}

// isPathChar reports whether net/url leaves c unescaped in a path.
func isPathChar(c byte) bool { return isAlnum(c) || strings.IndexByte("-_.~$&+,/:;=@", c) >= 0 }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// unhex is the value of a hex digit (isHex(c) holds).
func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return (c | 0x20) - 'a' + 10
}
