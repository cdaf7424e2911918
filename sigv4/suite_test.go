package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The golden suites under testdata/sigv4 (see its README): the AWS Common
// Runtime's v4 suite, every stage of both header and query signing, and five
// cases of botocore's older suite (header signing).

const suiteDir = "../testdata/sigv4"

type suiteContext struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	ExpirationInSeconds int       `json:"expiration_in_seconds"`
	Normalize           bool      `json:"normalize"`
	Region              string    `json:"region"`
	Service             string    `json:"service"`
	SignBody            bool      `json:"sign_body"`
	Timestamp           time.Time `json:"timestamp"`
	OmitSessionToken    bool      `json:"omit_session_token"`
}

// rawRequest is a request.txt parsed as the suite means it: the request
// line's target taken literally (spaces and UTF-8 included), folded header
// lines kept as one header, the body after the blank line.
type rawRequest struct {
	method, path, rawQuery string
	headers                []Param // as written, continuation lines joined with "\n"
	body                   string
}

func parseRawRequest(t *testing.T, s string) rawRequest {
	t.Helper()
	head, body, _ := strings.Cut(s, "\n\n")
	lines := strings.Split(head, "\n")
	first := lines[0]
	sp1 := strings.IndexByte(first, ' ')
	sp2 := strings.LastIndexByte(first, ' ')
	if sp1 < 0 || sp2 <= sp1 {
		t.Fatalf("bad request line %q", first)
	}
	var r rawRequest
	r.method = first[:sp1]
	r.path, r.rawQuery, _ = strings.Cut(first[sp1+1:sp2], "?")
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			r.headers[len(r.headers)-1].Value += "\n" + l
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		r.headers = append(r.headers, Param{k, v})
	}
	r.body = body
	return r
}

// request turns the raw request into the signer's input; the query is
// decoded (the signer encodes it again).
func (r rawRequest) request(t *testing.T, skip ...string) *Request {
	req := &Request{Method: r.method, Path: r.path}
	for _, h := range r.headers {
		switch {
		case strings.EqualFold(h.Key, "host"):
			req.Host = h.Value
		case slices.ContainsFunc(skip, func(s string) bool { return strings.EqualFold(s, h.Key) }):
		default:
			req.Headers = append(req.Headers, h)
		}
	}
	if r.rawQuery != "" {
		for _, kv := range strings.Split(r.rawQuery, "&") {
			k, v, _ := strings.Cut(kv, "=")
			k1, err1 := url.PathUnescape(k)
			v1, err2 := url.PathUnescape(v)
			if err1 != nil || err2 != nil {
				t.Fatalf("bad query %q", r.rawQuery)
			}
			req.Query = append(req.Query, Param{k1, v1})
		}
	}
	return req
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// headerSet is a request's header lines as a sorted multiset, so that two
// signed requests compare equal whatever order their headers come in.
func headerSet(hs []Param) []string {
	var out []string
	for _, h := range hs {
		out = append(out, strings.ToLower(h.Key)+":"+strings.TrimSpace(h.Value))
	}
	slices.Sort(out)
	return out
}

func querySet(raw string) []string {
	out := strings.Split(raw, "&")
	slices.Sort(out)
	return out
}

func checkStage(t *testing.T, stage, got, want string) {
	t.Helper()
	want = strings.TrimRight(want, "\n")
	if got != want {
		t.Errorf("%s differs\n--- got\n%s\n--- want\n%s", stage, got, want)
	}
}

func TestSuiteV4(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(suiteDir, "v4", "*", "context.json"))
	if err != nil || len(dirs) != 38 {
		t.Fatalf("want the 38 cases of the v4 suite, found %d (%v)", len(dirs), err)
	}
	for _, ctxFile := range dirs {
		dir := filepath.Dir(ctxFile)
		name := filepath.Base(dir)
		var sc suiteContext
		if err := json.Unmarshal([]byte(readFile(t, ctxFile)), &sc); err != nil {
			t.Fatal(err)
		}
		raw := parseRawRequest(t, readFile(t, filepath.Join(dir, "request.txt")))
		creds := Credentials{AccessKeyID: sc.Credentials.AccessKeyID, SecretAccessKey: sc.Credentials.SecretAccessKey, SessionToken: sc.Credentials.Token}
		opts := func(tr *Stages) *Options {
			return &Options{
				Service: sc.Service, Region: sc.Region, Time: sc.Timestamp,
				Expires:                  time.Duration(sc.ExpirationInSeconds) * time.Second,
				PayloadHash:              sha256Hex(raw.body),
				AddContentSHA256:         sc.SignBody,
				DisablePathNormalization: !sc.Normalize,
				OmitSessionToken:         sc.OmitSessionToken,
				Trace:                    tr,
			}
		}
		var signer Signer
		t.Run(name+"/header", func(t *testing.T) {
			var tr Stages
			auth, err := signer.AppendAuthorization(nil, raw.request(t), creds, opts(&tr))
			if err != nil {
				t.Fatal(err)
			}
			t.Run("canonical-request", func(t *testing.T) {
				checkStage(t, "canonical request", tr.CanonicalRequest, readFile(t, filepath.Join(dir, "header-canonical-request.txt")))
			})
			t.Run("string-to-sign", func(t *testing.T) {
				checkStage(t, "string to sign", tr.StringToSign, readFile(t, filepath.Join(dir, "header-string-to-sign.txt")))
			})
			t.Run("signature", func(t *testing.T) {
				checkStage(t, "signature", tr.Signature, readFile(t, filepath.Join(dir, "header-signature.txt")))
			})
			t.Run("signed-request", func(t *testing.T) {
				// The signed request: the original plus the headers the
				// signer asks the caller to send.
				got := raw
				got.headers = append(slices.Clone(raw.headers), Param{"X-Amz-Date", string(AppendAmzDate(nil, sc.Timestamp))})
				if creds.SessionToken != "" {
					got.headers = append(got.headers, Param{"X-Amz-Security-Token", creds.SessionToken})
				}
				if sc.SignBody {
					got.headers = append(got.headers, Param{"X-Amz-Content-Sha256", sha256Hex(raw.body)})
				}
				got.headers = append(got.headers, Param{"Authorization", string(auth)})
				want := parseRawRequest(t, readFile(t, filepath.Join(dir, "header-signed-request.txt")))
				compareSigned(t, got, want)
			})
		})
		t.Run(name+"/query", func(t *testing.T) {
			var tr Stages
			req := raw.request(t)
			u, err := signer.AppendPresignedURL(nil, req, creds, opts(&tr))
			if err != nil {
				t.Fatal(err)
			}
			t.Run("canonical-request", func(t *testing.T) {
				checkStage(t, "canonical request", tr.CanonicalRequest, readFile(t, filepath.Join(dir, "query-canonical-request.txt")))
			})
			t.Run("string-to-sign", func(t *testing.T) {
				checkStage(t, "string to sign", tr.StringToSign, readFile(t, filepath.Join(dir, "query-string-to-sign.txt")))
			})
			t.Run("signature", func(t *testing.T) {
				checkStage(t, "signature", tr.Signature, readFile(t, filepath.Join(dir, "query-signature.txt")))
			})
			t.Run("signed-request", func(t *testing.T) {
				want := parseRawRequest(t, readFile(t, filepath.Join(dir, "query-signed-request.txt")))
				rest, ok := strings.CutPrefix(string(u), "https://"+req.Host)
				if !ok {
					t.Fatalf("presigned URL %q does not start with the host", u)
				}
				got := raw
				got.path, got.rawQuery, _ = strings.Cut(rest, "?")
				if raw.rawQuery != "" {
					// The suite's signed request keeps the caller's
					// parameters in their original encoding; ours are
					// canonical. Compare those decoded.
					got.rawQuery = decodeQuery(got.rawQuery)
					want.rawQuery = decodeQuery(want.rawQuery)
				}
				compareSigned(t, got, want)
			})
		})
	}
}

