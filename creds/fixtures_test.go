package creds

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// goINIDeviations are the aws-sdk-go-v2 INI fixture expectations we do not
// share, each for a documented reason (README "profile file rules").
var goINIDeviations = map[string]string{
	// An indented "[bar]" after a property is a continuation line for the
	// SEP and the AWS CLI (configparser), a new section for Go.
	"nested_fields":    "indented section header is a continuation (SEP/CLI)",
	"op_sep_in_values": "indented section header under 's3 =' is a sub-property line (SEP/CLI); Go opens [nested6]",
	// A property before any section is an error for the SEP and the CLI; Go ignores it.
	"global_values_profile": "property before the first section is an error (SEP/CLI)",
	// "aws region = x": a name with whitespace is invalid and ignored (SEP); Go keeps it.
	"space_lhs": "property names with whitespace are ignored (SEP)",
}

// TestGoINIFixtures: aws-sdk-go-v2 internal/ini testdata/valid/<f> with
// <f>_expected: every expected section/key has the expected value. Go writes
// sub-property blocks as "map[k:v ...]"; we compare those as maps.
func TestGoINIFixtures(t *testing.T) {
	dir := filepath.Join(awsTestdata, "aws-sdk-go-v2/internal/ini/testdata/valid")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ent := range ents {
		name := ent.Name()
		if strings.HasSuffix(name, "_expected") {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			var want map[string]map[string]any
			b, _ := os.ReadFile(filepath.Join(dir, name+"_expected"))
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			secs, err := parseINI(name, data)
			got := map[string]map[string]string{}
			for _, s := range secs {
				got[s.Name] = s.Props
			}
			var bad []string
			if err != nil {
				bad = append(bad, err.Error())
			}
			for sec, kv := range want {
				for k, v := range kv {
					wv := fmt.Sprint(v)
					gv, ok := got[sec][k]
					if strings.HasPrefix(wv, "map[") {
						if m := SubProperties(gv); ok && fmt.Sprint(m) == wv {
							continue
						}
					} else if ok && gv == wv {
						continue
					}
					bad = append(bad, fmt.Sprintf("[%s] %s = %q (present %v), Go expects %q", sec, k, gv, ok, wv))
				}
			}
			sort.Strings(bad)
			if why := goINIDeviations[name]; why != "" {
				if len(bad) == 0 {
					t.Fatalf("listed as a deviation (%s) but matches Go now", why)
				}
				t.Logf("deviation (%s): %s", why, strings.Join(bad, "; "))
				return
			}
			if len(bad) > 0 {
				t.Fatal(strings.Join(bad, "\n"))
			}
		})
	}
	if n != 20 {
		t.Fatalf("%d fixtures, want 20", n)
	}
}

func TestFileLocations(t *testing.T) {
	var suite struct {
		Tests []struct {
			Name                                string
			Environment                         map[string]string
			Platform                            string
			Profile                             *string
			ConfigLocation, CredentialsLocation string
		}
	}
	loadJSON(t, "smithy-rs/aws/rust-runtime/aws-runtime/test-data/file-location-tests.json", &suite)
	if len(suite.Tests) != 9 {
		t.Fatalf("%d cases", len(suite.Tests))
	}
	for _, tc := range suite.Tests {
		get := func(k string) string { return tc.Environment[k] }
		l := FileLocations(get, tc.Platform)
		if l.Config != tc.ConfigLocation || l.Credentials != tc.CredentialsLocation {
			t.Errorf("%s: got %q %q want %q %q", tc.Name, l.Config, l.Credentials, tc.ConfigLocation, tc.CredentialsLocation)
		}
		if tc.Profile != nil {
			st, err := plan((&Request{Env: get, GOOS: tc.Platform}).env(), &Request{})
			_ = st
			// the files do not exist: a non-default profile is "not found", naming it.
			if *tc.Profile != "default" && (err == nil || !strings.Contains(err.Error(), `"`+*tc.Profile+`"`)) {
				t.Errorf("%s: selected profile: %v", tc.Name, err)
			}
			if *tc.Profile == "default" && err != nil {
				t.Errorf("%s: %v", tc.Name, err)
			}
		}
	}
	// "~" expansion (the AWS CLI expands it; documented).
	l := FileLocations(func(k string) string {
		return map[string]string{"HOME": "/h", "AWS_CONFIG_FILE": "~/c"}[k]
	}, "linux")
	if l.Config != "/h/c" {
		t.Errorf("~ expansion: %q", l.Config)
	}
	vars := map[string]string{"HOME": "/h", "D": "/d", "AWS_CONFIG_FILE": "$D/${D}x/$NOPE/${NOPE}/$/${D", "AWS_SHARED_CREDENTIALS_FILE": "$HOME/c"}
	l = FileLocations(func(k string) string { return vars[k] }, "linux")
	if l.Config != "/d//dx/$NOPE/${NOPE}/$/${D" || l.Credentials != "/h/c" {
		t.Errorf("$VAR expansion: %q %q", l.Config, l.Credentials)
	}
}

