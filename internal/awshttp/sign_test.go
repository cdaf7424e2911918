//go:build !nonet

package awshttp

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/sigv4/sigv4http"
)

// Sign must produce exactly the headers sigv4http.Sign sets on the same
// request as an *http.Request.
func TestSignMatchesSigv4http(t *testing.T) {
	now := time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, method, url string
		body              []byte
		creds             sigv4.Credentials
		opts              sigv4.Options
	}{
		{"sts post", "POST", "https://sts.us-east-1.amazonaws.com/", []byte("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr"),
			sigv4.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret", SessionToken: "tok"}, sigv4.Options{Service: "sts", Region: "us-east-1", Time: now}},
		{"eks get, query", "GET", "https://eks.us-west-2.amazonaws.com/clusters/prod?b=2&a=1&a=0", nil,
			sigv4.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, sigv4.Options{Service: "eks", Region: "us-west-2", Time: now}},
		{"content sha256", "PUT", "http://127.0.0.1:8080/a%20b", []byte("{}"),
			sigv4.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, sigv4.Options{Service: "s3", Region: "eu-west-1", Time: now, AddContentSHA256: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			hr, err := http.NewRequest(c.method, c.url, bytes.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			hr.Header.Set("User-Agent", "not signed")
			o := c.opts
			if err := sigv4http.Sign(new(sigv4.Signer), hr, c.creds, &o); err != nil {
				t.Fatal(err)
			}
			r := &Request{Method: c.method, URL: mustURL(t, c.url), Body: c.body,
				Header: Header{{"Content-Type", "application/x-www-form-urlencoded"}, {"User-Agent", "not signed"}}}
			o = c.opts
			if err := Sign(new(sigv4.Signer), r, c.creds, &o); err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"} {
				if got, want := r.Header.Get(h), hr.Header.Get(h); got != want {
					t.Errorf("%s: got %q, want %q", h, got, want)
				}
			}
			if r.Header.Get("Authorization") == "" {
				t.Error("not signed")
			}
		})
	}
}
