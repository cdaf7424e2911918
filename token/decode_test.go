//go:build !nonet

package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func tokenOf(url string) string { return Prefix + base64.RawURLEncoding.EncodeToString([]byte(url)) }

func TestDecodeKnownAnswer(t *testing.T) {
	d, err := Decode(kaToken, kaTime.Add(90*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := &Decoded{
		Length: len(kaToken), URL: kaURL, Scheme: "https", Host: "sts.us-west-2.amazonaws.com", Path: "/",
		Partition: "aws", Region: "us-west-2",
		Params: []QueryParam{
			{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}, {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
			{"X-Amz-Credential", "ASIAR2TG44V6AS3ZZE7C/20230428/us-west-2/sts/aws4_request"},
			{"X-Amz-Date", "20230428T000000Z"}, {"X-Amz-Expires", "60"}, {"X-Amz-SignedHeaders", "host;x-k8s-aws-id"},
			{"X-Amz-Signature", "e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce"},
		},
		Action: "GetCallerIdentity", Version: "2011-06-15", Algorithm: "AWS4-HMAC-SHA256",
		AccessKeyID: "ASIAR2TG44V6AS3ZZE7C", ScopeDate: "20230428", ScopeRegion: "us-west-2", ScopeService: "sts",
		SigningTime: kaTime.UTC(), ValidUntil: kaTime.UTC().Add(15 * time.Minute),
		Age: 90 * time.Second, TimeLeft: 810 * time.Second, AgeSec: 90, LeftSec: 810,
		ExpiresParam: 60, SignedHeaders: []string{"host", "x-k8s-aws-id"},
		Problems: []Problem{}, Warnings: []string{},
	}
	gotJ, _ := json.Marshal(d)
	wantJ, _ := json.Marshal(want)
	if string(gotJ) != string(wantJ) || d.Age != want.Age || d.TimeLeft != want.TimeLeft {
		t.Errorf("got  %s\nwant %s", gotJ, wantJ)
	}
	if !d.OK() {
		t.Error("not OK")
	}
}

func TestDecodeSessionTokenRedacted(t *testing.T) {
	var g Generator
	c := kaCreds
	c.SessionToken = "SECRETSESSION+/=="
	tok, err := g.Get(c, "x", mustEndpoint(t, EndpointConfig{Region: "eu-west-1"}), kaTime)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(tok.Value, kaTime)
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(d)
	if strings.Contains(string(j), "SECRETSESSION") || strings.Contains(d.URL, "SECRETSESSION") {
		t.Errorf("session token shown: %s", j)
	}
	if !d.SessionToken || !strings.Contains(d.URL, "&X-Amz-Security-Token="+Redacted+"&") {
		t.Errorf("session token not reported: %s", d.URL)
	}
}

// TestDecodeRules: one broken token per verifier rule (the URLs follow
// aws-iam-authenticator's own test cases and the edge cases measured in
// ../shared/docs/eks-token.md §A.6).
func TestDecodeRules(t *testing.T) {
	const q = "?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20230428%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20230428T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce"
	good := "https://sts.us-west-2.amazonaws.com/" + q
	now := kaTime.Add(time.Minute)
	for _, tc := range []struct {
		name, token string
		rules       []string
		warn        string
	}{
		{"good", tokenOf(good), nil, ""},
		{"too large", tokenOf(good + strings.Repeat("&Version=x", 400)), []string{RuleSize, RuleSingleValue}, ""},
		{"no prefix", "k8s-aws-v2." + tokenOf(good)[len(Prefix):], []string{RulePrefix}, ""},
		{"padding", tokenOf(good+"x") + "==", []string{RuleBase64}, ""},
		{"std alphabet", Prefix + base64.RawStdEncoding.EncodeToString([]byte(good+"??>")), []string{RuleBase64}, ""},
		{"not a url", tokenOf("https://sts.us-west-2.amazonaws.com:port/"), []string{RuleURL}, ""},
		{"http", tokenOf("http://sts.us-west-2.amazonaws.com/" + q), []string{RuleScheme}, ""},
		{"global", tokenOf("https://sts.amazonaws.com/" + strings.Replace(q, "us-west-2", "us-east-1", 1)), nil, ""},
		{"port", tokenOf("https://sts.us-west-2.amazonaws.com:443/" + q), []string{RuleHost}, ""},
		{"upper case", tokenOf("https://STS.US-WEST-2.AMAZONAWS.COM/" + q), []string{RuleHost}, ""},
		{"other domain", tokenOf("https://sts.us-west-2.amazonaws.com.evil.com/" + q), []string{RuleHost}, ""},
		{"cn host in aws suffix", tokenOf("https://sts.cn-north-1.amazonaws.com/" + q), []string{RuleHost}, "scope region"},
		{"two labels", tokenOf("https://amazonaws.com/" + q), []string{RuleHost}, ""},
		{"bad region label", tokenOf("https://sts.-x.amazonaws.com/" + q), []string{RuleHost}, ""},
		{"gov fips host", tokenOf("https://sts-fips.us-gov-west-1.amazonaws.com/" + strings.Replace(q, "us-west-2", "us-gov-west-1", 1)), []string{RuleHost}, ""},
		{"unknown region passes", tokenOf("https://sts.not-a-region.amazonaws.com/" + strings.Replace(q, "us-west-2", "not-a-region", 1)), nil, ""},
		{"no path", tokenOf("https://sts.us-west-2.amazonaws.com" + q), []string{RulePath}, ""},
		{"other path", tokenOf("https://sts.us-west-2.amazonaws.com/x/" + q), []string{RulePath}, ""},
		{"bad escape", tokenOf(good + "&X-Amz-Date=%zz"), []string{RuleQuery}, ""},
		{"semicolon", tokenOf(good + ";x"), []string{RuleQuery}, ""},
		{"case duplicate", tokenOf(good + "&x-amz-date=20230428T000000Z"), []string{RuleDuplicateKey}, ""},
		{"same key twice", tokenOf(good + "&X-Amz-Date=20230428T000000Z"), []string{RuleSingleValue}, ""},
		{"extra key", tokenOf(good + "&X-Amz-User-Agent=x"), []string{RuleAllowedKeys}, ""},
		{"action", tokenOf(strings.Replace(good, "GetCallerIdentity", "AssumeRole", 1)), []string{RuleAction}, ""},
		{"no action", tokenOf(strings.Replace(good, "Action=GetCallerIdentity&", "", 1)), []string{RuleAction}, ""},
		{"no version", tokenOf(strings.Replace(good, "Version=2011-06-15&", "", 1)), nil, "Version"},
		{"no cluster header", tokenOf(strings.Replace(good, "host%3Bx-k8s-aws-id", "host", 1)), []string{RuleSignedHeaders}, ""},
		{"extra signed header", tokenOf(strings.Replace(good, "host%3Bx-k8s-aws-id", "amz-sdk-request%3Bhost%3Bx-k8s-aws-id", 1)), nil, "exactly host;x-k8s-aws-id"},
		{"no expires", tokenOf(strings.Replace(good, "X-Amz-Expires=60&", "", 1)), []string{RuleExpires}, ""},
		{"expires 900", tokenOf(strings.Replace(good, "X-Amz-Expires=60", "X-Amz-Expires=900", 1)), nil, ""},
		{"expires 901", tokenOf(strings.Replace(good, "X-Amz-Expires=60", "X-Amz-Expires=901", 1)), []string{RuleExpires}, ""},
		{"expires -1", tokenOf(strings.Replace(good, "X-Amz-Expires=60", "X-Amz-Expires=-1", 1)), []string{RuleExpires}, ""},
		{"no date", tokenOf(strings.Replace(good, "X-Amz-Date=20230428T000000Z&", "", 1)), []string{RuleDate}, ""},
		{"bad date", tokenOf(strings.Replace(good, "20230428T000000Z", "2023-04-28T00:00:00Z", 1)), []string{RuleDate}, ""},
		{"expired", tokenOf(strings.Replace(good, "20230428T000000Z", "20230427T234459Z", 1)), []string{RuleExpired}, ""},
		{"future", tokenOf(strings.Replace(good, "20230428T000000Z", "20230428T020000Z", 1)), nil, "future"},
		{"scope service", tokenOf(strings.Replace(good, "%2Fsts%2F", "%2Fs3%2F", 1)), nil, "service"},
		{"everything", tokenOf("http://evil.example:8080/path?Foo=bar"), []string{RuleScheme, RuleHost, RulePath, RuleAllowedKeys, RuleAction, RuleSignedHeaders, RuleExpires, RuleDate}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Decode(tc.token, now)
			if d == nil {
				t.Fatal("nil Decoded")
			}
			var got []string
			for _, p := range d.Problems {
				got = append(got, p.Rule)
			}
			if strings.Join(got, ",") != strings.Join(tc.rules, ",") {
				t.Errorf("rules %v, want %v (%v)", got, tc.rules, d.Problems)
			}
			if (err == nil) != (len(tc.rules) == 0) || d.OK() != (err == nil) {
				t.Errorf("err %v with problems %v", err, d.Problems)
			}
			var p Problem
			if err != nil && (!errors.As(err, &p) || p != d.Problems[0]) {
				t.Errorf("err %v is not the first problem", err)
			}
			w := strings.Join(d.Warnings, "\n")
			if tc.warn == "" && len(d.Warnings) > 0 && len(tc.rules) == 0 {
				t.Errorf("unexpected warnings %q", d.Warnings)
			}
			if !strings.Contains(w, tc.warn) {
				t.Errorf("warnings %q, want one with %q", d.Warnings, tc.warn)
			}
		})
	}
}

func TestDecodeHostVariants(t *testing.T) {
	for _, tc := range []struct {
		host, partition, region string
		fips, ds, global        bool
	}{
		{"sts.amazonaws.com", "aws", "us-east-1", false, false, true},
		{"sts-fips.us-east-2.amazonaws.com", "aws", "us-east-2", true, false, false},
		{"sts.us-east-2.api.aws", "aws", "us-east-2", false, true, false},
		{"sts-fips.us-east-2.api.aws", "aws", "us-east-2", true, true, false},
		{"sts.us-gov-east-1.amazonaws.com", "aws-us-gov", "us-gov-east-1", false, false, false},
		{"sts.cn-north-1.amazonaws.com.cn", "aws-cn", "cn-north-1", false, false, false},
		{"sts.cn-north-1.api.amazonwebservices.com.cn", "aws-cn", "cn-north-1", false, true, false},
		{"sts.us-iso-east-1.c2s.ic.gov", "aws-iso", "us-iso-east-1", false, false, false},
		{"sts.us-isob-east-1.sc2s.sgov.gov", "aws-iso-b", "us-isob-east-1", false, false, false},
		{"sts.eu-isoe-west-1.cloud.adc-e.uk", "aws-iso-e", "eu-isoe-west-1", false, false, false},
		{"sts.us-isof-south-1.csp.hci.ic.gov", "aws-iso-f", "us-isof-south-1", false, false, false},
		{"sts.eusc-de-east-1.amazonaws.eu", "aws-eusc", "eusc-de-east-1", false, false, false},
	} {
		d := &Decoded{}
		d.checkHost(tc.host)
		if len(d.Problems) != 0 || d.Partition != tc.partition || d.Region != tc.region || d.FIPS != tc.fips || d.DualStack != tc.ds || d.Global != tc.global {
			t.Errorf("%s: %+v", tc.host, d)
		}
	}
}

// checkAppendJSON: AppendJSON writes what json.Marshal and
// json.MarshalIndent write, and fails where they fail.
func checkAppendJSON(t *testing.T, d *Decoded) {
	t.Helper()
	for _, indent := range []string{"", "  "} {
		var want []byte
		var werr error
		if indent == "" {
			want, werr = json.Marshal(d)
		} else {
			want, werr = json.MarshalIndent(d, "", indent)
		}
		got, err := d.AppendJSON([]byte("pre"), indent)
		if (err != nil) != (werr != nil) {
			t.Fatalf("AppendJSON error %v, encoding/json %v", err, werr)
		}
		if err != nil {
			if string(got) != "pre" {
				t.Fatalf("AppendJSON appended %q on error", got)
			}
			continue
		}
		if string(got) != "pre"+string(want) {
			t.Fatalf("indent %q:\n got  %s\n want %s", indent, got[3:], want)
		}
	}
}

// TestDecodedAppendJSON: every field, set and unset, nil and empty
// slices, and the times encoding/json refuses to write.
func TestDecodedAppendJSON(t *testing.T) {
	full := Decoded{
		Length: 7, URL: "https://h/?a=1&b=<2>", Scheme: "https", Host: "h", Path: "/",
		Partition: "aws", Region: "r", Global: true, FIPS: true, DualStack: true,
		Params: []QueryParam{{"a", "1"}, {"b", "<2>"}}, Action: "A", Version: "V", Algorithm: "AL",
		AccessKeyID: "AK", ScopeDate: "D", ScopeRegion: "SR", ScopeService: "SS",
		SigningTime: kaTime, ValidUntil: kaTime.Add(Validity), AgeSec: -1, LeftSec: 1 << 40, ExpiresParam: -1,
		SignedHeaders: []string{"host", "x"}, SessionToken: true,
		Problems: []Problem{{"r", "m\n\"q\""}}, Warnings: []string{"w\xff", "\u2028"},
	}
	y10k := full
	y10k.ValidUntil = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	zone := full
	zone.SigningTime = kaTime.In(time.FixedZone("z", -7*3600-1800))
	nano := full
	nano.SigningTime = kaTime.Add(1500 * time.Microsecond)
	for _, d := range []Decoded{{}, {Params: []QueryParam{}, Problems: []Problem{}, Warnings: []string{}, SignedHeaders: []string{}}, full, y10k, zone, nano} {
		checkAppendJSON(t, &d)
	}
	d, _ := Decode(tokenOf("https://sts.us-east-1.amazonaws.com/?X-Amz-Date=99991231T235959Z"), kaTime)
	checkAppendJSON(t, d)
}

func FuzzDecode(f *testing.F) {
	f.Add(kaToken)
	f.Add(tokenOf("https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Date=99991231T235959Z"))
	f.Add(tokenOf("https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Security-Token=abc&x-amz-date=1"))
	f.Add(tokenOf("http://a/b?c=%zz;d"))
	f.Add("k8s-aws-v1.==")
	f.Fuzz(func(t *testing.T, tok string) {
		d, err := Decode(tok, kaTime)
		if d == nil {
			t.Fatal("nil Decoded")
		}
		if (err == nil) != d.OK() {
			t.Fatalf("err %v, OK %v", err, d.OK())
		}
		checkAppendJSON(t, d)
		// A token without a session token shows no redaction; one with
		// never shows a value other than Redacted.
		for _, p := range d.Params {
			if strings.EqualFold(p.Key, "X-Amz-Security-Token") && p.Value != Redacted {
				t.Fatalf("session token value shown: %q", p.Value)
			}
		}
	})
}

// TestDecodeAllPartitions: a token minted in every partition, with and
// without FIPS and dual-stack, decodes without warnings to its partition.
func TestDecodeAllPartitions(t *testing.T) {
	var g Generator
	regions := []string{"us-east-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1", "aws-global"}
	now := time.Date(2026, 12, 4, 15, 24, 59, 0, time.UTC)
	for _, r := range regions {
		for _, v := range []struct{ fips, ds bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			ep, err := ResolveEndpoint(EndpointConfig{Region: r, UseFIPS: v.fips, UseDualStack: v.ds})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := g.Get(kaCreds, "demo", ep, now)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Decode(tok.Value, now.Add(time.Minute))
			if err != nil {
				t.Errorf("%s %+v: Decode: %v", r, v, err)
				continue
			}
			if d.Partition != ep.Partition || len(d.Warnings) != 0 {
				t.Errorf("%s %+v: decoded partition %q (want %q), warnings %q", r, v, d.Partition, ep.Partition, d.Warnings)
			}
		}
	}
}
