package token

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// botocoreCase is one case of botocore's STS endpoint-rule tests
// (testdata/botocore/sts-endpoint-tests-1.json).
type botocoreCase struct {
	Documentation string `json:"documentation"`
	Params        struct {
		Region            *string `json:"Region"`
		UseFIPS           bool    `json:"UseFIPS"`
		UseDualStack      bool    `json:"UseDualStack"`
		UseGlobalEndpoint bool    `json:"UseGlobalEndpoint"`
		Endpoint          *string `json:"Endpoint"`
	} `json:"params"`
	Expect struct {
		Error    string `json:"error"`
		Endpoint *struct {
			URL        string `json:"url"`
			Properties struct {
				AuthSchemes []struct {
					SigningName   string `json:"signingName"`
					SigningRegion string `json:"signingRegion"`
				} `json:"authSchemes"`
			} `json:"properties"`
		} `json:"endpoint"`
	} `json:"expect"`
}

// TestResolveEndpointBotocore runs all 69 botocore cases. The legacy
// UseGlobalEndpoint cases (AWS_STS_REGIONAL_ENDPOINTS=legacy in CLI v1) are
// deliberately not followed: for them we assert the regional host that the
// same region gives without the legacy flag (see ResolveEndpoint).
func TestResolveEndpointBotocore(t *testing.T) {
	data, err := os.ReadFile("testdata/botocore/sts-endpoint-tests-1.json")
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		TestCases []botocoreCase `json:"testCases"`
	}
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	if len(suite.TestCases) != 69 {
		t.Fatalf("%d cases, want 69", len(suite.TestCases))
	}
	var legacy, ran int
	for _, tc := range suite.TestCases {
		t.Run(tc.Documentation, func(t *testing.T) {
			var c EndpointConfig
			if tc.Params.Region != nil {
				c.Region = *tc.Params.Region
			}
			if tc.Params.Endpoint != nil {
				c.URL = *tc.Params.Endpoint
			}
			c.UseFIPS, c.UseDualStack = tc.Params.UseFIPS, tc.Params.UseDualStack
			ep, err := ResolveEndpoint(c)
			ran++
			if tc.Params.UseGlobalEndpoint && c.URL == "" {
				legacy++
				if err != nil {
					t.Fatal(err)
				}
				want := "sts." + c.Region + ".amazonaws.com"
				if c.Region == "aws-global" {
					want = "sts.amazonaws.com"
				}
				if ep.Host != want || ep.Scheme != "https" || ep.Path != "/" {
					t.Errorf("legacy case: got %s, want the regional https://%s/", ep, want)
				}
				return
			}
			if tc.Expect.Error != "" {
				if err == nil || err.Error() != tc.Expect.Error {
					t.Fatalf("got %v, %v; want error %q", ep, err, tc.Expect.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ep.Scheme + "://" + ep.Host; got != tc.Expect.Endpoint.URL {
				t.Errorf("got %s, want %s", got, tc.Expect.Endpoint.URL)
			}
			if ep.Path != "/" {
				t.Errorf("path %q, want /", ep.Path)
			}
			wantRegion := c.Region
			for _, a := range tc.Expect.Endpoint.Properties.AuthSchemes {
				if a.SigningName != "sts" {
					t.Errorf("signing name %q", a.SigningName)
				}
				wantRegion = a.SigningRegion
			}
			if ep.Region != wantRegion {
				t.Errorf("signing region %q, want %q", ep.Region, wantRegion)
			}
		})
	}
	if ran != 69 || legacy != 17 {
		t.Errorf("ran %d cases (%d legacy), want 69 (17)", ran, legacy)
	}
}

// TestResolveEndpointPartitions: one case per partition, each variant.
func TestResolveEndpointPartitions(t *testing.T) {
	for _, tc := range []struct {
		region, partition, plain, fips, ds, fipsDS string
	}{
		{"us-east-2", "aws", "sts.us-east-2.amazonaws.com", "sts-fips.us-east-2.amazonaws.com", "sts.us-east-2.api.aws", "sts-fips.us-east-2.api.aws"},
		{"il-central-1", "aws", "sts.il-central-1.amazonaws.com", "sts-fips.il-central-1.amazonaws.com", "sts.il-central-1.api.aws", "sts-fips.il-central-1.api.aws"},
		{"mx-central-1", "aws", "sts.mx-central-1.amazonaws.com", "sts-fips.mx-central-1.amazonaws.com", "sts.mx-central-1.api.aws", "sts-fips.mx-central-1.api.aws"},
		{"xx-future-9", "aws", "sts.xx-future-9.amazonaws.com", "sts-fips.xx-future-9.amazonaws.com", "sts.xx-future-9.api.aws", "sts-fips.xx-future-9.api.aws"},
		{"cn-northwest-1", "aws-cn", "sts.cn-northwest-1.amazonaws.com.cn", "sts-fips.cn-northwest-1.amazonaws.com.cn", "sts.cn-northwest-1.api.amazonwebservices.com.cn", "sts-fips.cn-northwest-1.api.amazonwebservices.com.cn"},
		{"us-gov-west-1", "aws-us-gov", "sts.us-gov-west-1.amazonaws.com", "sts.us-gov-west-1.amazonaws.com", "sts.us-gov-west-1.api.aws", "sts-fips.us-gov-west-1.api.aws"},
		{"us-iso-east-1", "aws-iso", "sts.us-iso-east-1.c2s.ic.gov", "sts-fips.us-iso-east-1.c2s.ic.gov", "sts.us-iso-east-1.api.aws.ic.gov", "sts-fips.us-iso-east-1.api.aws.ic.gov"},
		{"us-isob-east-1", "aws-iso-b", "sts.us-isob-east-1.sc2s.sgov.gov", "sts-fips.us-isob-east-1.sc2s.sgov.gov", "sts.us-isob-east-1.api.aws.scloud", "sts-fips.us-isob-east-1.api.aws.scloud"},
		{"eu-isoe-west-1", "aws-iso-e", "sts.eu-isoe-west-1.cloud.adc-e.uk", "sts-fips.eu-isoe-west-1.cloud.adc-e.uk", "sts.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "sts-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk"},
		{"us-isof-south-1", "aws-iso-f", "sts.us-isof-south-1.csp.hci.ic.gov", "sts-fips.us-isof-south-1.csp.hci.ic.gov", "sts.us-isof-south-1.api.aws.hci.ic.gov", "sts-fips.us-isof-south-1.api.aws.hci.ic.gov"},
		{"eusc-de-east-1", "aws-eusc", "sts.eusc-de-east-1.amazonaws.eu", "sts-fips.eusc-de-east-1.amazonaws.eu", "sts.eusc-de-east-1.api.amazonwebservices.eu", "sts-fips.eusc-de-east-1.api.amazonwebservices.eu"},
	} {
		for _, v := range []struct {
			fips, ds bool
			want     string
		}{{false, false, tc.plain}, {true, false, tc.fips}, {false, true, tc.ds}, {true, true, tc.fipsDS}} {
			ep, err := ResolveEndpoint(EndpointConfig{Region: tc.region, UseFIPS: v.fips, UseDualStack: v.ds})
			if err != nil {
				t.Errorf("%s fips=%v ds=%v: %v", tc.region, v.fips, v.ds, err)
				continue
			}
			if ep.Host != v.want || ep.Partition != tc.partition || ep.Region != tc.region || ep.String() != "https://"+v.want+"/" || ep.Custom {
				t.Errorf("%s fips=%v ds=%v: got %+v, want host %s partition %s", tc.region, v.fips, v.ds, ep, v.want, tc.partition)
			}
		}
		if p := PartitionForRegion(tc.region); p.Name != tc.partition {
			t.Errorf("PartitionForRegion(%s) = %s", tc.region, p.Name)
		}
	}
}

func TestPartitionForRegion(t *testing.T) {
	for region, want := range map[string]string{
		"aws-global": "aws", "aws-cn-global": "aws-cn", "aws-us-gov-global": "aws-us-gov",
		"aws-iso-global": "aws-iso", "aws-iso-b-global": "aws-iso-b", "aws-iso-e-global": "aws-iso-e",
		"aws-iso-f-global": "aws-iso-f",
		"us-gov-1":         "aws", // three labels: the aws pattern
		"cn-north":         "aws", // no digits: no pattern, default
		"cn-north-x":       "aws",
		"us-gov-east-1-2":  "aws",
		"eusc-fr-east-1":   "aws", // only (de) in the eusc pattern
		"us-isoz-east-1":   "aws",
		"":                 "aws",
		"a-b-c-d-e-f":      "aws",
		"CN-NORTH-1":       "aws", // case matters in the patterns
		"cn-No_rth-1":      "aws-cn",
	} {
		if got := PartitionForRegion(region).Name; got != want {
			t.Errorf("PartitionForRegion(%q) = %s, want %s", region, got, want)
		}
	}
	if len(Partitions()) != 8 || Partitions()[0].Name != "aws" {
		t.Errorf("Partitions() = %v", Partitions())
	}
	Partitions()[0].Name = "changed"
	if p, ok := PartitionByName("aws"); !ok || p.DNSSuffix != "amazonaws.com" {
		t.Errorf("PartitionByName(aws) = %v, %v (Partitions must return a copy)", p, ok)
	}
	if _, ok := PartitionByName("aws-moon"); ok {
		t.Error("PartitionByName(aws-moon) found")
	}
}

func TestResolveEndpointOverride(t *testing.T) {
	for _, tc := range []struct {
		cfg  EndpointConfig
		want Endpoint
	}{
		{EndpointConfig{Region: "us-east-1", URL: "https://sts.internal.example"},
			Endpoint{Scheme: "https", Host: "sts.internal.example", Path: "/", Partition: "aws", Region: "us-east-1", Custom: true}},
		{EndpointConfig{Region: "cn-north-1", URL: "http://LOCALHOST:4566/"},
			Endpoint{Scheme: "http", Host: "localhost:4566", Path: "/", Partition: "aws-cn", Region: "cn-north-1", Custom: true}},
		{EndpointConfig{Region: "us-west-2", URL: "https://[::1]:8443/sts/a%20b"},
			Endpoint{Scheme: "https", Host: "[::1]:8443", Path: "/sts/a%20b", Partition: "aws", Region: "us-west-2", Custom: true}},
		{EndpointConfig{URL: "https://example.com"},
			Endpoint{Scheme: "https", Host: "example.com", Path: "/", Custom: true}},
		{EndpointConfig{Region: "aws-global", URL: "https://example.com"},
			Endpoint{Scheme: "https", Host: "example.com", Path: "/", Partition: "aws", Region: "us-east-1", Custom: true}},
	} {
		got, err := ResolveEndpoint(tc.cfg)
		if err != nil || got != tc.want {
			t.Errorf("%+v: got %+v, %v; want %+v", tc.cfg, got, err, tc.want)
		}
	}
	for _, u := range []string{
		"ftp://example.com", "example.com", "https://", "https:///path", "https://user:pw@example.com",
		"https://example.com/?a=b", "https://example.com/#frag", "https://example.com/?", "mailto:x@example.com",
		"https://exa mple.com", "https://example.com\n", "://x",
	} {
		if ep, err := ResolveEndpoint(EndpointConfig{Region: "us-east-1", URL: u}); err == nil {
			t.Errorf("URL %q accepted: %+v", u, ep)
		}
	}
}

// TestHostileRegions: nothing that could change the host, port, path or
// scope may pass as a region, with or without FIPS, dual-stack, override.
func TestHostileRegions(t *testing.T) {
	bad := []string{
		"us-east-1.evil.com", "evil.com/", "us-east-1/..", "us-east-1:443", "us-east-1@evil",
		"US-EAST-1", "us-East-1", " us-east-1", "us-east-1 ", "us-east-1\n", "us east 1", "us\teast",
		"-us-east-1", "us-east-1-", "us--east-1", "-", "us_east_1", "us-east-1?x=y", "us-east-1#",
		"üs-east-1", "us-east-1\x00", "%75s-east-1", strings.Repeat("a", 64), "",
	}
	for _, r := range bad {
		if err := ValidateRegion(r); err == nil {
			t.Errorf("ValidateRegion(%q) accepted", r)
		}
		for _, c := range []EndpointConfig{
			{Region: r}, {Region: r, UseFIPS: true}, {Region: r, UseDualStack: true}, {Region: r, URL: "https://example.com"},
		} {
			if c.Region == "" && c.URL != "" {
				continue // a URL without a region is allowed (botocore case)
			}
			if ep, err := ResolveEndpoint(c); err == nil {
				t.Errorf("ResolveEndpoint(%+v) = %+v", c, ep)
			}
		}
	}
	for _, r := range []string{"us-east-1", "a", "1", "a-b", strings.Repeat("a", 63), "aws-global", "eusc-de-east-1"} {
		if err := ValidateRegion(r); err != nil {
			t.Errorf("ValidateRegion(%q): %v", r, err)
		}
	}
}
