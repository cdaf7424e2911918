package sigv4

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzSign feeds arbitrary requests (seeded with the golden suites'
// requests) to both signing forms: canonicalization never panics, signing
// is deterministic, the cached and uncached key paths agree, and a reused
// template signs as a freshly built one does.
func FuzzSign(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(suiteDir, "v4", "*", "request.txt"))
	more, _ := filepath.Glob(filepath.Join(suiteDir, "classic-extra", "*", "*.req"))
	for _, name := range append(files, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "us-east-1", "service", false, false, "")
		f.Add(string(b), "us-west-2", "sts", true, true, "token/+=")
	}
	f.Fuzz(func(t *testing.T, raw, region, service string, noNormalize, single bool, token string) {
		req := fuzzRequest(raw)
		c := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: exampleSecret, SessionToken: token}
		o := &Options{Service: service, Region: region, Time: time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC),
			Expires: time.Hour, DisablePathNormalization: noNormalize, DisableDoubleEncoding: single}
		var warm Signer
		for _, presign := range []bool{true, false} {
			sign := func(s *Signer) ([]byte, error) {
				if presign {
					return s.AppendPresignedURL(nil, req, c, o)
				}
				return s.AppendAuthorization(nil, req, c, o)
			}
			a, errA := sign(&warm)
			b, errB := sign(&warm) // cached key and template now
			var cold Signer
			cold.keys.disabled = true
			cold.rebuild = true
			d, errD := sign(&cold)
			if (errA == nil) != (errB == nil) || (errA == nil) != (errD == nil) {
				t.Fatalf("errors differ: %v / %v / %v", errA, errB, errD)
			}
			if errA != nil {
				if strings.Contains(errA.Error(), exampleSecret) {
					t.Fatalf("secret in error %v", errA)
				}
				continue
			}
			if !bytes.Equal(a, b) || !bytes.Equal(a, d) {
				t.Fatalf("not deterministic:\n%s\n%s\n%s", a, b, d)
			}
		}
	})
}

// fuzzRequest parses a raw request leniently: the fuzzer may send anything.
func fuzzRequest(raw string) *Request {
	head, _, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	req := &Request{Host: "example.amazonaws.com"}
	if f := strings.Fields(lines[0]); len(f) >= 2 {
		req.Method = f[0]
		var q string
		req.Path, q, _ = strings.Cut(f[1], "?")
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			req.Query = append(req.Query, Param{k, v})
		}
	}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		if strings.EqualFold(k, "host") {
			req.Host = v
			continue
		}
		req.Headers = append(req.Headers, Param{k, v})
	}
	return req
}
