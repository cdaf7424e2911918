// Package fakests is an offline AWS STS that answers presigned
// GetCallerIdentity requests the way the real service does for an EKS
// token: it recomputes the SigV4 signature with aws-sdk-go-v2's signer from
// the request it receives — including the x-k8s-aws-id header that the
// verifier (not the token) supplies — and answers GetCallerIdentity JSON on
// a match, or a 403 error document otherwise.
//
// It is an http.RoundTripper. aws-iam-authenticator's verifier builds its
// http.Client with a nil Transport, so installing an STS as
// http.DefaultTransport (Install) routes the verifier's STS call here. Hosts
// that are not STS hosts go to the transport that was installed before, so
// loopback traffic in the same test keeps working.
//
// What it checks, in the order STS would fail a request:
//   - GET, path "/", Action=GetCallerIdentity, Version=2011-06-15;
//   - X-Amz-Algorithm=AWS4-HMAC-SHA256 and a credential scope
//     AKID/<day of X-Amz-Date>/<region of the host>/sts/aws4_request (the
//     global host sts.amazonaws.com signs for us-east-1);
//   - the access key is known and the session token is the one issued with it;
//   - the signing time is not more than 15 minutes ago nor more than 5
//     minutes ahead (clock skew);
//   - the signature equals the one aws-sdk-go-v2 computes for the request as
//     received, with exactly the signed headers it names, each taken from the
//     incoming request (a missing one is a mismatch).
package fakests

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Identity is a principal the fake STS knows: its credentials and what
// GetCallerIdentity answers for it.
type Identity struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Account, UserID                            string
	// ARNPath is the ARN without "arn:<partition>:" (the partition follows
	// the host), e.g. "iam::123456789012:user/alice".
	ARNPath string
}

// Seen records one request the STS answered.
type Seen struct {
	Host, Cluster string
	Status        int
	Error         string // error code for non-200 answers
}

// STS is the fake service. The zero value is not usable: use New.
type STS struct {
	Now func() time.Time

	mu     sync.Mutex
	ids    map[string]Identity
	seen   []Seen
	next   http.RoundTripper
	signer *v4.Signer
}

// New returns an STS knowing ids, with time.Now as its clock.
func New(ids ...Identity) *STS {
	s := &STS{Now: time.Now, ids: map[string]Identity{}, signer: v4.NewSigner(), next: http.DefaultTransport}
	for _, id := range ids {
		s.ids[id.AccessKeyID] = id
	}
	return s
}

// Install makes s http.DefaultTransport until the returned function runs.
func (s *STS) Install() (restore func()) {
	prev := http.DefaultTransport
	s.next = prev
	http.DefaultTransport = s
	return func() { http.DefaultTransport = prev }
}

// Seen returns the requests answered so far and forgets them.
func (s *STS) Seen() []Seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

// partitionOf maps an STS host to (partition, signing region). ok is false
// for hosts that are not STS hosts.
func partitionOf(host string) (partition, region string, ok bool) {
	if host == "sts.amazonaws.com" {
		return "aws", "us-east-1", true
	}
	label, rest, found := strings.Cut(host, ".")
	if !found || (label != "sts" && label != "sts-fips") {
		return "", "", false
	}
	region, domain, found := strings.Cut(rest, ".")
	if !found {
		return "", "", false
	}
	switch domain {
	case "amazonaws.com", "api.aws":
		if strings.HasPrefix(region, "us-gov-") {
			return "aws-us-gov", region, true
		}
		return "aws", region, true
	case "amazonaws.com.cn", "api.amazonwebservices.com.cn":
		return "aws-cn", region, true
	case "c2s.ic.gov":
		return "aws-iso", region, true
	case "sc2s.sgov.gov":
		return "aws-iso-b", region, true
	case "cloud.adc-e.uk":
		return "aws-iso-e", region, true
	case "csp.hci.ic.gov":
		return "aws-iso-f", region, true
	case "amazonaws.eu", "api.amazonwebservices.eu":
		return "aws-eusc", region, true
	}
	return "", "", false
}

