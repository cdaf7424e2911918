//go:build !nonet

package awshttp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func parse(s, method string, maxBody int64) (*Response, error) {
	return readResponse(bufio.NewReader(strings.NewReader(s)), method, maxBody)
}

func TestReadResponseFraming(t *testing.T) {
	for _, c := range []struct {
		name, in, method, body string
		status                 int
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", "GET", "hello", 200},
		{"same content-length twice", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi", "GET", "hi", 200},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "GET", "hello world", 200},
		{"chunked with extensions and trailers", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val\r\nhello\r\nA ; x\r\n0123456789\r\n0;last\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n", "GET", "hello0123456789", 200},
		{"chunked bare LF", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nhi\n0\n\n", "GET", "hi", 200},
		{"chunked beats content-length", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", "GET", "hi", 200},
		{"read to close", "HTTP/1.0 200 OK\r\nX: y\r\n\r\nall the rest\r\nof it", "GET", "all the rest\r\nof it", 200},
		{"no reason phrase", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", "GET", "", 404},
		{"interim 100 skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", "PUT", "ok", 201},
		{"HEAD has no body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD", "", 200},
		{"204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", "GET", "", 204},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := parse(c.in, c.method, DefaultMaxBody)
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode != c.status || string(r.Body) != c.body {
				t.Errorf("got %d %q, want %d %q", r.StatusCode, r.Body, c.status, c.body)
			}
		})
	}
}

func TestReadResponseHeader(t *testing.T) {
	r, err := parse("HTTP/1.1 403 Forbidden\r\nx-amzn-ErrorType:  AccessDenied \r\nSet: a\r\nset: b\r\nContent-Length: 0\r\n\r\n", "GET", DefaultMaxBody)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != "403 Forbidden" || r.Header.Get("X-Amzn-Errortype") != "AccessDenied" || strings.Join(r.Header.Values("SET"), ",") != "a,b" {
		t.Errorf("got %q %q", r.Status, r.Header)
	}
}

func TestReadResponseMalformed(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "connection closed before a response"},
		{"truncated status", "HTTP/1.1 200", "unexpected EOF"},
		{"not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", "malformed status line"},
		{"HTTP/2", "HTTP/2 200\r\n\r\n", "malformed status line"},
		{"short code", "HTTP/1.1 20 OK\r\n\r\n", "malformed status code"},
		{"letters in code", "HTTP/1.1 2x0 OK\r\n\r\n", "malformed status code"},
		{"code 600", "HTTP/1.1 600 OK\r\n\r\n", "malformed status code"},
		{"control in reason", "HTTP/1.1 200 O\x00K\r\n\r\n", "malformed status line"},
		{"obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "obsolete line folding"},
		{"no colon", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "malformed response header line"},
		{"space before colon", "HTTP/1.1 200 OK\r\nX : a\r\n\r\n", "malformed response header line"},
		{"empty name", "HTTP/1.1 200 OK\r\n: a\r\n\r\n", "malformed response header line"},
		{"control in value", "HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n", "malformed value"},
		{"headers cut", "HTTP/1.1 200 OK\r\nX: a\r\n", "unexpected EOF"},
		{"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "malformed Content-Length"},
		{"plus content-length", "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx", "malformed Content-Length"},
		{"conflicting content-length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", "conflicting Content-Length"},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "unexpected EOF"},
		{"gzip transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "unsupported Transfer-Encoding"},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size"},
		{"negative chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "malformed chunk size"},
		{"0x chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nhi\r\n0\r\n\r\n", "malformed chunk size"},
		{"huge chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", "malformed chunk size"},
		{"chunk without CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX\r\n0\r\n\r\n", "chunk not followed by CRLF"},
		{"chunked cut", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "unexpected EOF"},
		{"no last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n", "unexpected EOF"},
		{"HTTP/1.0 with Transfer-Encoding", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.0 response with Transfer-Encoding"},
		{"101", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "101"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := parse(c.in, "GET", DefaultMaxBody)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, %v; want an error containing %q", r, err, c.want)
			}
		})
	}
}

func TestReadResponseLimits(t *testing.T) {
	big := strings.Repeat("x", 101)
	for _, c := range []struct{ name, in string }{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n" + big},
		{"content-length announced only", "HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n"},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + big[:50] + "\r\n33\r\n" + big[:51] + "\r\n0\r\n\r\n"},
		{"read to close", "HTTP/1.1 200 OK\r\n\r\n" + big},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := parse(c.in, "GET", 100); !errors.Is(err, ErrBodyTooLarge) {
				t.Errorf("err = %v, want ErrBodyTooLarge", err)
			}
		})
	}
	if r, err := parse("HTTP/1.1 200 OK\r\n\r\n"+big[:100], "GET", 100); err != nil || len(r.Body) != 100 {
		t.Errorf("body at the limit: %v", err)
	}
	long := "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n"
	if _, err := parse(long, "GET", 100); err == nil || !strings.Contains(err.Error(), "response header larger than") {
		t.Errorf("huge header: %v", err)
	}
	many := "HTTP/1.1 200 OK\r\n" + strings.Repeat("X-A: b\r\n", maxHeaderBytes/8+1) + "\r\n"
	if _, err := parse(many, "GET", 100); err == nil || !strings.Contains(err.Error(), "response header larger than") {
		t.Errorf("many headers: %v", err)
	}
	trailer := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + strings.Repeat("X-A: b\r\n", maxHeaderBytes/8+1) + "\r\n"
	if _, err := parse(trailer, "GET", 100); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("huge trailer: %v", err)
	}
}

// FuzzReadResponse checks the parser never panics, honours the body cap,
// and, where both it and net/http accept a response, reads the same status
// and body.
func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nT: x\r\n\r\n",
		"HTTP/1.0 500 Oops\r\n\r\nrest",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		const max = 1 << 10
		r, err := parse(in, "GET", max)
		if err != nil {
			return
		}
		if len(r.Body) > max || r.StatusCode < 100 || r.StatusCode > 599 {
			t.Fatalf("status %d, %d-byte body", r.StatusCode, len(r.Body))
		}
		hr, err := http.ReadResponse(bufio.NewReader(strings.NewReader(in)), &http.Request{Method: "GET"})
		if err != nil {
			return
		}
		body, err := io.ReadAll(hr.Body)
		if err != nil || hr.StatusCode == 100 {
			return // net/http does not skip 1xx in ReadResponse
		}
		if hr.StatusCode != r.StatusCode || !bytes.Equal(body, r.Body) {
			t.Fatalf("net/http read %d %q, we read %d %q", hr.StatusCode, body, r.StatusCode, r.Body)
		}
	})
}
