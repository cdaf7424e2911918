package crosscheck

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	authtoken "sigs.k8s.io/aws-iam-authenticator/pkg/token"

	"github.com/ekstoken/ekstoken/crosscheck/internal/fakests"
	"github.com/ekstoken/ekstoken/crosscheck/internal/sdkmint"
)

// endpointCase is one STS endpoint a token can be minted for.
type endpointCase struct {
	Partition, Region string
	FIPS, DualStack   bool
	Host              string // as aws-sdk-go-v2's STS resolver gives it
	// Unverifiable is set for endpoints aws-iam-authenticator (v0.7.18)
	// refuses although the SDK resolves them: dual-stack hosts in the ISO
	// partitions (sts.us-isof-south-1.api.aws.hci.ic.gov, ...), because its
	// pkg/endpoints knows dual-stack domains only for aws, aws-us-gov,
	// aws-cn and aws-eusc. The matrix asserts that refusal, so a verifier
	// that learns these hosts makes the test fail and this note goes.
	Unverifiable bool
}

func (c endpointCase) String() string {
	s := c.Partition + "/" + c.Region
	if c.FIPS {
		s += "/fips"
	}
	if c.DualStack {
		s += "/dualstack"
	}
	return s
}

// partitionRegions names one region per partition the authenticator knows
// (pkg/endpoints.PARTITIONS), plus a second commercial and GovCloud region.
var partitionRegions = []struct{ partition, region string }{
	{"aws", "us-east-1"}, {"aws", "eu-west-2"},
	{"aws-cn", "cn-north-1"},
	{"aws-us-gov", "us-gov-west-1"}, {"aws-us-gov", "us-gov-east-1"},
	{"aws-iso", "us-iso-east-1"},
	{"aws-iso-b", "us-isob-east-1"},
	{"aws-iso-e", "eu-isoe-west-1"},
	{"aws-iso-f", "us-isof-south-1"},
	{"aws-eusc", "eusc-de-east-1"},
}

// endpointCases is every (partition, region, FIPS, dual-stack) combination
// that aws-sdk-go-v2's STS endpoint resolver resolves; combinations it
// refuses (e.g. dual-stack in the ISO partitions) are not STS endpoints.
func endpointCases(t testing.TB) []endpointCase {
	var out []endpointCase
	r := sts.NewDefaultEndpointResolverV2()
	for _, pr := range partitionRegions {
		for _, fips := range []bool{false, true} {
			for _, ds := range []bool{false, true} {
				ep, err := r.ResolveEndpoint(context.Background(), sts.EndpointParameters{
					Region: aws.String(pr.region), UseFIPS: aws.Bool(fips), UseDualStack: aws.Bool(ds)})
				if err != nil {
					continue
				}
				unverifiable := ds && strings.HasPrefix(pr.partition, "aws-iso")
				out = append(out, endpointCase{pr.partition, pr.region, fips, ds, ep.URI.Host, unverifiable})
			}
		}
	}
	if len(out) < len(partitionRegions) {
		t.Fatalf("the SDK resolved only %d endpoint cases", len(out))
	}
	return out
}

// clusterNames covers short, long (EKS allows 100 characters) and
// Outposts-style (UUID) cluster ids.
var clusterNames = []string{
	"demo",
	"prod-eu-west-2-payments_cluster-01",
	strings.Repeat("a1-", 33) + "z",
	"8f1d2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7",
}

// minter mints a token for cluster on endpoint c with id's credentials at at.
type minter func(t *testing.T, c endpointCase, id fakests.Identity, cluster string, at time.Time) string

// sdkPresignClientMinter is the aws-iam-authenticator / SDK way; it is the
// control group that shows the verifier matrix itself can accept and reject.
func sdkPresignClientMinter(t *testing.T, c endpointCase, id fakests.Identity, cluster string, at time.Time) string {
	cr := aws.Credentials{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey, SessionToken: id.SessionToken}
	u, err := sdkmint.PresignClientURL(sts.NewPresignClient(sdkmint.NewClient(cr, c.Region, c.FIPS, c.DualStack)), cluster, at)
	if err != nil {
		t.Fatalf("%v: SDK presign: %v", c, err)
	}
	return sdkmint.Token(u)
}

func decodeToken(t *testing.T, tok string) *url.URL {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, sdkmint.Prefix))
	if err != nil {
		t.Fatalf("token does not decode: %v", err)
	}
	u, err := url.Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// encodeURL is the inverse of decodeToken.
func encodeURL(u string) string { return sdkmint.Token(u) }

