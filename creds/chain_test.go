package creds

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestAssumeRoleChainShapes: smithy-rs assume-role-tests.json, the plan
// (base source + AssumeRole steps) for each case. The profiles are written
// to a config file ([profile X]) and planned through the real parser.
func TestAssumeRoleChainShapes(t *testing.T) {
	var cases []struct {
		Docs  string
		Input struct {
			Profiles        map[string]map[string]string
			SSOSessions     map[string]map[string]string `json:"sso_sessions"`
			SelectedProfile string                       `json:"selected_profile"`
		}
		Output struct {
			ProfileChain []map[string]any
			Error        string
		}
	}
	loadJSON(t, "smithy-rs/aws/rust-runtime/aws-config/test-data/assume-role-tests.json", &cases)
	if len(cases) != 28 {
		t.Fatalf("%d cases", len(cases))
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%d %s", i, tc.Docs), func(t *testing.T) {
			var b strings.Builder
			for _, name := range sortedKeys(tc.Input.Profiles) {
				fmt.Fprintf(&b, "[profile %s]\n", name)
				for _, k := range sortedKeys(tc.Input.Profiles[name]) {
					fmt.Fprintf(&b, "%s = %s\n", k, tc.Input.Profiles[name][k])
				}
			}
			for _, name := range sortedKeys(tc.Input.SSOSessions) {
				fmt.Fprintf(&b, "[sso-session %s]\n", name)
				for k, v := range tc.Input.SSOSessions[name] {
					fmt.Fprintf(&b, "%s = %s\n", k, v)
				}
			}
			ps := mustParse(t, b.String(), "")
			e := (&Request{Env: func(string) string { return "" }}).env()
			pl := &Plan{}
			p := ps.Profile(tc.Input.SelectedProfile)
			var err error
			ok := false
			if p == nil {
				err = fmt.Errorf("profile %q not found", tc.Input.SelectedProfile)
			} else {
				pc := &planner{e: e, ps: ps, allowEnv: false}
				ok, err = pc.top(pl, p)
				if err == nil && !ok {
					err = fmt.Errorf("profile %q did not contain credential information", p.Name)
				}
			}
			if tc.Output.Error != "" {
				if err == nil {
					t.Fatalf("want error %q, got plan %s", tc.Output.Error, shape(pl))
				}
				t.Logf("error (want %q): %v", tc.Output.Error, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := make([]string, len(tc.Output.ProfileChain))
			for i, step := range tc.Output.ProfileChain {
				want[i] = sepStep(step)
			}
			if got := shape(pl); !reflect.DeepEqual(got, want) {
				t.Fatalf("\n got %q\nwant %q", got, want)
			}
		})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// sepStep renders one ProfileChain element of the suite like shape does.
func sepStep(step map[string]any) string {
	for kind, v := range step {
		switch kind {
		case "NamedSource":
			return "Named " + v.(string)
		}
		m := v.(map[string]any)
		s := func(k string) string { x, _ := m[k].(string); return x }
		switch kind {
		case "AccessKey":
			return "Static " + s("access_key_id") + " " + s("session_token")
		case "AssumeRole":
			return "AssumeRole " + s("role_arn") + " " + s("external_id") + " " + s("role_session_name")
		case "WebIdentityToken":
			return "WebIdentity " + s("role_arn") + " " + s("web_identity_token_file") + " " + s("role_session_name")
		case "Sso":
			return "SSO " + s("sso_session") + " " + s("sso_region") + " " + s("sso_start_url") + " " + s("sso_account_id") + " " + s("sso_role_name")
		}
		return "unknown " + kind
	}
	return "empty"
}

func shape(pl *Plan) []string {
	var out []string
	b := pl.Base
	switch b.Kind {
	case SourceStatic:
		out = append(out, "Static "+b.Credentials.AccessKeyID+" "+b.Credentials.SessionToken)
	case SourceNamed:
		out = append(out, "Named "+b.Named)
	case SourceWebIdentity:
		out = append(out, "WebIdentity "+b.RoleARN+" "+b.WebIdentityTokenFile+" "+b.RoleSessionName)
	case SourceSSO:
		out = append(out, "SSO "+b.SSOSession+" "+b.SSORegion+" "+b.SSOStartURL+" "+b.SSOAccountID+" "+b.SSORoleName)
	default:
		out = append(out, b.Kind.String())
	}
	for _, r := range pl.Roles {
		out = append(out, "AssumeRole "+r.RoleARN+" "+r.ExternalID+" "+r.RoleSessionName)
	}
	return out
}

func TestPlanEnvironment(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		name    string
		env     map[string]string
		profile string
		want    string
	}{
		{"IRSA without config files", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r", "AWS_ROLE_SESSION_NAME": "s"}, "", "WebIdentity arn:aws:iam::1:role/r /var/run/token s"},
		{"web identity without role", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"}, "", "error"},
		{"EKS Pod Identity", map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"}, "", "container credentials endpoint"},
		{"IMDS last", map[string]string{}, "", "EC2 instance metadata (IMDS)"},
		{"IMDS disabled", map[string]string{"AWS_EC2_METADATA_DISABLED": "TRUE"}, "", "error"},
		{"env keys", map[string]string{"AWS_ACCESS_KEY": "AKALIAS", "AWS_SECRET_KEY": "s"}, "", "environment"},
		{"env key without secret", map[string]string{"AWS_ACCESS_KEY_ID": "AK"}, "", "error"},
		{"bad expiration", map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CREDENTIAL_EXPIRATION": "tomorrow"}, "", "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": home}
			for k, v := range tc.env {
				env[k] = v
			}
			r := &Request{Env: func(k string) string { return env[k] }, Profile: tc.profile}
			st, err := plan(r.env(), r)
			got := "error"
			if err == nil {
				got = strings.Join(shape(st.plan), "|")
			} else {
				recordErr(err)
			}
			if got != tc.want {
				t.Fatalf("got %q want %q (err %v)", got, tc.want, err)
			}
		})
	}
}

// Network steps reach networkStep: the AssumeRole step is never skipped, and
// when it fails (here: no STS to reach) the error names the profile and the
// source.
func TestNetworkSeam(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home, "AWS_CONFIG_FILE": filepath.Join(home, "c")}
	os.WriteFile(env["AWS_CONFIG_FILE"], []byte("[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n[profile b]\naws_access_key_id = AKB\naws_secret_access_key = s\n"), 0o600)
	res, err := Resolve(context.Background(), Request{Env: func(k string) string { return env[k] }, Profile: "a"})
	if err == nil {
		if res.Credentials.AccessKeyID == "AKB" {
			t.Fatal("AssumeRole step skipped")
		}
		return // the network sources are merged in: nothing to check here
	}
	if !strings.Contains(err.Error(), `profile "a"`) || !strings.Contains(err.Error(), "arn:aws:iam::1:role/r") {
		t.Fatalf("error does not name the profile and role: %v", err)
	}
}

// TestSelectedProfile: --profile, then AWS_PROFILE, then
// AWS_DEFAULT_PROFILE, then "default".
func TestSelectedProfile(t *testing.T) {
	for _, tc := range []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"", nil, "default"},
		{"", map[string]string{"AWS_DEFAULT_PROFILE": "d"}, "d"},
		{"", map[string]string{"AWS_PROFILE": "p", "AWS_DEFAULT_PROFILE": "d"}, "p"},
		{"f", map[string]string{"AWS_PROFILE": "p", "AWS_DEFAULT_PROFILE": "d"}, "f"},
	} {
		if got := SelectedProfile(func(k string) string { return tc.env[k] }, tc.flag); got != tc.want {
			t.Errorf("flag %q env %v: %q, want %q", tc.flag, tc.env, got, tc.want)
		}
	}
}