// RoundTrip answers STS hosts and forwards the rest.
func (s *STS) RoundTrip(r *http.Request) (*http.Response, error) {
	partition, region, ok := partitionOf(r.URL.Host)
	if !ok {
		return s.next.RoundTrip(r)
	}
	if r.Body != nil {
		r.Body.Close()
	}
	status, body, code := s.answer(r, partition, region)
	s.mu.Lock()
	s.seen = append(s.seen, Seen{Host: r.URL.Host, Cluster: r.Header.Get("x-k8s-aws-id"), Status: status, Error: code})
	s.mu.Unlock()
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       r,
	}, nil
}

func fail(status int, code, msg string) (int, string, string) {
	b, _ := json.Marshal(map[string]any{"Error": map[string]string{"Code": code, "Message": msg, "Type": "Sender"}, "RequestId": "fakests"})
	return status, string(b), code
}

func (s *STS) answer(r *http.Request, partition, region string) (int, string, string) {
	if r.Method != http.MethodGet || r.URL.Path != "/" {
		return fail(400, "InvalidAction", "only GET / is served")
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return fail(400, "MalformedQueryString", err.Error())
	}
	one := func(k string) string {
		if len(q[k]) != 1 {
			return ""
		}
		return q[k][0]
	}
	if one("Action") != "GetCallerIdentity" || one("Version") != "2011-06-15" {
		return fail(400, "InvalidAction", "Action=GetCallerIdentity&Version=2011-06-15 required")
	}
	if one("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return fail(400, "IncompleteSignature", "X-Amz-Algorithm")
	}
	date, err := time.Parse("20060102T150405Z", one("X-Amz-Date"))
	if err != nil {
		return fail(400, "IncompleteSignature", "X-Amz-Date")
	}
	scope := strings.Split(one("X-Amz-Credential"), "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return fail(400, "IncompleteSignature", "X-Amz-Credential")
	}
	if scope[1] != date.Format("20060102") || scope[2] != region || scope[3] != "sts" {
		return fail(403, "SignatureDoesNotMatch", "credential scope "+strings.Join(scope[1:], "/")+" does not match the request")
	}
	s.mu.Lock()
	id, known := s.ids[scope[0]]
	s.mu.Unlock()
	if !known {
		return fail(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if one("X-Amz-Security-Token") != id.SessionToken {
		return fail(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	now := s.Now()
	if now.After(date.Add(15 * time.Minute)) {
		return fail(403, "ExpiredToken", "Signature expired")
	}
	if date.After(now.Add(5 * time.Minute)) {
		return fail(403, "SignatureDoesNotMatch", "Signature not yet current")
	}

	// Rebuild the request as received, minus what the signer adds itself.
	keep := url.Values{}
	for k, v := range q {
		switch k {
		case "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token":
		default:
			keep[k] = v
		}
	}
	rr, err := http.NewRequest(http.MethodGet, "https://"+r.URL.Host+"/?"+keep.Encode(), nil)
	if err != nil {
		return fail(400, "MalformedQueryString", err.Error())
	}
	for _, h := range strings.Split(one("X-Amz-SignedHeaders"), ";") {
		if h == "host" {
			continue
		}
		v, present := r.Header[http.CanonicalHeaderKey(h)]
		if !present {
			return fail(403, "SignatureDoesNotMatch", "signed header "+h+" is not in the request")
		}
		rr.Header[http.CanonicalHeaderKey(h)] = v
	}
	c := aws.Credentials{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey, SessionToken: id.SessionToken}
	signed, _, err := s.signer.PresignHTTP(context.Background(), c, rr, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"sts", region, date, func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })
	if err != nil {
		return fail(500, "InternalFailure", err.Error())
	}
	su, err := url.Parse(signed)
	if err != nil {
		return fail(500, "InternalFailure", err.Error())
	}
	want := su.Query()
	if want.Get("X-Amz-SignedHeaders") != one("X-Amz-SignedHeaders") ||
		subtle.ConstantTimeCompare([]byte(want.Get("X-Amz-Signature")), []byte(one("X-Amz-Signature"))) != 1 {
		return fail(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	}

	b, _ := json.Marshal(map[string]any{"GetCallerIdentityResponse": map[string]any{
		"GetCallerIdentityResult": map[string]string{"Account": id.Account, "Arn": "arn:" + partition + ":" + id.ARNPath, "UserId": id.UserID},
		"ResponseMetadata":        map[string]string{"RequestId": "fakests"},
	}})
	return 200, string(b), ""
}
