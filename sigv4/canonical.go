package sigv4

import (
	"slices"
	"strconv"
)

// This file holds the text rules of the canonical request: URI encoding,
// the orders of query parameters and header names, header values, paths.
// Everything appends to a buffer, so the hot path does not allocate.

// unreserved reports whether c is left as is by AWS URI encoding
// (RFC 3986 unreserved characters).
func unreserved(c byte) bool { return unreservedTable[c] }

var unreservedTable = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()

const upperhex = "0123456789ABCDEF"

// appendEscaped appends s URI-encoded the AWS way: every byte but the
// unreserved ones as %XX with upper-case hex; '/' too unless keepSlash.
func appendEscaped(dst []byte, s string, keepSlash bool) []byte {
	// Copy the leading run that needs no escaping in one go: most keys,
	// values and paths are all of it.
	i := 0
	for i < len(s) && (unreserved(s[i]) || keepSlash && s[i] == '/') {
		i++
	}
	dst = append(dst, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return dst
}

// appendEscapedList appends list (bytes of dst itself) URI-encoded.
func appendEscapedList(dst, list []byte) []byte {
	for i := 0; i < len(list); {
		j := i
		for j < len(list) && unreserved(list[j]) {
			j++
		}
		dst = append(dst, list[i:j]...)
		if j < len(list) {
			c := list[j]
			dst = append(dst, '%', upperhex[c>>4], upperhex[c&15])
			j++
		}
		i = j
	}
	return dst
}

// escapedRank orders bytes the way their encodings sort: every encoded byte
// ("%XX", and '%' is below every unreserved character) before every
// unreserved one; encoded bytes among themselves by value (upper-case hex
// sorts like the number), unreserved ones by value.
func escapedRank(c byte) int {
	if unreserved(c) {
		return 256 + int(c)
	}
	return int(c)
}

// compareEscaped compares the URI encodings of a and b without building
// them. Up to the first differing byte the encodings are equal; from there
// the first differing output byte is decided by those two bytes' ranks.
func compareEscaped(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return escapedRank(a[i]) - escapedRank(b[i])
		}
	}
	return len(a) - len(b)
}

// compareQuery orders canonical query parameters: by encoded key, then by
// encoded value.
func compareQuery(x, y Param) int {
	if c := compareEscaped(x.Key, y.Key); c != 0 {
		return c
	}
	return compareEscaped(x.Value, y.Value)
}

// compareHeaderName orders header names case-insensitively (canonical names
// are lower-case).
func compareHeaderName(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := lower(a[i]), lower(b[i])
		if ca != cb {
			return int(ca) - int(cb)
		}
	}
	return len(a) - len(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func appendLower(dst []byte, s string) []byte {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	dst = append(dst, s[:i]...)
	for ; i < len(s); i++ {
		dst = append(dst, lower(s[i]))
	}
	return dst
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// appendHeaderValue appends a header value trimmed and with every run of
// white space (folded continuation lines included) collapsed to one space.
func appendHeaderValue(dst []byte, v string) []byte {
	if plainValue(v) {
		return append(dst, v...)
	}
	start, end := 0, len(v)
	for start < end && isSpace(v[start]) {
		start++
	}
	for end > start && isSpace(v[end-1]) {
		end--
	}
	space := false
	for i := start; i < end; i++ {
		c := v[i]
		if isSpace(c) {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

// plainValue reports whether v is already canonical: no leading or
// trailing white space, and no white space but single spaces inside.
func plainValue(v string) bool {
	if v == "" {
		return true
	}
	if v[0] == ' ' || v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if v[i+1] == ' ' {
				return false
			}
		} else if c <= '\r' && isSpace(c) {
			return false
		}
	}
	return true
}

// appendCanonicalPath appends the canonical URI of path (as sent on the
// wire): dot segments removed and empty segments collapsed when normalize,
// then URI-encoded once more unless single (S3).
func appendCanonicalPath(dst []byte, path string, normalize, single bool) []byte {
	if path == "" {
		path = "/"
	}
	if !normalize {
		if single {
			return append(dst, path...)
		}
		return appendEscaped(dst, path, true)
	}
	// Normalize in place at the end of dst: segments are appended as
	// "/seg"; ".." truncates back to the previous '/'.
	base := len(dst)
	for i := 0; i < len(path); {
		for i < len(path) && path[i] == '/' {
			i++
		}
		j := i
		for j < len(path) && path[j] != '/' {
			j++
		}
		seg := path[i:j]
		i = j
		switch seg {
		case "", ".":
		case "..":
			k := len(dst)
			for k > base && dst[k-1] != '/' {
				k--
			}
			if k > base {
				k-- // drop the '/' too
			}
			dst = dst[:k]
		default:
			dst = append(dst, '/')
			if single {
				dst = append(dst, seg...)
			} else {
				dst = appendEscaped(dst, seg, false)
			}
		}
	}
	if len(dst) == base || path[len(path)-1] == '/' {
		dst = append(dst, '/')
	}
	return dst
}

// appendExpires appends d in whole seconds.
func appendExpires(dst []byte, d int64) []byte {
	if d >= 10 && d < 100 {
		return append(dst, byte('0'+d/10), byte('0'+d%10))
	}
	return strconv.AppendInt(dst, d, 10)
}

// appendHex appends the lower-case hex of a SHA-256 sum, two digits at a
// time from a table (encoding/hex does one digit at a time).
func appendHex(dst []byte, sum *[32]byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, 64)[:n+64]
	out := dst[n : n+64]
	for i, c := range sum {
		out[2*i] = hexPairs[2*int(c)]
		out[2*i+1] = hexPairs[2*int(c)+1]
	}
	return dst
}

var hexPairs = func() (t [512]byte) {
	const digits = "0123456789abcdef"
	for c := range 256 {
		t[2*c], t[2*c+1] = digits[c>>4], digits[c&15]
	}
	return t
}()
