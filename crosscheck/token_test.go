package crosscheck

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	clientauthv1beta1 "k8s.io/client-go/pkg/apis/clientauthentication/v1beta1"
	authtoken "sigs.k8s.io/aws-iam-authenticator/pkg/token"

	"github.com/ekstoken/ekstoken/crosscheck/internal/fakests"
	"github.com/ekstoken/ekstoken/crosscheck/internal/sdkmint"
	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/token"
)

var generator token.Generator

func ekstokenCreds(id fakests.Identity) sigv4.Credentials {
	return sigv4.Credentials{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey, SessionToken: id.SessionToken}
}

// ekstokenMinter mints with ekstoken's token package: the endpoint from
// ResolveEndpoint, the token from one shared Generator.
func ekstokenMinter(t *testing.T, c endpointCase, id fakests.Identity, cluster string, at time.Time) string {
	ep, err := token.ResolveEndpoint(token.EndpointConfig{Region: c.Region, UseFIPS: c.FIPS, UseDualStack: c.DualStack})
	if err != nil {
		t.Fatalf("%v: ResolveEndpoint: %v", c, err)
	}
	if ep.Partition != c.Partition {
		t.Errorf("%v: ResolveEndpoint partition %q", c, ep.Partition)
	}
	tok, err := generator.Get(ekstokenCreds(id), cluster, ep, at)
	if err != nil {
		t.Fatalf("%v: Get: %v", c, err)
	}
	return tok.Value
}

// TestVerifierMatrixEkstoken: ekstoken's tokens for every partition, FIPS
// and dual-stack endpoint, with and without a session token and for short,
// long and UUID cluster names are accepted by aws-iam-authenticator's real
// verifier (whose STS call reaches the fake STS, which re-signs with
// aws-sdk-go-v2 using the verifier's own x-k8s-aws-id); another cluster,
// tampered tokens and expired tokens are rejected.
func TestVerifierMatrixEkstoken(t *testing.T) {
	runVerifierMatrix(t, ekstokenMinter)
}

// endpointRegions are regions whose STS hosts ekstoken and aws-sdk-go-v2
// must resolve alike: one or more per partition, the global pseudo-region,
// recent and unknown regions (both fall back to the aws partition's form).
var endpointRegions = []string{
	"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-2", "ap-southeast-3", "ca-west-1", "il-central-1", "mx-central-1",
	"aws-global", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1", "us-iso-east-1", "us-iso-west-1",
	"us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "us-isof-east-1", "eusc-de-east-1", "not-a-region", "local",
}

// TestEndpointsMatchSDK: ResolveEndpoint gives the host aws-sdk-go-v2's
// STS endpoint resolver gives, for every region above and every FIPS /
// dual-stack combination, and fails where it fails.
func TestEndpointsMatchSDK(t *testing.T) {
	r := sts.NewDefaultEndpointResolverV2()
	for _, region := range endpointRegions {
		for _, fips := range []bool{false, true} {
			for _, ds := range []bool{false, true} {
				want, werr := r.ResolveEndpoint(context.Background(), sts.EndpointParameters{
					Region: aws.String(region), UseFIPS: aws.Bool(fips), UseDualStack: aws.Bool(ds)})
				got, gerr := token.ResolveEndpoint(token.EndpointConfig{Region: region, UseFIPS: fips, UseDualStack: ds})
				name := region
				if fips {
					name += "/fips"
				}
				if ds {
					name += "/dualstack"
				}
				switch {
				case werr != nil && gerr != nil:
				case werr != nil || gerr != nil:
					t.Errorf("%s: SDK error %v, ekstoken error %v", name, werr, gerr)
				case got.String() != want.URI.String()+"/" && got.String() != want.URI.String():
					t.Errorf("%s: ekstoken %s, SDK %s", name, got, want.URI.String())
				}
			}
		}
	}
}

