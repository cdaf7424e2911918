package sigv4

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Signer signs requests. The zero value is ready to use. A Signer is safe for
// concurrent use and should be shared: it caches derived signing keys (see
// keyCache), which halves the cost of every signature after the first for a
// given secret, day, region and service. Its pooled scratch space keeps the
// last request template (see template), which holds the last request's query
// and header names, never credentials. A Signer must not be copied after
// first use.
type Signer struct {
	keys    keyCache
	rebuild bool // build every template anew (tests only)
}

// scratch holds the buffers of one signing. They are pooled so that a warm
// signer allocates nothing per call.
type scratch struct {
	buf []byte // canonical request, then string to sign
	st  state
	h   hasher
	key signingKey // the key when the cache is disabled

	// The templates built last, kept for the next request of the same
	// shape (see template).
	presign, header template

	// The last X-Amz-Date formatted on this scratch: hot loops sign many
	// requests in the same second.
	dateUnix int64
	date     [16]byte
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{buf: make([]byte, 0, 1024), h: newHasher()}
}}

// state is what one signing knows besides the request: the formatted date,
// the credential and its scope, the request's template.
type state struct {
	c       Credentials
	o       *Options
	amzDate [16]byte // 20060102T150405Z
	expires int64
	t       *template // the request's template
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

// amzQuery are the parameters presigning adds, in canonical order.
var (
	amzQuery = [...]string{
		"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
		"X-Amz-Security-Token", "X-Amz-SignedHeaders",
	}
	amzQueryNoToken = [...]string{amzQuery[0], amzQuery[1], amzQuery[2], amzQuery[3], amzQuery[5]}
	// amzParams are all the parameters a presigned URL carries, the
	// signature too; presigning a request that already has one of them is
	// an error.
	amzParams = append(amzQuery[:len(amzQuery):len(amzQuery)], "X-Amz-Signature")
)

// sign writes the canonical request of r to sc.buf, from r's template
// (built, or reused when r has the shape of the last request signed on sc),
// and returns the hex signature. For presigning (presign) the X-Amz-*
// parameters join the query; for header signing the x-amz-* headers join
// the headers. On return the canonical query is at sc.buf[qStart:qEnd].
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

	t := &sc.header
	if presign {
		t = &sc.presign
	}
	if s.rebuild || !t.matches(r, o, presign, withToken) {
		if err := t.build(r, o, presign, withToken); err != nil {
			return sig, 0, 0, err
		}
	}
	st.t = t

	b := t.appendPieces(sc.buf[:0], t.prefix, st, r, payload)
	qStart = len(b)
	b = t.appendPieces(b, t.params, st, r, payload)
	qEnd = len(b)
	b = t.appendPieces(b, t.rest, st, r, payload)
	crEnd := len(b)

	// String to sign, after the canonical request in the same buffer.
	crHash := sha256.Sum256(b[:crEnd])
	stsStart := len(b)
	b = append(b, algorithm+"\n"...)
	b = append(b, st.amzDate[:]...)
	b = append(b, '\n')
	b = st.appendScope(b)
	b = append(b, '\n')
	b = appendHex(b, &crHash)
	stsEnd := len(b)

	key := s.keys.get(sc, c.SecretAccessKey, st.shortDate(), o.Region, o.Service)
	b = sc.h.appendMAC(b, key, b[stsStart:stsEnd])
	appendHex(sig[:0], (*[32]byte)(b[stsEnd:]))
	b = b[:stsEnd]
	sc.buf = b

	if o.Trace != nil {
		o.Trace.CanonicalRequest = string(b[:crEnd])
		o.Trace.StringToSign = string(b[stsStart:stsEnd])
		o.Trace.Signature = string(sig[:])
	}
	return sig, qStart, qEnd, nil
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

// release returns sc to the pool, unless a huge request grew it. The
// templates stay, with their references to the request's query and header
// names (never to credentials): they are what the next signing reuses.
func release(sc *scratch) {
	if cap(sc.buf) > 64<<10 || cap(sc.presign.buf) > 64<<10 || cap(sc.header.buf) > 64<<10 {
		return
	}
	sc.key = signingKey{} // no key material left in the pool
	sc.st = state{}
	scratchPool.Put(sc)
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
	dst = append(dst, st.t.buf[st.t.signedHeaders.start:st.t.signedHeaders.end]...)
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
