package creds

import (
	"reflect"
	"strings"
	"testing"
)

// sepDeviations are the SEP parser cases where we deliberately follow the
// AWS CLI (and aws-sdk-go-v2) instead; each is asserted below.
var sepDeviations = map[string]string{
	// configparser and aws-sdk-go-v2 both accept ':' as a separator.
	"Property definitions must contain an equals sign.": "colon",
}

func TestSEPProfileParser(t *testing.T) {
	var suite struct {
		Tests []struct {
			Name  string
			Input struct {
				ConfigFile, CredentialsFile *string
			}
			Output struct {
				Config *struct {
					Profiles    map[string]map[string]string
					SSOSessions map[string]map[string]string `json:"sso_sessions"`
				}
				ErrorContaining string
			}
		}
	}
	loadJSON(t, "smithy-rs/aws/rust-runtime/aws-runtime/test-data/profile-parser-tests.json", &suite)
	if len(suite.Tests) != 65 {
		t.Fatalf("suite has %d cases, want 65", len(suite.Tests))
	}
	for i, tc := range suite.Tests {
		t.Run(tc.Name, func(t *testing.T) {
			var cfg, cred []byte
			if tc.Input.ConfigFile != nil {
				cfg = []byte(*tc.Input.ConfigFile)
			}
			if tc.Input.CredentialsFile != nil {
				cred = []byte(*tc.Input.CredentialsFile)
			}
			ps, err := ParseProfiles("config", cfg, "credentials", cred)
			if dev := sepDeviations[tc.Name]; dev != "" {
				switch dev {
				case "colon":
					if err != nil || ps.Profile("foo").Value("key") != "value" {
						t.Fatalf("case %d: want key=value via ':' separator, got %v", i, err)
					}
				}
				return
			}
			if tc.Output.ErrorContaining != "" {
				if err == nil {
					t.Fatalf("case %d: want error containing %q, got profiles %v", i, tc.Output.ErrorContaining, dump(ps))
				}
				return
			}
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			want := tc.Output.Config.Profiles
			if got := dump(ps); !reflect.DeepEqual(got, want) {
				t.Errorf("case %d profiles:\n got %q\nwant %q", i, got, want)
			}
			if tc.Output.Config.SSOSessions != nil {
				got := map[string]map[string]string{}
				for _, k := range ps.SSOSessionNames() {
					got[k] = ps.SSOSession(k)
				}
				if !reflect.DeepEqual(got, tc.Output.Config.SSOSessions) {
					t.Errorf("case %d sso_sessions:\n got %q\nwant %q", i, got, tc.Output.Config.SSOSessions)
				}
			}
		})
	}
}

func dump(ps *Profiles) map[string]map[string]string {
	out := map[string]map[string]string{}
	if ps == nil {
		return out
	}
	for _, n := range ps.Names() {
		out[n] = ps.Profile(n).Merged()
	}
	return out
}