// authenticatorToken runs aws-iam-authenticator's own generator
// (GetWithSTS, the function eksctl and the authenticator CLI use) with an
// STS client the SDK configures for endpoint c.
func authenticatorToken(t *testing.T, c endpointCase, id fakests.Identity, cluster string) authtoken.Token {
	g, err := authtoken.NewGenerator(false, false)
	if err != nil {
		t.Fatal(err)
	}
	cr := aws.Credentials{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey, SessionToken: id.SessionToken}
	tok, err := g.GetWithSTS(cluster, sdkmint.NewClient(cr, c.Region, c.FIPS, c.DualStack))
	if err != nil {
		t.Fatalf("%v: GetWithSTS: %v", c, err)
	}
	return tok
}

// TestTokensMatchAuthenticatorGenerator: for every endpoint case, principal
// and cluster name, ekstoken's token is byte-identical to the one
// aws-iam-authenticator's GetWithSTS mints at the same second, and the
// ExecCredential both print carries the same token and expiry. The
// authenticator's generator reads the clock itself, so ekstoken signs at
// the X-Amz-Date found in the authenticator's token.
func TestTokensMatchAuthenticatorGenerator(t *testing.T) {
	n := 0
	for _, c := range endpointCases(t) {
		for _, id := range []fakests.Identity{userID, sessionID} {
			for _, cluster := range clusterNames {
				theirs := authenticatorToken(t, c, id, cluster)
				at, err := time.Parse(sigv4.TimeFormat, decodeToken(t, theirs.Token).Query().Get("X-Amz-Date"))
				if err != nil {
					t.Fatal(err)
				}
				ours := ekstokenMinter(t, c, id, cluster, at)
				if ours != theirs.Token {
					t.Errorf("%v %s %q:\nekstoken      %s\nauthenticator %s", c, id.AccessKeyID, cluster, ours, theirs.Token)
					continue
				}
				// Expiry: the authenticator reports now+14m with the
				// sub-second part of its clock; printed, both are whole
				// seconds in UTC.
				g, _ := authtoken.NewGenerator(false, false)
				var theirsEC, oursEC clientauthv1beta1.ExecCredential
				if err := json.Unmarshal([]byte(g.FormatJSON(theirs)), &theirsEC); err != nil {
					t.Fatal(err)
				}
				exp := token.Expiration(ekstokenCreds(id), at)
				out := token.AppendExecCredential(nil, token.APIVersionV1beta1, token.Token{Value: ours, Expiration: exp})
				if err := json.Unmarshal(out, &oursEC); err != nil {
					t.Fatalf("ekstoken ExecCredential %s: %v", out, err)
				}
				if oursEC.APIVersion != theirsEC.APIVersion || oursEC.Kind != theirsEC.Kind || oursEC.Status.Token != theirsEC.Status.Token ||
					!oursEC.Status.ExpirationTimestamp.Equal(theirsEC.Status.ExpirationTimestamp) {
					t.Errorf("%v: ExecCredential differs:\nekstoken      %s\nauthenticator %s", c, out, g.FormatJSON(theirs))
				}
				n++
			}
		}
	}
	// The authenticator's own known answer (pkg/token TestGetWithSTS).
	k := authenticatorKAT
	ep, err := token.ResolveEndpoint(token.EndpointConfig{Region: k.region})
	if err != nil {
		t.Fatal(err)
	}
	got, err := generator.Get(sigv4.Credentials{AccessKeyID: k.akid, SecretAccessKey: k.secret}, k.cluster, ep, k.t)
	if err != nil || got.Value != k.token {
		t.Errorf("authenticator known answer: got %s, %v\nwant %s", got.Value, err, k.token)
	}
	t.Logf("%d tokens byte-identical to aws-iam-authenticator's GetWithSTS", n)
}

