package sigv4http

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

var (
	creds = sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		SessionToken: "FQoGZXIvYXdzEExampleSessionTokenValue/+=="}
	at = time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
)

func opts() *sigv4.Options {
	return &sigv4.Options{Service: "sts", Region: "us-west-2", Time: at, Expires: time.Minute}
}

// TestAgreesWithAppendPath: the *http.Request adapters sign exactly as the
// append path does for the same request.
func TestAgreesWithAppendPath(t *testing.T) {
	var s sigv4.Signer
	r, _ := http.NewRequest("GET", "https://sts.us-west-2.amazonaws.com/?Version=2011-06-15&Action=GetCallerIdentity", nil)
	r.Header.Set("x-k8s-aws-id", "my-production-cluster")
	r.Header.Set("User-Agent", "not signed")
	pu, err := Presign(&s, r, creds, opts())
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.AppendPresignedURL(nil, &sigv4.Request{Host: "sts.us-west-2.amazonaws.com", Path: "/",
		Query:   []sigv4.Param{{Key: "Action", Value: "GetCallerIdentity"}, {Key: "Version", Value: "2011-06-15"}},
		Headers: []sigv4.Param{{Key: "x-k8s-aws-id", Value: "my-production-cluster"}}}, creds, opts())
	if err != nil {
		t.Fatal(err)
	}
	if pu.String() != string(b) {
		t.Errorf("Presign %s\nAppendPresignedURL %s", pu, b)
	}

	body := "Action=AssumeRole&Version=2011-06-15"
	hr, _ := http.NewRequest("POST", "https://sts.us-west-2.amazonaws.com/", strings.NewReader(body))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	o := opts()
	var tr sigv4.Stages
	o.Trace = &tr
	if err := Sign(&s, hr, creds, o); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	auth, err := s.AppendAuthorization(nil, &sigv4.Request{Method: "POST", Host: "sts.us-west-2.amazonaws.com", Path: "/",
		Headers: []sigv4.Param{{Key: "Content-Type", Value: "application/x-www-form-urlencoded"}, {Key: "Content-Length", Value: fmt.Sprint(len(body))}}},
		creds, &sigv4.Options{Service: "sts", Region: "us-west-2", Time: at, PayloadHash: hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	if got := hr.Header.Get("Authorization"); got != string(auth) {
		t.Errorf("Sign %s\nAppendAuthorization %s", got, auth)
	}
	if hr.Header.Get("X-Amz-Date") != "20261204T160000Z" || hr.Header.Get("X-Amz-Security-Token") != creds.SessionToken {
		t.Errorf("Sign headers: %v", hr.Header)
	}
	if !strings.HasSuffix(tr.CanonicalRequest, "\n"+hex.EncodeToString(sum[:])) {
		t.Errorf("body not hashed into the canonical request:\n%s", tr.CanonicalRequest)
	}
}

func TestBadInput(t *testing.T) {
	var s sigv4.Signer
	r, _ := http.NewRequest("POST", "https://h/", struct{ *strings.Reader }{strings.NewReader("x")})
	r.GetBody = nil
	if err := Sign(&s, r, creds, opts()); err == nil || !strings.Contains(err.Error(), "PayloadHash") {
		t.Errorf("unhashable body: %v", err)
	}
	if err := Sign(&s, nil, creds, opts()); err == nil {
		t.Error("nil request signed")
	}
	if _, err := Presign(&s, r, creds, nil); err == nil {
		t.Error("nil options accepted")
	}
	bad, _ := http.NewRequest("GET", "https://h/?a=%zz", nil)
	if _, err := Presign(&s, bad, creds, opts()); err == nil {
		t.Error("malformed query accepted")
	}
}

func BenchmarkPresign(b *testing.B) {
	var s sigv4.Signer
	o := opts()
	r, _ := http.NewRequest("GET", "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	r.Header.Set("x-k8s-aws-id", "my-production-cluster")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Presign(&s, r, creds, o); err != nil {
			b.Fatal(err)
		}
	}
}

// Signing an API call in the Authorization header.
func ExampleSign() {
	var signer sigv4.Signer
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	r, _ := http.NewRequest("GET", "https://eks.eu-west-1.amazonaws.com/clusters/my-cluster", nil)
	err := Sign(&signer, r, creds, &sigv4.Options{Service: "eks", Region: "eu-west-1",
		Time: time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Header.Get("X-Amz-Date"))
	fmt.Println(strings.ReplaceAll(r.Header.Get("Authorization"), ", ", ",\n"))
	// Output:
	// 20261204T160000Z
	// AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261204/eu-west-1/eks/aws4_request,
	// SignedHeaders=host;x-amz-date,
	// Signature=b87c05fc0ed5915c649291564ab2eb4a44dc0afa72c568ea9df6a41011bf857b
}

// TestOpaquePath: a URL whose Opaque is "//host/escaped/path" is signed for
// the path Go sends, "/escaped/path", as aws-sdk-go-v2 does.
func TestOpaquePath(t *testing.T) {
	var s sigv4.Signer
	r, _ := http.NewRequest("GET", "https://example.amazonaws.com/", nil)
	r.URL.Opaque = "//example.amazonaws.com/a%2Fb/c"
	var tr sigv4.Stages
	o := opts()
	o.Trace = &tr
	if err := Sign(&s, r, creds, o); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tr.CanonicalRequest, "GET\n/a%252Fb/c\n") {
		t.Errorf("canonical request:\n%s", tr.CanonicalRequest)
	}
	// Go sends the absolute form, whose path the server signs.
	if got := r.URL.RequestURI(); got != "https://example.amazonaws.com/a%2Fb/c" {
		t.Errorf("Go sends %q", got)
	}
}