// TestBotocoreCfg: botocore tests/unit/cfg, as far as they describe parsing
// (expectations paraphrased from test_configloader.py).
func TestBotocoreCfg(t *testing.T) {
	load := func(name string) (*Profiles, error) {
		return ParseProfiles(name, readTestdata(t, "botocore/tests/unit/cfg/"+name), "", nil)
	}
	ps, err := load("aws_config")
	if err != nil {
		t.Fatal(err)
	}
	if got := ps.Names(); !reflect.DeepEqual(got, []string{"default", "personal"}) {
		t.Errorf("aws_config profiles %q", got)
	}
	ps, err = load("aws_bad_profile")
	if err != nil {
		t.Fatal(err)
	}
	if got := ps.Names(); !reflect.DeepEqual(got, []string{"default", "my profile", "personal1"}) {
		t.Errorf("aws_bad_profile profiles %q", got)
	}
	for _, bad := range []string{"aws_config_bad", "aws_config_nested_bad"} {
		if _, err := load(bad); err == nil {
			t.Errorf("%s: want a parse error", bad)
		}
	}
	ps, err = load("aws_config_nested")
	if err != nil {
		t.Fatal(err)
	}
	p := ps.Profile("default")
	if got := SubProperties(p.Value("s3")); !reflect.DeepEqual(got, map[string]string{"signature_version": "s3v4", "addressing_style": "path"}) || p.Value("region") != "us-west-2" {
		t.Errorf("aws_config_nested: s3 %q region %q", got, p.Value("region"))
	}
	if raw := p.Value("s3"); raw != "\nsignature_version = s3v4\naddressing_style = path" {
		t.Errorf("raw s3 %q", raw)
	}
	ps, err = load("aws_sso_session_config")
	if err != nil {
		t.Fatal(err)
	}
	if s := ps.SSOSession("sso"); s["sso_start_url"] == "" || s["sso_region"] == "" {
		t.Errorf("sso-session: %q", s)
	}
	ps, err = load("aws_services_config")
	if err != nil {
		t.Fatal(err)
	}
	if u := SubProperties(ps.Services("my-services")["s3"])["endpoint_url"]; u != "https://localhost:5678/" {
		t.Errorf("services s3 %q", u)
	}
}

// aws_config_badbytes: the CLI rejects invalid UTF-8. We do not check
// encodings (values are opaque bytes, as in aws-sdk-go-v2); pinned here.
func TestBotocoreBadBytes(t *testing.T) {
	if _, err := ParseProfiles("x", readTestdata(t, "botocore/tests/unit/cfg/aws_config_badbytes"), "", nil); err != nil {
		t.Logf("badbytes: %v", err)
	}
}

func TestConfiguredEndpointURLs(t *testing.T) {
	var suite struct {
		TestSuites []struct {
			Profiles         map[string]map[string]string
			Services         map[string]map[string]map[string]string
			ClientConfigs    map[string]map[string]any `json:"client_configs"`
			Environments     map[string]map[string]string
			EndpointURLTests []struct {
				Name, Profile, Service, Environment string
				ClientConfig                        string `json:"client_config"`
				Output                              struct {
					EndpointURL string `json:"endpointUrl"`
				}
			} `json:"endpointUrlTests"`
		} `json:"testSuites"`
	}
	loadJSON(t, "botocore/tests/functional/configured_endpoint_urls/profile-tests.json", &suite)
	n := 0
	for _, s := range suite.TestSuites {
		// Write the suite's profiles and services as a config file.
		var b strings.Builder
		for name, props := range s.Profiles {
			fmt.Fprintf(&b, "[profile %s]\n", name)
			for k, v := range props {
				fmt.Fprintf(&b, "%s = %s\n", k, v)
			}
		}
		for name, svcs := range s.Services {
			fmt.Fprintf(&b, "[services %s]\n", name)
			for svc, props := range svcs {
				fmt.Fprintf(&b, "%s =\n", svc)
				for k, v := range props {
					fmt.Fprintf(&b, "  %s = %s\n", k, v)
				}
			}
		}
		ps, err := ParseProfiles("config", []byte(b.String()), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range s.EndpointURLTests {
			n++
			env := s.Environments[tc.Environment]
			cc := s.ClientConfigs[tc.ClientConfig]
			clientURL, _ := cc["endpoint_url"].(string)
			clientIgnore, _ := cc["ignore_configured_endpoint_urls"].(bool)
			got := ConfiguredEndpointURL(func(k string) string { return env[k] }, ps, ps.Profile(tc.Profile), tc.Service, clientURL, clientIgnore)
			want := tc.Output.EndpointURL
			if strings.Contains(want, ".fake-region-10.amazonaws.com") {
				want = "" // the SDK's own endpoint: nothing configured
			}
			if got != want {
				t.Errorf("%s: got %q want %q", tc.Name, got, want)
			}
		}
	}
	if n != 39 {
		t.Fatalf("%d cases, want 39", n)
	}
}