func decodeQuery(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		if d, err := url.PathUnescape(p); err == nil {
			parts[i] = d
		}
	}
	return strings.Join(parts, "&")
}

func compareSigned(t *testing.T, got, want rawRequest) {
	t.Helper()
	if got.method != want.method || got.path != want.path {
		t.Errorf("request line: got %s %s, want %s %s", got.method, got.path, want.method, want.path)
	}
	if g, w := querySet(got.rawQuery), querySet(want.rawQuery); !slices.Equal(g, w) {
		t.Errorf("query parameters differ\n got %q\nwant %q", g, w)
	}
	if g, w := headerSet(got.headers), headerSet(want.headers); !slices.Equal(g, w) {
		t.Errorf("headers differ\n got %q\nwant %q", g, w)
	}
	if got.body != strings.TrimRight(want.body, "\n") && got.body != want.body {
		t.Errorf("body: got %q, want %q", got.body, want.body)
	}
}

// TestSuiteClassic runs botocore's older cases (header signing only). Their
// requests already carry X-Amz-Date: the signer adds its own from the time.
func TestSuiteClassic(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(suiteDir, "classic-extra", "*"))
	var n int
	for _, dir := range dirs {
		name := filepath.Base(dir)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			raw := parseRawRequest(t, readFile(t, filepath.Join(dir, name+".req")))
			var tr Stages
			var signer Signer
			auth, err := signer.AppendAuthorization(nil, raw.request(t, "X-Amz-Date"),
				Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
				&Options{Service: "service", Region: "us-east-1", Time: time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC),
					PayloadHash: sha256Hex(raw.body), Trace: &tr})
			if err != nil {
				t.Fatal(err)
			}
			checkStage(t, "canonical request", tr.CanonicalRequest, readFile(t, filepath.Join(dir, name+".creq")))
			checkStage(t, "string to sign", tr.StringToSign, readFile(t, filepath.Join(dir, name+".sts")))
			checkStage(t, "authorization", string(auth), readFile(t, filepath.Join(dir, name+".authz")))
			got := raw
			got.headers = append(slices.Clone(raw.headers), Param{"Authorization", string(auth)})
			compareSigned(t, got, parseRawRequest(t, readFile(t, filepath.Join(dir, name+".sreq"))))
		})
	}
	if n != 5 {
		t.Fatalf("want the 5 classic cases, found %d", n)
	}
}
