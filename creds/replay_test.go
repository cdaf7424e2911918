//go:build !nonet

package creds

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// smithyDir is where the smithy-rs credential test cases were copied.
const smithyDir = "testdata/smithy-rs/aws/rust-runtime/aws-config/test-data"

// recordedExchange is one request/response pair of an http-traffic.json.
type recordedExchange struct {
	Method, URI string
	ReqHeaders  map[string][]string
	ReqBody     string
	Status      int
	RespHeaders map[string][]string
	RespBody    string
}

type smithyCase struct {
	Dir       string
	Env       map[string]string
	Exchanges []recordedExchange
	Result    struct {
		Ok *struct {
			AccessKeyID     string `json:"access_key_id"`
			SecretAccessKey string `json:"secret_access_key"`
			SessionToken    string `json:"session_token"`
			AccountID       string `json:"account_id"`
			Expiry          *int64 `json:"expiry"`
		} `json:"Ok"`
		ErrorContains string `json:"ErrorContains"`
	}
}

func loadSmithyCase(t *testing.T, name string) *smithyCase {
	t.Helper()
	c := &smithyCase{Dir: filepath.Join(smithyDir, name)}
	readJSON(t, filepath.Join(c.Dir, "env.json"), &c.Env)
	var tc struct {
		Result json.RawMessage `json:"result"`
	}
	readJSON(t, filepath.Join(c.Dir, "test-case.json"), &tc)
	if err := json.Unmarshal(tc.Result, &c.Result); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(c.Dir, "http-traffic.json")
	if _, err := os.Stat(p); err != nil {
		return c
	}
	var traffic struct {
		Events []struct {
			ConnectionID int `json:"connection_id"`
			Action       struct {
				Request *struct {
					Request struct {
						URI     string              `json:"uri"`
						Headers map[string][]string `json:"headers"`
						Method  string              `json:"method"`
					} `json:"request"`
				} `json:"Request"`
				Response *struct {
					Response struct {
						Ok *struct {
							Status  int                 `json:"status"`
							Headers map[string][]string `json:"headers"`
						} `json:"Ok"`
					} `json:"response"`
				} `json:"Response"`
				Data *struct {
					Data struct {
						Utf8   *string `json:"Utf8"`
						Base64 *string `json:"Base64"`
					} `json:"data"`
					Direction string `json:"direction"`
				} `json:"Data"`
			} `json:"action"`
		} `json:"events"`
	}
	readJSON(t, p, &traffic)
	byConn := map[int]*recordedExchange{}
	var order []int
	for _, e := range traffic.Events {
		x := byConn[e.ConnectionID]
		if x == nil {
			x = &recordedExchange{}
			byConn[e.ConnectionID] = x
			order = append(order, e.ConnectionID)
		}
		a := e.Action
		switch {
		case a.Request != nil:
			x.Method, x.URI, x.ReqHeaders = a.Request.Request.Method, a.Request.Request.URI, a.Request.Request.Headers
		case a.Response != nil && a.Response.Response.Ok != nil:
			x.Status, x.RespHeaders = a.Response.Response.Ok.Status, a.Response.Response.Ok.Headers
		case a.Data != nil:
			var s string
			if a.Data.Data.Utf8 != nil {
				s = *a.Data.Data.Utf8
			} else if a.Data.Data.Base64 != nil {
				b, err := base64.StdEncoding.DecodeString(*a.Data.Data.Base64)
				if err != nil {
					t.Fatal(err)
				}
				s = string(b)
			}
			if a.Data.Direction == "Request" {
				x.ReqBody += s
			} else {
				x.RespBody += s
			}
		}
	}
	for _, id := range order {
		c.Exchanges = append(c.Exchanges, *byConn[id])
	}
	return c
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// expected returns the case's expected credentials.
func (c *smithyCase) expected(t *testing.T) Issued {
	t.Helper()
	ok := c.Result.Ok
	if ok == nil {
		t.Fatalf("%s expects an error", c.Dir)
	}
	want := Issued{Credentials: sigv4.Credentials{AccessKeyID: ok.AccessKeyID, SecretAccessKey: ok.SecretAccessKey, SessionToken: ok.SessionToken}, AccountID: ok.AccountID}
	if ok.Expiry != nil {
		want.Expires = time.Unix(*ok.Expiry, 0).UTC()
	}
	return want
}

// fsPath maps an absolute path of the case's fake file system to the copy.
func (c *smithyCase) fsPath(p string) string {
	return filepath.Join(c.Dir, "fs", filepath.FromSlash(p))
}

// replayServer answers the recorded exchanges in order, after checking that
// each request has the recorded method, path, query and body. Requests
// beyond the recording fail the test. check, when set, sees every request.
type replayServer struct {
	t            *testing.T
	c            *smithyCase
	mu           sync.Mutex
	next         int
	srv          *httptest.Server
	check        func(r *http.Request, body []byte)
	normalize    func(string) string
	repeatLast   bool // answer requests beyond the recording like the last one // applied to the recorded request body first
	orderedQuery bool
}

func newReplay(t *testing.T, c *smithyCase) *replayServer {
	rs := &replayServer{t: t, c: c, orderedQuery: true}
	rs.srv = httptest.NewServer(http.HandlerFunc(rs.serve))
	t.Cleanup(rs.srv.Close)
	return rs
}

func (rs *replayServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rs.mu.Lock()
	i := rs.next
	rs.next++
	rs.mu.Unlock()
	if i >= len(rs.c.Exchanges) && rs.repeatLast && i > 0 {
		i = len(rs.c.Exchanges) - 1
	} else if i >= len(rs.c.Exchanges) {
		rs.t.Errorf("%s: unexpected request %d: %s %s", rs.c.Dir, i, r.Method, r.URL)
		http.Error(w, "not recorded", 599)
		return
	}
	x := rs.c.Exchanges[i]
	u, err := url.Parse(x.URI)
	if err != nil {
		rs.t.Fatal(err)
	}
	if r.Method != x.Method {
		rs.t.Errorf("%s request %d: method %s, recorded %s", rs.c.Dir, i, r.Method, x.Method)
	}
	wantPath := u.EscapedPath()
	if wantPath == "" {
		wantPath = "/"
	}
	if r.URL.EscapedPath() != wantPath {
		rs.t.Errorf("%s request %d: path %q, recorded %q", rs.c.Dir, i, r.URL.EscapedPath(), wantPath)
	}
	if rs.orderedQuery {
		if r.URL.RawQuery != u.RawQuery {
			rs.t.Errorf("%s request %d: query %q, recorded %q", rs.c.Dir, i, r.URL.RawQuery, u.RawQuery)
		}
	} else if got, want := r.URL.Query().Encode(), u.Query().Encode(); got != want {
		rs.t.Errorf("%s request %d: query %q, recorded %q", rs.c.Dir, i, got, want)
	}
	if rs.normalize != nil {
		x.ReqBody = rs.normalize(x.ReqBody)
	}
	if string(body) != x.ReqBody {
		rs.t.Errorf("%s request %d: body\n%q\nrecorded\n%q", rs.c.Dir, i, body, x.ReqBody)
	}
	if rs.check != nil {
		rs.check(r, body)
	}
	for k, vs := range x.RespHeaders {
		if strings.EqualFold(k, "content-length") || strings.EqualFold(k, "connection") {
			continue
		}
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(x.Status)
	io.WriteString(w, x.RespBody)
}

// served reports how many requests were answered.
func (rs *replayServer) served() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.next
}

// hostOf returns scheme://host of the recorded request i.
func (c *smithyCase) origin(t *testing.T, i int) string {
	u, err := url.Parse(c.Exchanges[i].URI)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scheme + "://" + u.Host
}

// noSleep makes retries immediate in tests.
func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

func testHTTP() *httpClient { return newHTTPClient(HTTPConfig{}) }

func getenvMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func readAllString(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
