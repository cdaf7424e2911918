package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Signer signs requests. The zero value is ready to use. A Signer is safe for
// concurrent use and should be shared: it caches derived signing keys (see
// keyCache), which halves the cost of every signature after the first for a
// given secret, day, region and service. A Signer must not be copied after
// first use.
type Signer struct {
	keys keyCache
}

// scratch holds the buffers of one signing. They are pooled so that a warm
// signer allocates nothing per call.
type scratch struct {
	buf     []byte  // canonical request, then string to sign
	query   []entry // canonical query parameters
	headers []entry // canonical headers
	st      state

	// The last X-Amz-Date formatted on this scratch: hot loops sign many
	// requests in the same second.
	dateUnix int64
	date     [16]byte
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{buf: make([]byte, 0, 1024), query: make([]entry, 0, 16), headers: make([]entry, 0, 16)}
}}

// state is what one signing knows besides the request: the formatted date,
// the credential and its scope, the signed-header list once written.
type state struct {
	c         Credentials
	o         *Options
	amzDate   [16]byte // 20060102T150405Z
	expires   int64
	sigStart  int // signed-header list within scratch.buf
	sigEnd    int
	sigEscEnd int // then the list URI-encoded, up to here
}

func (st *state) shortDate() []byte { return st.amzDate[:8] }

// appendScope appends "20150830/us-east-1/service/aws4_request".
func (st *state) appendScope(dst []byte) []byte {
	dst = append(dst, st.shortDate()...)
	dst = append(dst, '/')
	dst = append(dst, st.o.Region...)
	dst = append(dst, '/')
	dst = append(dst, st.o.Service...)
	return append(dst, "/aws4_request"...)
}