// TestDecodeAgreesWithVerifier: for tokens that break one local rule of the
// authenticator's verifier each (shapes from eks-token.md §A.6 and the
// verifier's code), token.Decode reports a problem exactly when the
// verifier refuses the token before calling STS.
func TestDecodeAgreesWithVerifier(t *testing.T) {
	now := time.Now()
	ep, _ := token.ResolveEndpoint(token.EndpointConfig{Region: "us-east-2"})
	good, err := generator.Get(ekstokenCreds(userID), "demo", ep, now)
	if err != nil {
		t.Fatal(err)
	}
	u := decodeToken(t, good.Value)
	base := u.String()
	q := u.RawQuery
	replace := func(old, new string) string { return strings.Replace(base, old, new, 1) }
	cases := map[string]string{
		"as minted":              good.Value,
		"padding":                good.Value + "==",
		"no prefix":              strings.TrimPrefix(good.Value, sdkmint.Prefix),
		"http":                   encodeURL(replace("https://", "http://")),
		"no path":                encodeURL(replace(".com/?", ".com?")),
		"other path":             encodeURL(replace(".com/?", ".com/x?")),
		"port":                   encodeURL(replace(".com/", ".com:443/")),
		"upper-case host":        encodeURL(replace("sts.us-east-2", "STS.us-east-2")),
		"cn host":                encodeURL(replace("amazonaws.com", "amazonaws.com.cn")),
		"global host":            encodeURL(replace("sts.us-east-2.amazonaws.com", "sts.amazonaws.com")),
		"evil host":              encodeURL(replace("sts.us-east-2.amazonaws.com", "sts.us-east-2.evil.com")),
		"fips host":              encodeURL(replace("sts.us-east-2", "sts-fips.us-east-2")),
		"dual-stack host":        encodeURL(replace("amazonaws.com", "api.aws")),
		"unknown region":         encodeURL(replace("us-east-2", "not-a-region")),
		"extra param":            encodeURL(base + "&X-Amz-User-Agent=x"),
		"duplicate key":          encodeURL(base + "&x-amz-date=20200101T000000Z"),
		"two values":             encodeURL(base + "&Action=GetCallerIdentity"),
		"other action":           encodeURL(replace("Action=GetCallerIdentity", "Action=GetSessionToken")),
		"no version":             encodeURL(replace("&Version=2011-06-15", "")),
		"expires 900":            encodeURL(replace("X-Amz-Expires=60", "X-Amz-Expires=900")),
		"expires 901":            encodeURL(replace("X-Amz-Expires=60", "X-Amz-Expires=901")),
		"no expires":             encodeURL(replace("&X-Amz-Expires=60", "")),
		"cluster header missing": encodeURL(replace("host%3Bx-k8s-aws-id", "host")),
		"extra signed header":    encodeURL(replace("host%3Bx-k8s-aws-id", "amz-sdk-request%3Bhost%3Bx-k8s-aws-id")),
		"bad date":               encodeURL(replace("X-Amz-Date=", "X-Amz-Date=x")),
		"no date":                encodeURL(strings.Replace(base, "&X-Amz-Date="+u.Query().Get("X-Amz-Date"), "", 1)),
		"malformed escape":       encodeURL(replace("&X-Amz-Expires", "&%zz=1&X-Amz-Expires")),
		"too large":              encodeURL(base + strings.Repeat("&Version=2011-06-15", 200)),
	}
	if q == "" {
		t.Fatal("no query")
	}
	old, _ := generator.Get(ekstokenCreds(userID), "demo", ep, now.Add(-16*time.Minute))
	cases["expired"] = old.Value
	future, _ := generator.Get(ekstokenCreds(userID), "demo", ep, now.Add(2*time.Hour))
	cases["two hours ahead"] = future.Value

	v := authtoken.NewVerifier("demo", "aws", "us-east-2")
	var rejected, passed []string
	for name, tok := range cases {
		_, verr := v.Verify(tok)
		fakeSTS.Seen()
		var fe authtoken.FormatError
		localReject := verr != nil && errors.As(verr, &fe)
		if verr != nil && !localReject && !strings.Contains(verr.Error(), "sts getCallerIdentity failed") {
			localReject = true // other local errors (e.g. "invalid host format") are not FormatErrors
		}
		d, derr := token.Decode(tok, now)
		if localReject != (derr != nil) {
			t.Errorf("%s: verifier %v; Decode %v (problems %v)", name, verr, derr, d.Problems)
		}
		if localReject {
			rejected = append(rejected, name)
		} else {
			passed = append(passed, name)
		}
	}
	slices.Sort(rejected)
	slices.Sort(passed)
	t.Logf("refused locally by both: %q\npassed on to STS by both: %q", rejected, passed)
	if len(rejected) < 15 || len(passed) < 5 {
		t.Errorf("the cases no longer exercise both outcomes")
	}
}
