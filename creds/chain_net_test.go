//go:build !nonet

package creds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// awsFake is one loopback server playing STS, the SSO portal, IMDS and the
// container credentials endpoint. It issues distinct credentials on every
// call, remembers them, and verifies each AssumeRole's signature against the
// credentials it was signed with (the case's static keys, or what the fake
// issued before). calls records what was asked, in order.
type awsFake struct {
	t     testing.TB
	srv   *httptest.Server
	now   time.Time
	mu    sync.Mutex
	n     int
	known map[string]sigv4.Credentials // by access key id
	calls []string
	delay time.Duration // before answering STS
}

func newAWSFake(t testing.TB, now time.Time, static ...sigv4.Credentials) *awsFake {
	f := &awsFake{t: t, now: now, known: map[string]sigv4.Credentials{}}
	for _, c := range static {
		f.known[c.AccessKeyID] = c
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *awsFake) issue(prefix string) sigv4.Credentials {
	f.n++
	c := sigv4.Credentials{AccessKeyID: fmt.Sprintf("%s%04d", prefix, f.n), SecretAccessKey: fmt.Sprintf("secret-%d", f.n),
		SessionToken: fmt.Sprintf("token-%d", f.n), Expires: f.now.Add(time.Hour).Truncate(time.Second).UTC()}
	f.known[c.AccessKeyID] = c
	return c
}

func (f *awsFake) record(s string) { f.calls = append(f.calls, s) }

func (f *awsFake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodPost && f.delay > 0 {
		f.mu.Unlock()
		time.Sleep(f.delay)
		f.mu.Lock()
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			f.t.Errorf("STS body %q: %v", body, err)
		}
		desc := form.Get("Action") + " " + form.Get("RoleArn")
		for _, k := range []string{"RoleSessionName", "ExternalId", "SerialNumber", "TokenCode"} {
			if v := form.Get(k); v != "" && !(k == "RoleSessionName" && strings.HasPrefix(v, "ekstoken-")) {
				desc += " " + k + "=" + v
			}
		}
		switch form.Get("Action") {
		case "AssumeRole":
			m := authRE.FindStringSubmatch(r.Header.Get("Authorization"))
			if m == nil {
				f.t.Errorf("AssumeRole without a well-formed Authorization: %q", r.Header.Get("Authorization"))
				break
			}
			signer, ok := f.known[m[1]]
			if !ok {
				f.t.Errorf("AssumeRole signed with unknown key %s", m[1])
				break
			}
			verifySTSSignature(f.t, r, body, signer, m[3])
			desc += " by " + m[1]
		case "AssumeRoleWithWebIdentity":
			if r.Header.Get("Authorization") != "" {
				f.t.Error("web identity call is signed")
			}
			desc += " token=" + form.Get("WebIdentityToken")
		}
		f.record(desc)
		c := f.issue("ASIA")
		fmt.Fprintf(w, `<%[1]sResponse><%[1]sResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>
<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials></%[1]sResult></%[1]sResponse>`,
			form.Get("Action"), c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expires.Format(time.RFC3339))
	case r.URL.Path == "/federation/credentials":
		f.record("SSO " + r.URL.Query().Get("account_id") + " " + r.URL.Query().Get("role_name") + " bearer=" + r.Header.Get("x-amz-sso_bearer_token"))
		c := f.issue("ASIASSO")
		fmt.Fprintf(w, `{"roleCredentials":{"accessKeyId":%q,"secretAccessKey":%q,"sessionToken":%q,"expiration":%d}}`,
			c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expires.UnixMilli())
	case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
		f.record("IMDS token")
		io.WriteString(w, "imds-session")
	case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
		if r.Header.Get("X-Aws-Ec2-Metadata-Token") != "imds-session" {
			w.WriteHeader(401)
			return
		}
		io.WriteString(w, "instance-role")
	case r.URL.Path == "/latest/meta-data/iam/security-credentials/instance-role":
		f.record("IMDS credentials")
		c := f.issue("ASIAEC2")
		fmt.Fprintf(w, `{"Code":"Success","AccessKeyId":%q,"SecretAccessKey":%q,"Token":%q,"Expiration":%q}`,
			c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expires.Format(time.RFC3339))
	case r.URL.Path == "/container":
		f.record("container auth=" + r.Header.Get("Authorization"))
		c := f.issue("ASIAECS")
		fmt.Fprintf(w, `{"AccessKeyId":%q,"SecretAccessKey":%q,"Token":%q,"Expiration":%q}`,
			c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expires.Format(time.RFC3339))
	default:
		f.t.Errorf("fake AWS: unexpected %s %s", r.Method, r.URL)
		w.WriteHeader(404)
	}
}

