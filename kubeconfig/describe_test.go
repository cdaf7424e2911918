//go:build !nonet

package kubeconfig

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/sigv4/sigv4http"
)

var testCreds = sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "session-token-example"}

func hmacSHA256(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}

// verifySigV4 checks a header-signed request the way AWS does, written
// from the SigV4 specification independently of package sigv4.
func verifySigV4(r *http.Request, c sigv4.Credentials, region, service string) error {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return fmt.Errorf("authorization %q is not SigV4", auth)
	}
	fields := map[string]string{}
	for _, f := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		fields[k] = v
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(sigv4.TimeFormat, amzDate)
	if err != nil {
		return fmt.Errorf("X-Amz-Date %q: %v", amzDate, err)
	}
	if d := time.Since(t); d < -time.Minute || d > 5*time.Minute {
		return fmt.Errorf("X-Amz-Date %s is %v off", amzDate, d)
	}
	scope := t.Format("20060102") + "/" + region + "/" + service + "/aws4_request"
	if fields["Credential"] != c.AccessKeyID+"/"+scope {
		return fmt.Errorf("credential %q, want scope %s", fields["Credential"], scope)
	}
	if r.Header.Get("X-Amz-Security-Token") != c.SessionToken {
		return fmt.Errorf("session token header missing or wrong")
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signed) {
		return fmt.Errorf("signed headers not sorted: %v", signed)
	}
	need := map[string]bool{"host": false, "x-amz-date": false, "x-amz-security-token": false}
	var canonHeaders strings.Builder
	for _, h := range signed {
		var v string
		if h == "host" {
			v = r.Host
		} else {
			v = strings.Join(r.Header.Values(h), ",")
		}
		if _, ok := need[h]; ok {
			need[h] = true
		}
		canonHeaders.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	for h, seen := range need {
		if !seen {
			return fmt.Errorf("%s is not signed (%v)", h, signed)
		}
	}
	canonical := strings.Join([]string{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, canonHeaders.String(), fields["SignedHeaders"],
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	k := hmacSHA256([]byte("AWS4"+c.SecretAccessKey), t.Format("20060102"))
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "aws4_request")
	if want := hex.EncodeToString(hmacSHA256(k, sts)); fields["Signature"] != want {
		return fmt.Errorf("signature %s, want %s\ncanonical request:\n%s", fields["Signature"], want, canonical)
	}
	return nil
}

// fakeEKS serves DescribeCluster for the clusters it knows, after checking
// the signature; it answers like EKS (REST-JSON, X-Amzn-ErrorType).
func fakeEKS(t *testing.T, region string, clusters map[string]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if err := verifySigV4(r, testCreds, region, "eks"); err != nil {
			t.Errorf("bad signature: %v", err)
			w.Header().Set("X-Amzn-ErrorType", "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"The request signature we calculated does not match the signature you provided."}`)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, "/clusters/")
		if r.Method != http.MethodGet || !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if name == "forbidden" {
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"User: arn:aws:iam::111122223333:user/x is not authorized to perform: eks:DescribeCluster"}`)
			return
		}
		if name == "creating" {
			fmt.Fprint(w, `{"cluster":{"name":"creating","status":"CREATING","certificateAuthority":{}}}`)
			return
		}
		server, ok := clusters[name]
		if !ok {
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.eks/")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"message":"No cluster found for name: %s.","__type":"ResourceNotFoundException"}`, name)
			return
		}
		fmt.Fprintf(w, `{"cluster":{"name":%q,"arn":"arn:aws:eks:%s:111122223333:cluster/%s","createdAt":1.7e9,"version":"1.31","endpoint":%q,`+
			`"roleArn":"arn:aws:iam::111122223333:role/eks","resourcesVpcConfig":{"subnetIds":[]},"status":"ACTIVE",`+
			`"certificateAuthority":{"data":"Y2E="},"platformVersion":"eks.9","tags":{}}}`, name, region, name, server)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDescribeCluster(t *testing.T) {
	srv := fakeEKS(t, "us-west-2", map[string]string{"prod": "https://ABC.gr7.us-west-2.eks.amazonaws.com"})
	var signer sigv4.Signer
	ctx := context.Background()

	info, err := DescribeClusterWith(ctx, srv.Client(), &signer, testCreds, "us-west-2", srv.URL, "prod")
	if err != nil {
		t.Fatal(err)
	}
	want := ClusterInfo{Name: "prod", ARN: "arn:aws:eks:us-west-2:111122223333:cluster/prod", Endpoint: "https://ABC.gr7.us-west-2.eks.amazonaws.com", CertificateAuthorityData: "Y2E=", Status: "ACTIVE"}
	if *info != want {
		t.Errorf("got %+v", *info)
	}
	for name, wantErr := range map[string]string{
		"nope":      "cluster nope not found in us-west-2",
		"forbidden": "EKS DescribeCluster forbidden: AccessDeniedException: User: arn:aws:iam::111122223333:user/x is not authorized to perform: eks:DescribeCluster",
		"creating":  "cluster creating has no endpoint or CA yet (status CREATING)",
		"a/b":       `cluster name "a/b" is not valid`,
	} {
		_, err := DescribeClusterWith(ctx, srv.Client(), &signer, testCreds, "us-west-2", srv.URL, name)
		if err == nil || err.Error() != wantErr {
			t.Errorf("%s: err = %v, want %q", name, err, wantErr)
		}
		if err != nil && strings.Contains(err.Error(), testCreds.SecretAccessKey) {
			t.Errorf("error leaks the secret")
		}
	}
	// A wrong region is caught by the server's signature check.
	bad := fakeEKS(&testing.T{}, "eu-west-1", nil)
	if _, err := DescribeClusterWith(ctx, bad.Client(), &signer, testCreds, "us-west-2", bad.URL, "prod"); err == nil || !strings.Contains(err.Error(), "InvalidSignatureException") {
		t.Errorf("wrong region: err = %v", err)
	}
	if _, err := DescribeClusterWith(ctx, srv.Client(), &signer, testCreds, "us-west-2", "ftp://x", "prod"); err == nil {
		t.Error("ftp endpoint accepted")
	}
}

// TestVerifySigV4 shows the fake's checker rejects what it must.
func TestVerifySigV4(t *testing.T) {
	var signer sigv4.Signer
	mk := func() *http.Request {
		r := httptest.NewRequest("GET", "https://eks.us-west-2.amazonaws.com/clusters/prod", nil)
		r.Header.Set("Accept", "application/json")
		if err := sigv4http.Sign(&signer, r, testCreds, &sigv4.Options{Service: "eks", Region: "us-west-2", Time: time.Now()}); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if err := verifySigV4(mk(), testCreds, "us-west-2", "eks"); err != nil {
		t.Fatalf("valid request rejected: %v", err)
	}
	for name, tamper := range map[string]func(*http.Request){
		"path":    func(r *http.Request) { r.URL.Path = "/clusters/other" },
		"header":  func(r *http.Request) { r.Header.Set("Accept", "text/plain") },
		"host":    func(r *http.Request) { r.Host = "eks.us-east-1.amazonaws.com" },
		"token":   func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", "other") },
		"service": func(r *http.Request) {},
	} {
		r := mk()
		tamper(r)
		service := "eks"
		if name == "service" {
			service = "sts"
		}
		if err := verifySigV4(r, testCreds, "us-west-2", service); err == nil {
			t.Errorf("%s: tampered request accepted", name)
		}
	}
}