// tamperings are changes to a valid token's URL that only the signature
// check can catch: the verifier's local checks all still pass.
var tamperings = []struct {
	name string
	f    func(u *url.URL)
}{
	{"signature flipped", func(u *url.URL) {
		q := u.Query()
		sig := []byte(q.Get("X-Amz-Signature"))
		sig[7] = "01"[(sig[7]&1)^1]
		if sig[7] == q.Get("X-Amz-Signature")[7] {
			sig[7] = 'f'
		}
		q.Set("X-Amz-Signature", string(sig))
		u.RawQuery = q.Encode()
	}},
	{"expires changed", func(u *url.URL) {
		q := u.Query()
		q.Set("X-Amz-Expires", "900")
		u.RawQuery = q.Encode()
	}},
	{"date moved", func(u *url.URL) {
		q := u.Query()
		d, _ := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
		q.Set("X-Amz-Date", d.Add(-time.Second).Format("20060102T150405Z"))
		u.RawQuery = q.Encode()
	}},
	{"other access key", func(u *url.URL) {
		q := u.Query()
		cr := strings.SplitN(q.Get("X-Amz-Credential"), "/", 2)
		other := userID.AccessKeyID
		if cr[0] == other {
			other = sessionID.AccessKeyID
		}
		q.Set("X-Amz-Credential", other+"/"+cr[1])
		u.RawQuery = q.Encode()
	}},
}

// runVerifierMatrix runs aws-iam-authenticator's real verifier over tokens
// from mint for every endpoint case, both principals and every cluster
// name: the right cluster is accepted with the right identity; another
// cluster, every tampering and an expired token are rejected for the right
// reason; the fake STS saw exactly the requests that should reach STS.
func runVerifierMatrix(t *testing.T, mint minter) {
	cases := endpointCases(t)
	now := time.Now()
	n := 0
	for _, c := range cases {
		for _, id := range []fakests.Identity{userID, sessionID} {
			for ci, cluster := range clusterNames {
				tok := mint(t, c, id, cluster, now)
				u := decodeToken(t, tok)
				if u.Host != c.Host {
					t.Errorf("%v: token host %s, SDK resolves %s", c, u.Host, c.Host)
				}
				v := authtoken.NewVerifier(cluster, c.Partition, c.Region)
				got, err := v.Verify(tok)
				if c.Unverifiable {
					if err == nil || !strings.Contains(err.Error(), "does not support hostname") {
						t.Errorf("%v: Verify = %v, want the known refusal of this host", c, err)
					}
					if seen := fakeSTS.Seen(); len(seen) != 0 {
						t.Errorf("%v: refused token reached STS: %+v", c, seen)
					}
					continue
				}
				if err != nil {
					t.Errorf("%v %s cluster %q: rejected: %v", c, id.AccessKeyID, cluster, err)
					continue
				}
				wantARN := "arn:" + c.Partition + ":" + id.ARNPath
				if got.ARN != wantARN || got.AccessKeyID != id.AccessKeyID || got.STSEndpoint != c.Host || got.AccountID != id.Account {
					t.Errorf("%v: identity %+v, want ARN %s key %s endpoint %s", c, got, wantARN, id.AccessKeyID, c.Host)
				}
				if seen := fakeSTS.Seen(); len(seen) != 1 || seen[0].Status != 200 || seen[0].Cluster != cluster || seen[0].Host != c.Host {
					t.Errorf("%v: fake STS saw %+v", c, seen)
				}
				n++

				// Another cluster: only STS can tell, from the verifier's header.
				other := clusterNames[(ci+1)%len(clusterNames)]
				expectSTSReject(t, c.String()+" other cluster", authtoken.NewVerifier(other, c.Partition, c.Region), tok, "SignatureDoesNotMatch", other)

				if cluster != clusterNames[0] {
					continue // tamperings and expiry once per endpoint and principal
				}
				for _, tm := range tamperings {
					u := decodeToken(t, tok)
					tm.f(u)
					want := "SignatureDoesNotMatch"
					if tm.name == "other access key" {
						want = "InvalidClientTokenId"
					}
					expectSTSReject(t, c.String()+" "+tm.name, v, encodeURL(u.String()), want, cluster)
				}
				old := mint(t, c, id, cluster, now.Add(-15*time.Minute-2*time.Second))
				if _, err := v.Verify(old); err == nil || !strings.Contains(err.Error(), "expired") {
					t.Errorf("%v: expired token: err = %v, want expired", c, err)
				}
				if seen := fakeSTS.Seen(); len(seen) != 0 {
					t.Errorf("%v: expired token reached STS: %+v", c, seen)
				}
			}
		}
	}
	t.Logf("%d endpoint cases, %d tokens accepted", len(cases), n)
	if n == 0 {
		t.Fatal("no token was accepted")
	}
}

func expectSTSReject(t *testing.T, name string, v authtoken.Verifier, tok, code, cluster string) {
	t.Helper()
	id, err := v.Verify(tok)
	var se authtoken.STSError
	if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), code) {
		t.Errorf("%s: Verify = %+v, %v; want STSError %s", name, id, err, code)
	}
	if seen := fakeSTS.Seen(); len(seen) != 1 || seen[0].Error != code || seen[0].Cluster != cluster {
		t.Errorf("%s: fake STS saw %+v, want one %s for cluster %q", name, seen, code, cluster)
	}
}

// TestVerifierMatrixSDKControl proves the oracle: tokens from aws-sdk-go-v2's
// STS presign client (what the authenticator's own generator does) pass
// and fail exactly as runVerifierMatrix expects.
func TestVerifierMatrixSDKControl(t *testing.T) {
	runVerifierMatrix(t, sdkPresignClientMinter)
}