func (f *awsFake) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakeEnv points every network source at f, with HOME and the cache in dir.
func (f *awsFake) env(home string, extra map[string]string) map[string]string {
	m := map[string]string{
		"HOME":                              home,
		"XDG_CACHE_HOME":                    filepath.Join(home, ".cache"),
		"AWS_ENDPOINT_URL_STS":              f.srv.URL,
		"AWS_ENDPOINT_URL_SSO":              f.srv.URL,
		"AWS_EC2_METADATA_SERVICE_ENDPOINT": f.srv.URL,
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Every success case of smithy-rs assume-role-tests.json, resolved through
// the real chain (Resolve) against the fake: the network calls made are
// exactly the case's ProfileChain (base source, then each AssumeRole with
// its external id and session name, each signed by the step before), and
// the credentials are those of the last step.
func TestAssumeRoleTestsThroughChain(t *testing.T) {
	var cases []struct {
		Docs  string
		Input struct {
			Profiles        map[string]map[string]string
			SSOSessions     map[string]map[string]string `json:"sso_sessions"`
			SelectedProfile string                       `json:"selected_profile"`
		}
		Output struct {
			ProfileChain []any
			Error        string
		}
	}
	var raw []map[string]any
	loadJSON(t, "smithy-rs/aws/rust-runtime/aws-config/test-data/assume-role-tests.json", &raw)
	loadJSON(t, "smithy-rs/aws/rust-runtime/aws-config/test-data/assume-role-tests.json", &cases)
	ran := 0
	for i, tc := range cases {
		if tc.Output.Error != "" {
			continue // error cases are planning errors: TestAssumeRoleChainShapes
		}
		// NamedSource steps are strings in the JSON; re-read them.
		chain := raw[i]["output"].(map[string]any)["ProfileChain"].([]any)
		t.Run(fmt.Sprintf("%d %s", i, tc.Docs), func(t *testing.T) {
			home := t.TempDir()
			now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
			tokenFile := filepath.Join(home, "token.jwt")
			writeFile(t, tokenFile, "the-jwt\n")
			var static []sigv4.Credentials
			var b strings.Builder
			for _, name := range sortedKeys(tc.Input.Profiles) {
				fmt.Fprintf(&b, "[profile %s]\n", name)
				p := tc.Input.Profiles[name]
				for _, k := range sortedKeys(p) {
					v := p[k]
					if k == "web_identity_token_file" {
						v = tokenFile
					}
					fmt.Fprintf(&b, "%s = %s\n", k, v)
				}
				if p["aws_access_key_id"] != "" {
					static = append(static, sigv4.Credentials{AccessKeyID: p["aws_access_key_id"], SecretAccessKey: p["aws_secret_access_key"]})
				}
			}
			for _, name := range sortedKeys(tc.Input.SSOSessions) {
				fmt.Fprintf(&b, "[sso-session %s]\n", name)
				for k, v := range tc.Input.SSOSessions[name] {
					fmt.Fprintf(&b, "%s = %s\n", k, v)
				}
			}
			writeFile(t, filepath.Join(home, ".aws", "config"), b.String())
			f := newAWSFake(t, now, static...)

			var want []string
			wantErr := ""
			prevKey := ""
			for _, step := range chain {
				switch s := step.(type) {
				case string:
					t.Fatalf("unexpected step %v", s)
				case map[string]any:
					for kind, v := range s {
						switch kind {
						case "NamedSource":
							switch v {
							case "Ec2InstanceMetadata":
								want = append(want, "IMDS token", "IMDS credentials")
							case "EcsContainer":
								want = append(want, "container auth=")
							}
							prevKey = "ASIA" // issued by the fake: checked by signature
						case "AccessKey":
							prevKey = v.(map[string]any)["access_key_id"].(string)
						case "WebIdentityToken":
							m := v.(map[string]any)
							d := "AssumeRoleWithWebIdentity " + m["role_arn"].(string)
							if sn, ok := m["role_session_name"]; ok {
								d += " RoleSessionName=" + sn.(string)
							}
							want = append(want, d+" token=the-jwt")
							prevKey = "ASIA"
						case "Sso":
							m := v.(map[string]any)
							if m["sso_account_id"] == nil {
								wantErr = "access token instead of credentials"
								continue
							}
							want = append(want, fmt.Sprintf("SSO %s %s bearer=sso-access-token", m["sso_account_id"], m["sso_role_name"]))
							writeFile(t, SSOTokenPath(home, str(m["sso_session"]), str(m["sso_start_url"])),
								`{"accessToken":"sso-access-token","expiresAt":"2099-01-01T00:00:00Z"}`)
							prevKey = "ASIA"
						case "AssumeRole":
							m := v.(map[string]any)
							d := "AssumeRole " + m["role_arn"].(string)
							if sn, ok := m["role_session_name"]; ok {
								d += " RoleSessionName=" + sn.(string)
							}
							if x, ok := m["external_id"]; ok {
								d += " ExternalId=" + x.(string)
							}
							want = append(want, d+" by "+prevKey)
							prevKey = "ASIA"
						default:
							t.Fatalf("step kind %s", kind)
						}
					}
				}
			}
			res, err := Resolve(context.Background(), Request{Env: getenvMap(f.env(home, nil)), Profile: tc.Input.SelectedProfile, Now: func() time.Time { return now }})
			if wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), wantErr) {
					t.Fatalf("error %v, want %q", err, wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := f.callList()
			for i := range got {
				// Issued keys are numbered; compare their prefix only.
				if j := strings.Index(got[i], " by ASIA"); j >= 0 {
					got[i] = got[i][:j] + " by ASIA"
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("calls\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			last := f.known[res.Credentials.AccessKeyID]
			if len(want) > 0 && res.Credentials != last {
				t.Errorf("resolved %v, last issued %v", res.Credentials, last)
			}
			ran++
		})
	}
	if ran < 10 {
		t.Errorf("only %d cases resolved", ran)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// --role-arn / -r: one more AssumeRole on top of whatever the chain found
// (here a role profile), signed by the previous step's credentials.
func TestRequestAssumeRole(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), burstConfig)
	f := newAWSFake(t, time.Now(), sigv4.Credentials{AccessKeyID: "AKIABASE", SecretAccessKey: "base-secret"})
	res, err := Resolve(context.Background(), Request{Env: getenvMap(f.env(home, nil)), Profile: "burst",
		AssumeRole: AssumeRole{Profile: "--role-arn", RoleARN: "arn:aws:iam::999988887777:role/eks", RoleSessionName: "EKSGetTokenAuth", ExternalID: "x-1"}})
	if err != nil {
		t.Fatal(err)
	}
	calls := f.callList()
	want := []string{"AssumeRole arn:aws:iam::111122223333:role/burst by AKIABASE", "AssumeRole arn:aws:iam::999988887777:role/eks RoleSessionName=EKSGetTokenAuth ExternalId=x-1 by ASIA"}
	if len(calls) != 2 || calls[0] != want[0] || !strings.HasPrefix(calls[1], want[1]) {
		t.Errorf("calls %q", calls)
	}
	if f.known[res.Credentials.AccessKeyID] != res.Credentials || res.Plan.Roles[len(res.Plan.Roles)-1].RoleARN != "arn:aws:iam::999988887777:role/eks" {
		t.Errorf("resolved %v", res.Credentials)
	}
}

// A 403 through the chain names the role, the profile and the source
// profile whose credentials were refused, and no secret.
func TestAccessDeniedNamesSource(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), burstConfig)
	sts := newFakeSTS(t, stsErr(403, "AccessDenied", "User: arn:aws:iam::111122223333:user/u is not authorized to perform: sts:AssumeRole"))
	_, err := Resolve(context.Background(), Request{Env: getenvMap(map[string]string{"HOME": home, "AWS_ENDPOINT_URL_STS": sts.srv.URL, "XDG_CACHE_HOME": t.TempDir()}), Profile: "burst"})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, s := range []string{`profile "burst"`, "arn:aws:iam::111122223333:role/burst", `profile "base"`, "AccessDenied", "not authorized"} {
		if !strings.Contains(msg, s) {
			t.Errorf("%q lacks %q", msg, s)
		}
	}
	if strings.Contains(msg, "base-secret") {
		t.Errorf("%q leaks the secret", msg)
	}
	t.Log(msg)
}

func TestExpiredSSOThroughChain(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n")
	writeFile(t, SSOTokenPath(home, "corp", ""), `{"accessToken":"old","expiresAt":"2020-01-01T00:00:00Z"}`)
	f := newAWSFake(t, time.Now())
	_, err := Resolve(context.Background(), Request{Env: getenvMap(f.env(home, nil)), Profile: "dev"})
	if err == nil || !errors.Is(err, ErrSSOLogin) || !strings.Contains(err.Error(), "run `aws sso login --profile dev`") || len(f.callList()) != 0 {
		t.Fatalf("error %v, calls %q", err, f.callList())
	}
}
