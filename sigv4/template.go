package sigv4

import (
	"errors"
	"fmt"
	"slices"
)

// A template is the canonical request of one request shape with the
// per-call values left as holes. Everything that depends only on the
// method, the path, the query and the header names (sorting, URI
// encoding, lower-casing, the signed-header list) is done when the
// template is built; signing then fills the holes (date, credential
// scope, expiry, session token, header values, payload hash) by walking a
// dozen pieces.
//
// An EKS token generator signs the same shape for every token, so each
// pooled scratch keeps the template it built last (one for presigning,
// one for header signing) and reuses it while the shape is unchanged. The
// shape is compared string by string; comparing a string with itself is a
// length and pointer check, so a hit costs a few comparisons, and a caller
// that changes a value in place simply gets a new template.
type template struct {
	// The shape the template was built for.
	valid                  bool
	method, path           string
	normalize, singleEnc   bool
	withToken, contentSHA  bool
	query                  []Param  // the request's query, as given
	names                  []string // the request's header names, as given
	buf                    []byte   // literal text, indexed by the pieces
	prefix, params, rest   []piece  // before, within and after the canonical query
	signedHeaders, escaped span     // the signed-header list, raw and URI-encoded

	// Scratch of a build.
	headers []headerRef
	sorted  []Param
}

type span struct{ start, end int }

// piece is literal text (buf[start:end]) or a hole.
type piece struct {
	hole  hole
	index int // vHeader: index into Request.Headers
	span
}

type hole uint8

const (
	text         hole = iota
	vDate             // the 16-byte X-Amz-Date
	vCredential       // X-Amz-Credential's value: key id and scope, URI-encoded
	vExpires          // X-Amz-Expires: seconds
	vToken            // the session token, URI-encoded (presigning)
	vTokenHeader      // the session token as a header value
	vHost             // Request.Host as a header value
	vHeader           // Request.Headers[index].Value, canonicalized
	vPayload          // the payload hash
)

// headerRef is one signed header while a template is built.
type headerRef struct {
	name  string
	hole  hole
	index int
}

// matches reports whether t was built for this shape.
func (t *template) matches(r *Request, o *Options, presign, withToken bool) bool {
	if !t.valid || t.method != r.Method || t.path != r.Path ||
		t.normalize == o.DisablePathNormalization || t.singleEnc != o.DisableDoubleEncoding ||
		t.withToken != withToken || t.contentSHA != (o.AddContentSHA256 && !presign) ||
		len(t.query) != len(r.Query) || len(t.names) != len(r.Headers) {
		return false
	}
	for i, p := range r.Query {
		if t.query[i] != p {
			return false
		}
	}
	for i, p := range r.Headers {
		if t.names[i] != p.Key {
			return false
		}
	}
	return true
}

