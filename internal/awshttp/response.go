//go:build !nonet

package awshttp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Response is a whole HTTP response: the body has been read and the
// connection closed by the time Do returns it.
type Response struct {
	StatusCode int    // 200
	Status     string // "200 OK"
	Header     Header
	Body       []byte

	http10 bool // the status line said HTTP/1.0
}

// DefaultMaxBody caps a response body when Client.MaxBody is zero.
const DefaultMaxBody = 1 << 20

// maxHeaderBytes caps the status line and header block of a response.
const maxHeaderBytes = 64 << 10

// ErrBodyTooLarge is returned (wrapped) when a response body exceeds the cap.
var ErrBodyTooLarge = errors.New("response body too large")

// readResponse reads one response to a request with the given method from
// br. maxBody < 0 means no cap. Interim 1xx responses are skipped.
func readResponse(br *bufio.Reader, method string, maxBody int64) (*Response, error) {
	for {
		resp, err := readHead(br)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == 101 {
			return nil, errors.New("unexpected 101 Switching Protocols")
		}
		if resp.StatusCode >= 100 && resp.StatusCode < 200 {
			continue
		}
		if err := readBody(br, resp, method, maxBody); err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// headReader counts what the head of a response may still use.
type headReader struct {
	br   *bufio.Reader
	left int
}

// line returns the next line without its CRLF (or bare LF).
func (h *headReader) line() (string, error) {
	var buf []byte
	for {
		frag, err := h.br.ReadSlice('\n')
		h.left -= len(frag)
		if h.left < 0 {
			return "", fmt.Errorf("response header larger than %d bytes", maxHeaderBytes)
		}
		buf = append(buf, frag...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			return "", io.ErrUnexpectedEOF
		}
		if err != nil {
			return "", err
		}
		buf = buf[:len(buf)-1]
		if n := len(buf); n > 0 && buf[n-1] == '\r' {
			buf = buf[:n-1]
		}
		return string(buf), nil
	}
}

func readHead(br *bufio.Reader) (*Response, error) {
	if _, err := br.Peek(1); err == io.EOF {
		return nil, errors.New("connection closed before a response")
	}
	h := &headReader{br: br, left: maxHeaderBytes}
	line, err := h.line()
	if err != nil {
		return nil, err
	}
	resp, err := parseStatusLine(line)
	if err != nil {
		return nil, err
	}
	resp.Header, err = readFields(h)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// parseStatusLine parses "HTTP/1.1 200 OK" (RFC 9112 §4); the reason may be
// empty.
func parseStatusLine(line string) (*Response, error) {
	proto, rest, ok := strings.Cut(line, " ")
	if !ok || (proto != "HTTP/1.1" && proto != "HTTP/1.0") {
		return nil, fmt.Errorf("malformed status line %q", clip(line))
	}
	code, reason, _ := strings.Cut(rest, " ")
	if len(code) != 3 || code[0] < '1' || code[0] > '5' || !isDigits(code) {
		return nil, fmt.Errorf("malformed status code in %q", clip(line))
	}
	for i := 0; i < len(reason); i++ {
		if c := reason[i]; c < ' ' && c != '\t' || c == 0x7f {
			return nil, fmt.Errorf("malformed status line %q", clip(line))
		}
	}
	n, _ := strconv.Atoi(code)
	return &Response{StatusCode: n, Status: strings.TrimSpace(rest), http10: proto == "HTTP/1.0"}, nil
}

// readFields reads header (or trailer) fields up to the empty line.
func readFields(h *headReader) (Header, error) {
	var hdr Header
	for {
		line, err := h.line()
		if err != nil {
			return nil, err
		}
		if line == "" {
			return hdr, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			return nil, errors.New("response header uses obsolete line folding")
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !isToken(name) {
			return nil, fmt.Errorf("malformed response header line %q", clip(line))
		}
		value = strings.Trim(value, " \t")
		for i := 0; i < len(value); i++ {
			if c := value[i]; c < ' ' && c != '\t' || c == 0x7f {
				return nil, fmt.Errorf("malformed value of response header %q", clip(name))
			}
		}
		hdr = append(hdr, [2]string{name, value})
	}
}

// readBody reads the body framed as RFC 9112 §6.3 says, for a client.
func readBody(br *bufio.Reader, resp *Response, method string, maxBody int64) error {
	if method == "HEAD" || resp.StatusCode == 204 || resp.StatusCode == 304 {
		return nil
	}
	if te := resp.Header.Values("Transfer-Encoding"); len(te) > 0 {
		if resp.http10 {
			// RFC 9112 §6.1: treat the framing as faulty.
			return errors.New("HTTP/1.0 response with Transfer-Encoding")
		}
		if len(te) != 1 || !strings.EqualFold(strings.TrimSpace(te[0]), "chunked") {
			return fmt.Errorf("unsupported Transfer-Encoding %q", clip(strings.Join(te, ", ")))
		}
		body, err := readChunked(br, maxBody)
		resp.Body = body
		return err
	}
	if cls := resp.Header.Values("Content-Length"); len(cls) > 0 {
		cl := strings.TrimSpace(cls[0])
		for _, v := range cls[1:] {
			if strings.TrimSpace(v) != cl {
				return errors.New("conflicting Content-Length headers")
			}
		}
		if !isDigits(cl) || len(cl) > 18 {
			return fmt.Errorf("malformed Content-Length %q", clip(cl))
		}
		n, _ := strconv.ParseInt(cl, 10, 64)
		if maxBody >= 0 && n > maxBody {
			return fmt.Errorf("%w: Content-Length %d over the %d-byte limit", ErrBodyTooLarge, n, maxBody)
		}
		resp.Body = make([]byte, n)
		if _, err := io.ReadFull(br, resp.Body); err != nil {
			return fmt.Errorf("reading response body: %w", eofIsUnexpected(err))
		}
		return nil
	}
	// No framing: the body runs to the connection's close.
	r := io.Reader(br)
	if maxBody >= 0 {
		r = io.LimitReader(br, maxBody+1)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading response body: %w", err)
	}
	if maxBody >= 0 && int64(len(body)) > maxBody {
		return fmt.Errorf("%w: over the %d-byte limit", ErrBodyTooLarge, maxBody)
	}
	resp.Body = body
	return nil
}

// readChunked decodes the chunked transfer coding (RFC 9112 §7.1): chunk
// extensions are ignored, trailer fields read and dropped.
func readChunked(br *bufio.Reader, maxBody int64) ([]byte, error) {
	var body []byte
	h := &headReader{br: br, left: maxHeaderBytes}
	for {
		h.left = maxHeaderBytes
		line, err := h.line()
		if err != nil {
			return nil, fmt.Errorf("reading chunk size: %w", eofIsUnexpected(err))
		}
		size, _, _ := strings.Cut(line, ";")
		size = strings.TrimRight(size, " \t")
		if size == "" || len(size) > 15 {
			return nil, fmt.Errorf("malformed chunk size %q", clip(line))
		}
		n, err := strconv.ParseUint(size, 16, 64)
		if err != nil || strings.ContainsAny(size, "+-xX_") {
			return nil, fmt.Errorf("malformed chunk size %q", clip(line))
		}
		if n == 0 {
			h.left = maxHeaderBytes
			if _, err := readFields(h); err != nil {
				return nil, fmt.Errorf("reading trailer: %w", eofIsUnexpected(err))
			}
			if body == nil {
				body = []byte{}
			}
			return body, nil
		}
		if maxBody >= 0 && int64(len(body))+int64(n) > maxBody {
			return nil, fmt.Errorf("%w: over the %d-byte limit", ErrBodyTooLarge, maxBody)
		}
		start := len(body)
		body = append(body, make([]byte, n)...)
		if _, err := io.ReadFull(br, body[start:]); err != nil {
			return nil, fmt.Errorf("reading chunk: %w", eofIsUnexpected(err))
		}
		var crlf [2]byte
		k, err := io.ReadFull(br, crlf[:1])
		if err == nil && crlf[0] == '\r' {
			k, err = io.ReadFull(br, crlf[1:])
			k++
		}
		if err != nil {
			return nil, fmt.Errorf("reading chunk: %w", eofIsUnexpected(err))
		}
		if last := crlf[k-1]; last != '\n' {
			return nil, errors.New("chunk not followed by CRLF")
		}
	}
}

func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isToken reports an RFC 9110 token (a valid field name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			continue
		}
		if bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) < 0 {
			return false
		}
	}
	return true
}

// clip shortens outside input quoted in an error.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
