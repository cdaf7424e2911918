//go:build !nonet

package creds

import (
	"context"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func writeServerCA(t *testing.T, srv *httptest.Server) string {
	p := filepath.Join(t.TempDir(), "bundle.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// AWS_CA_BUNDLE: an STS behind a private CA (a TLS-inspecting proxy) is
// trusted with the bundle and refused without it.
func TestCABundle(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, stsOK("ASIATLS", time.Now().Add(time.Hour)).body)
	}))
	defer srv.Close()
	bundle := writeServerCA(t, srv)
	in := AssumeRoleInput{RoleARN: "arn:aws:iam::1:role/r", SessionName: "s"}

	s := newTestSTS(srv.URL)
	s.HTTP = newHTTPClient(HTTPConfig{CABundle: bundle})
	if got, err := s.AssumeRole(context.Background(), fakeBase, in); err != nil || got.AccessKeyID != "ASIATLS" {
		t.Fatalf("with bundle: %v %v", got, err)
	}
	s.HTTP = newHTTPClient(HTTPConfig{})
	s.Retry.Attempts = 1
	if _, err := s.AssumeRole(context.Background(), fakeBase, in); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without bundle: %v", err)
	}
	notPEM := filepath.Join(t.TempDir(), "x.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	for path, want := range map[string]string{notPEM: "holds no PEM certificate", filepath.Join(t.TempDir(), "missing.pem"): "no such file"} {
		s.HTTP = newHTTPClient(HTTPConfig{CABundle: path})
		if _, err := s.AssumeRole(context.Background(), fakeBase, in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// The bundle is read when a request is about to be made, not before: a
// static-key resolution never touches it, even a broken one.
func TestCABundleLazy(t *testing.T) {
	h := newHTTPClient(HTTPConfig{CABundle: "/nonexistent/bundle.pem"}) // no error yet
	if h.client != nil || h.err != nil {
		t.Fatal("built eagerly")
	}
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "credentials"), "[default]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s\n")
	res, err := Resolve(context.Background(), Request{Env: getenvMap(map[string]string{"HOME": home, "AWS_CA_BUNDLE": "/nonexistent/bundle.pem"})})
	if err != nil || res.Credentials.AccessKeyID != "AKIASTATIC" {
		t.Fatalf("%v %v", res, err)
	}
	if _, loaded := httpClients.Load("/nonexistent/bundle.pem"); loaded {
		t.Error("static-key resolution set up an HTTP client")
	}
	// A role profile does use it (and fails on the missing file).
	writeFile(t, filepath.Join(home, ".aws", "config"), "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n")
	_, err = Resolve(context.Background(), Request{Env: getenvMap(map[string]string{"HOME": home, "AWS_CA_BUNDLE": "/nonexistent/bundle.pem",
		"AWS_ENDPOINT_URL_STS": "https://127.0.0.1:1", "XDG_CACHE_HOME": t.TempDir()}), Profile: "r"})
	if err == nil || !strings.Contains(err.Error(), "AWS_CA_BUNDLE") {
		t.Errorf("role resolution with a missing bundle: %v", err)
	}
}

// HTTPS_PROXY-style proxying: requests to AWS go through the proxy;
// link-local ones (IMDS, container agents) never do.
func TestProxy(t *testing.T) {
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		if r.URL.Host != "sts.us-east-1.amazonaws.com" { // absolute-form request for the real host
			t.Errorf("proxy asked for %s", r.URL)
		}
		io.WriteString(w, stsOK("ASIAPROXY", time.Now().Add(time.Hour)).body)
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	s := newTestSTS("http://sts.us-east-1.amazonaws.com")
	s.HTTP = newHTTPClient(HTTPConfig{Proxy: http.ProxyURL(pu)})
	got, err := s.AssumeRole(context.Background(), fakeBase, AssumeRoleInput{RoleARN: "arn:aws:iam::1:role/r", SessionName: "s"})
	if err != nil || got.AccessKeyID != "ASIAPROXY" || proxied.Load() != 1 {
		t.Fatalf("%v %v, %d proxied", got, err, proxied.Load())
	}
	pf := skipLinkLocal(http.ProxyURL(pu))
	for _, u := range []string{"http://169.254.169.254/latest/api/token", "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::254]/", "http://127.0.0.1:9/"} {
		r, _ := http.NewRequest("GET", u, nil)
		if p, _ := pf(r); p != nil {
			t.Errorf("%s proxied via %s", u, p)
		}
	}
	r, _ := http.NewRequest("GET", "https://portal.sso.us-east-1.amazonaws.com/", nil)
	if p, _ := pf(r); p == nil {
		t.Error("AWS host not proxied")
	}
}

// Credential endpoints must not redirect us elsewhere with our tokens.
func TestNoRedirects(t *testing.T) {
	var hit atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit.Add(1) }))
	defer target.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusFound)
	}))
	defer srv.Close()
	_, err := (&SSO{Endpoint: srv.URL, HTTP: newHTTPClient(HTTPConfig{})}).GetRoleCredentials(context.Background(), "tok", "1", "R", "dev")
	if err == nil || hit.Load() != 0 {
		t.Errorf("redirect followed: %v, %d hits", err, hit.Load())
	}
}