// build makes t the template of r's shape. On error t is invalid.
func (t *template) build(r *Request, o *Options, presign, withToken bool) error {
	t.valid = false
	t.method, t.path = r.Method, r.Path
	t.normalize, t.singleEnc = !o.DisablePathNormalization, o.DisableDoubleEncoding
	t.withToken = withToken
	t.contentSHA = o.AddContentSHA256 && !presign
	t.query = append(t.query[:0], r.Query...)
	t.names = t.names[:0]
	for _, p := range r.Headers {
		t.names = append(t.names, p.Key)
	}
	t.buf = t.buf[:0]
	t.prefix, t.params, t.rest = t.prefix[:0], t.params[:0], t.rest[:0]

	// Signed headers: host first, then the request's, then the signer's
	// own; sorted by lower-case name, stable so that repeated names keep
	// their order.
	h := append(t.headers[:0], headerRef{name: "host", hole: vHost})
	for i, p := range r.Headers {
		if equalFold(p.Key, "host") {
			continue
		}
		if p.Key == "" {
			return errors.New("sigv4: header with an empty name")
		}
		h = append(h, headerRef{name: p.Key, hole: vHeader, index: i})
	}
	if !presign {
		h = append(h, headerRef{name: "x-amz-date", hole: vDate})
		if withToken {
			h = append(h, headerRef{name: "x-amz-security-token", hole: vTokenHeader})
		}
		if o.AddContentSHA256 {
			h = append(h, headerRef{name: "x-amz-content-sha256", hole: vPayload})
		}
	}
	slices.SortStableFunc(h, func(x, y headerRef) int { return compareHeaderName(x.name, y.name) })
	t.headers = h

	// The signed-header list, raw and encoded (presigning puts it in the
	// query).
	t.signedHeaders.start = len(t.buf)
	for i, e := range h {
		if i > 0 && equalFold(e.name, h[i-1].name) {
			continue
		}
		if i > 0 {
			t.buf = append(t.buf, ';')
		}
		t.buf = appendLower(t.buf, e.name)
	}
	t.signedHeaders.end = len(t.buf)
	t.escaped.start = len(t.buf)
	t.buf = appendEscapedList(t.buf, t.buf[t.signedHeaders.start:t.signedHeaders.end])
	t.escaped.end = len(t.buf)

	// Method and path.
	method := r.Method
	if method == "" {
		method = "GET"
	}
	t.prefix = t.text(t.prefix, method, "\n")
	t.prefix = t.appendPiece(t.prefix, func(b []byte) []byte {
		return appendCanonicalPath(b, r.Path, t.normalize, t.singleEnc)
	})
	t.prefix = t.text(t.prefix, "\n")

	// Query: the request's parameters sorted, merged with the presigning
	// parameters, which are in canonical order already.
	q := append(t.sorted[:0], r.Query...)
	slices.SortFunc(q, compareQuery)
	t.sorted = q
	var amz []string
	if presign {
		for _, p := range q {
			if len(p.Key) > 6 && (p.Key[0] == 'X' || p.Key[0] == 'x') {
				for _, a := range amzParams {
					if p.Key == a {
						return fmt.Errorf("sigv4: request to presign already has %s", a)
					}
				}
			}
		}
		amz = amzQuery[:]
		if !withToken {
			amz = amzQueryNoToken[:]
		}
	}
	for i, j := 0, 0; i < len(q) || j < len(amz); {
		if i+j > 0 {
			t.params = t.text(t.params, "&")
		}
		if j == len(amz) || i < len(q) && compareEscaped(q[i].Key, amz[j]) < 0 {
			t.params = t.appendPiece(t.params, func(b []byte) []byte {
				b = appendEscaped(b, q[i].Key, false)
				b = append(b, '=')
				return appendEscaped(b, q[i].Value, false)
			})
			i++
			continue
		}
		t.params = t.text(t.params, amz[j], "=") // unreserved characters only
		switch amz[j] {
		case "X-Amz-Algorithm":
			t.params = t.text(t.params, algorithm)
		case "X-Amz-Credential":
			t.params = append(t.params, piece{hole: vCredential})
		case "X-Amz-Date":
			t.params = append(t.params, piece{hole: vDate})
		case "X-Amz-Expires":
			t.params = append(t.params, piece{hole: vExpires})
		case "X-Amz-Security-Token":
			t.params = append(t.params, piece{hole: vToken})
		case "X-Amz-SignedHeaders":
			t.params = t.text(t.params, string(t.buf[t.escaped.start:t.escaped.end]))
		}
		j++
	}

	// Headers, the signed-header list, the payload hash.
	t.rest = t.text(t.rest, "\n")
	for i, e := range h {
		if i > 0 && equalFold(e.name, h[i-1].name) {
			t.rest = t.text(t.rest, ",")
		} else {
			if i > 0 {
				t.rest = t.text(t.rest, "\n")
			}
			t.rest = t.appendPiece(t.rest, func(b []byte) []byte { return appendLower(b, e.name) })
			t.rest = t.text(t.rest, ":")
		}
		t.rest = append(t.rest, piece{hole: e.hole, index: e.index})
	}
	t.rest = t.text(t.rest, "\n\n", string(t.buf[t.signedHeaders.start:t.signedHeaders.end]), "\n")
	t.rest = append(t.rest, piece{hole: vPayload})
	t.valid = true
	return nil
}

// text appends literal strings to ps, extending the last piece when it is
// text too.
func (t *template) text(ps []piece, ss ...string) []piece {
	return t.appendPiece(ps, func(b []byte) []byte {
		for _, s := range ss {
			b = append(b, s...)
		}
		return b
	})
}

// appendPiece appends the text that write appends to t.buf as a piece.
func (t *template) appendPiece(ps []piece, write func([]byte) []byte) []piece {
	start := len(t.buf)
	t.buf = write(t.buf)
	if n := len(ps); n > 0 && ps[n-1].hole == text && ps[n-1].end == start {
		ps[n-1].end = len(t.buf)
		return ps
	}
	return append(ps, piece{span: span{start, len(t.buf)}})
}

// appendPieces appends the pieces with their holes filled.
func (t *template) appendPieces(b []byte, ps []piece, st *state, r *Request, payload string) []byte {
	for _, p := range ps {
		switch p.hole {
		case text:
			b = append(b, t.buf[p.start:p.end]...)
		case vDate:
			b = append(b, st.amzDate[:]...)
		case vCredential:
			b = appendEscaped(b, st.c.AccessKeyID, false)
			b = append(b, "%2F"...)
			b = append(b, st.shortDate()...)
			b = append(b, "%2F"...)
			b = appendEscaped(b, st.o.Region, false)
			b = append(b, "%2F"...)
			b = appendEscaped(b, st.o.Service, false)
			b = append(b, "%2Faws4_request"...)
		case vExpires:
			b = appendExpires(b, st.expires)
		case vToken:
			b = appendEscaped(b, st.c.SessionToken, false)
		case vTokenHeader:
			b = appendHeaderValue(b, st.c.SessionToken)
		case vHost:
			b = appendHeaderValue(b, r.Host)
		case vHeader:
			b = appendHeaderValue(b, r.Headers[p.index].Value)
		case vPayload:
			b = append(b, payload...)
		}
	}
	return b
}