func mustParse(t *testing.T, config, credentials string) *Profiles {
	t.Helper()
	var c, cr []byte
	if config != "" {
		c = []byte(config)
	}
	if credentials != "" {
		cr = []byte(credentials)
	}
	ps, err := ParseProfiles("config", c, "credentials", cr)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// Rules that are ours (documented choices), pinned.
func TestProfileFileChoices(t *testing.T) {
	for _, tc := range []struct {
		name, config, credentials string
		profile, key, want        string
	}{
		{"quotes stripped (Go; CLI and SEP keep them)", "[default]\nregion = \"us-west-2\"", "", "default", "region", "us-west-2"},
		{"single quotes stripped", "[default]\nregion = 'us-west-2' # c", "", "default", "region", "us-west-2"},
		{"one pair only", "[default]\nx = \"\"a\"\"", "", "default", "x", `"a"`},
		{"unbalanced kept", "[default]\nx = \"a", "", "default", "x", `"a`},
		{"inline comment needs whitespace", "[default]\na = v#x\nb = v #x\nc = v\t;x\nd = # all comment", "", "default", "a", "v#x"},
		{"inline comment cut", "[default]\nb = v #x", "", "default", "b", "v"},
		{"inline comment tab", "[default]\nc = v\t;x", "", "default", "c", "v"},
		{"value that is only a comment", "[default]\nd = # all comment", "", "default", "d", ""},
		{"quoted value keeps comment rule", "[default]\ne = \"a # b\"", "", "default", "e", `"a`},
		{"backtick value literal", "[default]\nf = `x` # c", "", "default", "f", "`x`"},
		{"triple quote literal", "[default]\ng = \"\"\"x", "", "default", "g", `"""x`},
		{"colon separator", "[default]\nregion : eu-west-1", "", "default", "region", "eu-west-1"},
		{"first separator splits", "[default]\nrole_arn = arn:aws:iam::1:role/x", "", "default", "role_arn", "arn:aws:iam::1:role/x"},
		{"colon then equals", "[default]\nkey:= value1", "", "default", "key", "= value1"},
		{"keys case-insensitive", "[default]\nAWS_Access_Key_ID = A", "", "default", "aws_access_key_id", "A"},
		{"sections case-sensitive", "[profile Dev]\nregion = a\n[profile dev]\nregion = b", "", "Dev", "region", "a"},
		{"credentials win per key", "[profile p]\nregion = a\nx = 1", "[p]\nregion = b", "p", "x", "1"},
		{"credentials win per key 2", "[profile p]\nregion = a", "[p]\nregion = b", "p", "region", "b"},
		{"quoted profile name (CLI)", "[profile \"my profile\"]\nregion = q", "", "my profile", "region", "q"},
		{"indented comment inside continuation", "[default]\na = 1\n  # c\n  2", "", "default", "a", "1\n2"},
		{"CRLF", "[default]\r\nregion = r\r\n", "", "default", "region", "r"},
		{"DEFAULT upper is an ordinary credentials profile", "", "[DEFAULT]\nregion = up", "DEFAULT", "region", "up"},
		{"dropped invalid key keeps continuation out", "[default]\nin valid = 1\n  more\nok = 2", "", "default", "ok", "2"},
		{"percent not interpolated", "[default]\nx = %(y)s\ny = 1", "", "default", "x", "%(y)s"},
		{"backslash not a continuation", "[default]\nx = a\\\ny = 1", "", "default", "x", `a\`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := mustParse(t, tc.config, tc.credentials)
			got, ok := ps.Profile(tc.profile).Get(tc.key)
			if !ok || got != tc.want {
				t.Fatalf("%s.%s = %q (%v), want %q; all %q", tc.profile, tc.key, got, ok, tc.want, dump(ps))
			}
		})
	}
}

func TestProfileFileErrors(t *testing.T) {
	for _, in := range []string{
		"region = x",
		"[profile foo",
		"[profile foo]\nnovalue",
		"[profile foo]\n= v",
		"[profile foo]\ns3 =\n  novalue",
		"[profile foo]\ns3 =\n  = v",
		"[profile foo]\ns3 =\n  k : v",
		"[profile foo] junk",
		" x",
	} {
		if ps, err := ParseProfiles("config", []byte(in), "", nil); err == nil {
			t.Errorf("%q: no error, got %q", in, dump(ps))
		} else if !strings.Contains(err.Error(), "config: line ") {
			t.Errorf("%q: error %q lacks the file and line", in, err)
		}
	}
}

func TestSubProperties(t *testing.T) {
	ps := mustParse(t, "[default]\ns3 =\n  addressing_style = path\n\n  Signature_Version = s3v4\nregion = r\n[services x]\nsts =\n  endpoint_url = http://localhost:1", "")
	got := SubProperties(ps.Profile("default").Value("s3"))
	want := map[string]string{"addressing_style": "path", "signature_version": "s3v4"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q want %q", got, want)
	}
	if r := ps.Profile("default").Value("region"); r != "r" {
		t.Fatalf("region %q", r)
	}
	if u := SubProperties(ps.Services("x")["sts"])["endpoint_url"]; u != "http://localhost:1" {
		t.Fatalf("services: %q", u)
	}
}

// Profiles parses lazily behind a mutex; run with -race.
func TestProfilesConcurrent(t *testing.T) {
	ps := mustParse(t, "[profile a]\nregion = 1\n[sso-session s]\nsso_region = r\n[services x]\nsts =\n  endpoint_url = u\n", "[a]\naws_access_key_id = k\n")
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			ok := ps.Profile("a").Value("region") == "1" && ps.Profile("a").Value("aws_access_key_id") == "k" &&
				ps.SSOSession("s")["sso_region"] == "r" && SubProperties(ps.Services("x")["sts"])["endpoint_url"] == "u"
			done <- ok
		}()
	}
	for i := 0; i < 8; i++ {
		if !<-done {
			t.Fatal("wrong value")
		}
	}
}