func formatAmzDate(dst *[16]byte, t time.Time) {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	put := func(i, v, n int) {
		for k := n - 1; k >= 0; k-- {
			dst[i+k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	put(4, int(mo), 2)
	put(6, d, 2)
	dst[8] = 'T'
	put(9, h, 2)
	put(11, mi, 2)
	put(13, s, 2)
	dst[15] = 'Z'
}

// AppendAmzDate appends t in TimeFormat (UTC), the value of X-Amz-Date.
func AppendAmzDate(dst []byte, t time.Time) []byte {
	var b [16]byte
	formatAmzDate(&b, t)
	return append(dst, b[:]...)
}

func (o *Options) validate(c *Credentials, presign bool, host string) error {
	if o == nil {
		return errors.New("sigv4: no options")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	switch {
	case host == "":
		return errors.New("sigv4: request has no host")
	case o.Time.IsZero():
		return errors.New("sigv4: signing time is zero")
	case o.Region == "":
		return errors.New("sigv4: region is empty")
	case o.Service == "":
		return errors.New("sigv4: service is empty")
	}
	if u := o.Time.Unix(); u < minUnix || u > maxUnix {
		return fmt.Errorf("sigv4: signing time %v is out of range", o.Time)
	}
	if presign && (o.Expires < time.Second || o.Expires > MaxExpires) {
		return fmt.Errorf("sigv4: presign expiry %v is outside 1s..%v", o.Expires, MaxExpires)
	}
	return nil
}

// The signing time must have a four-digit year: 1000-01-01 to 9998-12-31.
var (
	minUnix = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxUnix = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC).Unix() - 1
)

// amzParams are the query parameters a presigned URL adds; presigning a
// request that already has one of them is an error.
var amzParams = [...]string{
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-Security-Token", "X-Amz-SignedHeaders", "X-Amz-Signature",
}

// amzQuery are the parameters presigning adds, in canonical order.
var (
	amzQuery = [...]entry{
		{key: "X-Amz-Algorithm", value: algorithm},
		{key: "X-Amz-Credential", virt: vCredential},
		{key: "X-Amz-Date", virt: vDate},
		{key: "X-Amz-Expires", virt: vExpires},
		{key: "X-Amz-Security-Token", virt: vToken},
		{key: "X-Amz-SignedHeaders", virt: vSignedHeader},
	}
	amzQueryNoToken = [...]entry{amzQuery[0], amzQuery[1], amzQuery[2], amzQuery[3], amzQuery[5]}
)

// sign builds the canonical request of r in sc.buf and returns the hex
// signature. For presigning (presign) the X-Amz-* parameters join the query;
// for header signing the x-amz-* headers join the headers. On return
// sc.buf holds the canonical request, with the canonical query at
// [qStart, qEnd) and the signed-header list at [st.sigStart, st.sigEnd).
func (s *Signer) sign(sc *scratch, st *state, r *Request, presign bool) (sig [64]byte, qStart, qEnd int, err error) {
	o, c := st.o, &st.c
	if u := o.Time.Unix(); u == sc.dateUnix && u != 0 {
		st.amzDate = sc.date
	} else {
		formatAmzDate(&st.amzDate, o.Time)
		sc.dateUnix, sc.date = u, st.amzDate
	}
	st.expires = int64(o.Expires / time.Second)
	payload := o.PayloadHash
	if payload == "" {
		payload = EmptyPayloadHash
	}
	withToken := c.SessionToken != "" && !o.OmitSessionToken

	// Headers: host first, then the request's, then the signer's own.
	h := append(sc.headers[:0], entry{key: "host", value: r.Host})
	for _, p := range r.Headers {
		if equalFold(p.Key, "host") {
			continue
		}
		if p.Key == "" {
			return sig, 0, 0, errors.New("sigv4: header with an empty name")
		}
		h = append(h, entry{key: p.Key, value: p.Value})
	}
	if !presign {
		h = append(h, entry{key: "x-amz-date", virt: vDate})
		if withToken {
			h = append(h, entry{key: "x-amz-security-token", value: c.SessionToken})
		}
		if o.AddContentSHA256 {
			h = append(h, entry{key: "x-amz-content-sha256", value: payload})
		}
	}
	if !slices.IsSortedFunc(h, compareHeaderName) {
		slices.SortStableFunc(h, compareHeaderName)
	}
	sc.headers = h

	q := sc.query[:0]
	for _, p := range r.Query {
		if presign && len(p.Key) > 6 && (p.Key[0] == 'X' || p.Key[0] == 'x') {
			for _, a := range amzParams {
				if p.Key == a {
					return sig, 0, 0, fmt.Errorf("sigv4: request to presign already has %s", a)
				}
			}
		}
		q = append(q, entry{key: p.Key, value: p.Value})
	}
	if !slices.IsSortedFunc(q, compareQuery) {
		slices.SortFunc(q, compareQuery)
	}
	// The presign parameters are merged in when written: they are in
	// canonical order already (amzQuery), with the session token in its
	// place unless it is omitted.
	var amz []entry
	if presign {
		amz = amzQuery[:]
		if !withToken {
			amz = amzQueryNoToken[:]
		}
	}
	sc.query = q

	// The signed-header list is needed inside the query (presign) before the
	// headers are written, so write it first, at the start of the buffer,
	// and the canonical request after it.
	b := sc.buf[:0]
	st.sigStart = 0
	for i, e := range h {
		if i > 0 && equalFold(e.key, h[i-1].key) {
			continue
		}
		if i > 0 {
			b = append(b, ';')
		}
		b = appendLower(b, e.key)
	}
	st.sigEnd = len(b)
	if presign {
		b = appendEscapedList(b, b[st.sigStart:st.sigEnd])
	}
	st.sigEscEnd = len(b)
	crStart := len(b)

	method := r.Method
	if method == "" {
		method = "GET"
	}
	b = append(b, method...)
	b = append(b, '\n')
	b = appendCanonicalPath(b, r.Path, !o.DisablePathNormalization, o.DisableDoubleEncoding)
	b = append(b, '\n')
	qStart = len(b)
	for i, j := 0, 0; i < len(q) || j < len(amz); {
		if i+j > 0 {
			b = append(b, '&')
		}
		if j == len(amz) || i < len(q) && compareEscaped(q[i].key, amz[j].key) < 0 {
			b = appendEscaped(b, q[i].key, false)
			b = append(b, '=')
			b = st.appendValue(b, q[i], true)
			i++
		} else if j == 0 && (i == len(q) || compareEscaped(q[i].key, amz[len(amz)-1].key) > 0) {
			// No caller parameter sorts among the signer's: write them
			// in one go.
			b = st.appendAmzQuery(b, len(amz) == len(amzQuery))
			j = len(amz)
		} else {
			b = append(b, amz[j].key...) // unreserved characters only
			b = append(b, '=')
			b = st.appendValue(b, amz[j], true)
			j++
		}
	}
	qEnd = len(b)
	b = append(b, '\n')
	for i, e := range h {
		if i > 0 && equalFold(e.key, h[i-1].key) {
			b = append(b, ',')
		} else {
			if i > 0 {
				b = append(b, '\n')
			}
			b = appendLower(b, e.key)
			b = append(b, ':')
		}
		b = st.appendValue(b, e, false)
	}
	b = append(b, '\n', '\n')
	b = append(b, b[st.sigStart:st.sigEnd]...)
	b = append(b, '\n')
	b = append(b, payload...)
	crEnd := len(b)

	// String to sign, after the canonical request in the same buffer.
	crHash := sha256.Sum256(b[crStart:crEnd])
	stsStart := len(b)
	b = append(b, algorithm+"\n"...)
	b = append(b, st.amzDate[:]...)
	b = append(b, '\n')
	b = st.appendScope(b)
	b = append(b, '\n')
	b = hex.AppendEncode(b, crHash[:])
	stsEnd := len(b)

	key := s.keys.get(c.SecretAccessKey, st.shortDate(), o.Region, o.Service)
	var mac [32]byte
	b, mac = hmacSHA256(b, key[:], b[stsStart:stsEnd])
	hex.Encode(sig[:], mac[:])
	sc.buf = b

	if o.Trace != nil {
		o.Trace.CanonicalRequest = string(b[crStart:crEnd])
		o.Trace.StringToSign = string(b[stsStart:stsEnd])
		o.Trace.Signature = string(sig[:])
	}
	// Callers index sc.buf by qStart/qEnd and sigStart/sigEnd; nothing
	// after crEnd is needed any more.
	return sig, qStart, qEnd, nil
}

// appendAmzQuery appends the parameters presigning adds, in canonical
// order: the same as appendValue for each amzQuery entry, with the
// constant parts joined.
func (st *state) appendAmzQuery(b []byte, withToken bool) []byte {
	b = append(b, "X-Amz-Algorithm="+algorithm+"&X-Amz-Credential="...)
	b = appendEscaped(b, st.c.AccessKeyID, false)
	b = append(b, "%2F"...)
	b = append(b, st.shortDate()...)
	b = append(b, "%2F"...)
	b = appendEscaped(b, st.o.Region, false)
	b = append(b, "%2F"...)
	b = appendEscaped(b, st.o.Service, false)
	b = append(b, "%2Faws4_request&X-Amz-Date="...)
	b = append(b, st.amzDate[:]...)
	b = append(b, "&X-Amz-Expires="...)
	b = appendExpires(b, st.expires)
	if withToken {
		b = append(b, "&X-Amz-Security-Token="...)
		b = appendEscaped(b, st.c.SessionToken, false)
	}
	b = append(b, "&X-Amz-SignedHeaders="...)
	return append(b, b[st.sigEnd:st.sigEscEnd]...)
}

// appendValue appends the value of e: a header value canonicalized, or a
// query value URI-encoded (query); virtual values from the signing state.
func (st *state) appendValue(dst []byte, e entry, query bool) []byte {
	switch e.virt {
	case vDate:
		return append(dst, st.amzDate[:]...)
	case vExpires:
		return appendExpires(dst, st.expires)
	case vToken:
		return appendEscaped(dst, st.c.SessionToken, false)
	case vCredential:
		dst = appendEscaped(dst, st.c.AccessKeyID, false)
		dst = append(dst, "%2F"...)
		dst = append(dst, st.shortDate()...)
		dst = append(dst, "%2F"...)
		dst = appendEscaped(dst, st.o.Region, false)
		dst = append(dst, "%2F"...)
		dst = appendEscaped(dst, st.o.Service, false)
		return append(dst, "%2Faws4_request"...)
	case vSignedHeader:
		// Encoded once, after the raw list, at the start of the buffer.
		return append(dst, dst[st.sigEnd:st.sigEscEnd]...)
	}
	if query {
		return appendEscaped(dst, e.value, false)
	}
	return appendHeaderValue(dst, e.value)
}

func (s *Signer) prepare(r *Request, c *Credentials, o *Options, presign bool) (*scratch, *state, error) {
	if r == nil {
		return nil, nil, errors.New("sigv4: no request")
	}
	if err := o.validate(c, presign, r.Host); err != nil {
		return nil, nil, err
	}
	sc := scratchPool.Get().(*scratch)
	sc.st = state{c: *c, o: o}
	return sc, &sc.st, nil
}

func release(sc *scratch) {
	if cap(sc.buf) <= 64<<10 {
		clear(sc.query) // drop references to caller strings
		clear(sc.headers)
		sc.st = state{}
		scratchPool.Put(sc)
	}
}

// AppendPresignedURL appends the presigned URL of r to dst:
// scheme://host/path?<canonical query>&X-Amz-Signature=<hex>, the query in
// canonical (sorted) order, X-Amz-Security-Token among the signed parameters
// unless OmitSessionToken puts it after the signature. The caller must send
// r.Headers with the URL.
func (s *Signer) AppendPresignedURL(dst []byte, r *Request, c Credentials, o *Options) ([]byte, error) {
	sc, st, err := s.prepare(r, &c, o, true)
	if err != nil {
		return dst, err
	}
	defer release(sc)
	sig, qs, qe, err := s.sign(sc, st, r, true)
	if err != nil {
		return dst, err
	}
	scheme := r.Scheme
	if scheme == "" {
		scheme = "https"
	}
	dst = append(dst, scheme...)
	dst = append(dst, "://"...)
	dst = append(dst, r.Host...)
	if r.Path == "" {
		dst = append(dst, '/')
	} else {
		dst = append(dst, r.Path...)
	}
	dst = append(dst, '?')
	dst = append(dst, sc.buf[qs:qe]...)
	dst = append(dst, "&X-Amz-Signature="...)
	dst = append(dst, sig[:]...)
	if o.OmitSessionToken && c.SessionToken != "" {
		dst = append(dst, "&X-Amz-Security-Token="...)
		dst = appendEscaped(dst, c.SessionToken, false)
	}
	return dst, nil
}

// AppendAuthorization appends the value of the Authorization header for r
// to dst ("AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…").
// The signature covers headers the caller must then send too: X-Amz-Date
// (o.Time, see AppendAmzDate), X-Amz-Security-Token when c has a session
// token (signed unless OmitSessionToken, sent either way), and
// X-Amz-Content-Sha256 when AddContentSHA256. SignHTTP does all of that.
func (s *Signer) AppendAuthorization(dst []byte, r *Request, c Credentials, o *Options) ([]byte, error) {
	sc, st, err := s.prepare(r, &c, o, false)
	if err != nil {
		return dst, err
	}
	defer release(sc)
	sig, _, _, err := s.sign(sc, st, r, false)
	if err != nil {
		return dst, err
	}
	dst = append(dst, algorithm+" Credential="...)
	dst = append(dst, c.AccessKeyID...)
	dst = append(dst, '/')
	dst = st.appendScope(dst)
	dst = append(dst, ", SignedHeaders="...)
	dst = append(dst, sc.buf[st.sigStart:st.sigEnd]...)
	dst = append(dst, ", Signature="...)
	return append(dst, sig[:]...), nil
}

// SignHeaders signs r for the Authorization header and calls set for every
// header the request must then carry, in this order: X-Amz-Date,
// X-Amz-Security-Token (when c has a session token), X-Amz-Content-Sha256
// (when AddContentSHA256) and Authorization. It is AppendAuthorization for
// callers that keep headers in a map: http.Header's Set fits set.
func (s *Signer) SignHeaders(r *Request, c Credentials, o *Options, set func(name, value string)) error {
	auth, err := s.AppendAuthorization(nil, r, c, o)
	if err != nil {
		return err
	}
	set("X-Amz-Date", string(AppendAmzDate(nil, o.Time)))
	if c.SessionToken != "" {
		set("X-Amz-Security-Token", c.SessionToken)
	}
	if o.AddContentSHA256 {
		p := o.PayloadHash
		if p == "" {
			p = EmptyPayloadHash
		}
		set("X-Amz-Content-Sha256", p)
	}
	set("Authorization", string(auth))
	return nil
}
