package creds

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ekstoken/ekstoken/sigv4"
)

// The chain: one order, the AWS CLI v2's (botocore create_credential_resolver
// as vendored by aws-cli v2), with the atmos identities in front. Each source
// answers "not configured" (the next one is tried), "credentials", or
// "configured but broken" (an error; never skipped).
//
//  0. atmos identity: --identity, else ATMOS_IDENTITY (unless --profile is
//     given), when atmos session files exist (atmos.go). With no atmos files
//     the identity name is used as an AWS profile name, like --profile.
//  1. environment keys (AWS_ACCESS_KEY_ID …; envcreds.go) — skipped when
//     --profile (or --identity used as a profile) is given, like the CLI's
//     --profile. AWS_PROFILE in the environment does not skip them.
//  2. the selected profile (--profile, AWS_PROFILE, AWS_DEFAULT_PROFILE,
//     "default"), first match:
//     a. role_arn (without web_identity_token_file): AssumeRole steps on top
//     of the source_profile's credentials (recursively) or of the
//     credential_source; role_arn with neither is an error.
//     b. web identity: web_identity_token_file + role_arn (the environment's
//     AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN / AWS_ROLE_SESSION_NAME
//     first, unless --profile).
//     c. SSO: sso_account_id or sso_role_name (sso_session resolved).
//     d. static keys in the credentials file's section of the profile.
//     e. credential_process (either file).
//     f. static keys in the config file's section of the profile.
//     g. sso_session / sso_start_url alone (the SEP's SSO token profile).
//  3. atmos auto-selection: no identity, no profile chosen by flag or
//     environment, no [default] profile, and exactly one atmos identity on
//     disk (several: an error listing them).
//  4. the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*_URI).
//  5. EC2 instance metadata, unless AWS_EC2_METADATA_DISABLED=true.
//
// Files: each shared file is read at most once per Resolve. On the
// environment-keys path the credentials file is not read: only the config
// file is, because the selected profile's region and STS endpoint settings
// (use_fips_endpoint, use_dualstack_endpoint, endpoint_url, services) still
// apply to the token, as they do for the AWS CLI. Settings written only in
// the credentials file are therefore not seen on that path; the credentials
// file is read there only to tell whether a named profile missing from the
// config file exists at all (the AWS CLI fails on a missing profile).
//
// A selected named profile that exists in neither file is an error; a
// missing "default" is not. Static keys are there when the key id is: a key
// id without its secret is an error naming the missing key (the CLI's
// PartialCredentialsError); a lone secret is ignored (CLI, aws-sdk-go-v2). An
// empty value is unset everywhere (aws-sdk-go-v2; the CLI treats an empty
// AWS_PROFILE as the profile named "").
//
// Differences from aws-sdk-go-v2, where the CLI v2 is followed: the
// environment's web identity does not beat a profile's role_arn; a profile's
// role_arn + credential_process without source_profile is an error, not
// "process, then AssumeRole"; static keys in the config file come after
// credential_process. Go's decision tree and the CLI's chain agree on every
// other setup.

// state is a plan with everything needed to execute it.
type state struct {
	plan     *Plan
	profiles *Profiles
	profile  string // selected profile ("" for atmos)
	region   string
	sts      STSSettings
	fallback string // non-empty when the base is the last-resort IMDS/container: what was searched
}

// errNoCreds marks "no source had credentials".
var errNoCreds = errors.New("no credentials found")

func plan(e *env, r *Request) (*state, error) {
	if r.Identity != "" && r.Profile != "" {
		return nil, errors.New("both --profile and --identity given; choose one")
	}
	identity := r.Identity
	if identity == "" && r.Profile == "" {
		identity = e.get("ATMOS_IDENTITY")
	}
	name, explicit := r.Profile, r.Profile != ""
	if identity != "" {
		st, err := planAtmos(e, identity)
		switch {
		case err == nil:
			return st, nil
		case errors.Is(err, errNoAtmosFiles):
			// No atmos sessions at all: the identity names an AWS profile.
		case errors.Is(err, errAtmosIdentityNotFound):
			// Sessions exist, none for this identity: an AWS profile of
			// that name still does; otherwise the atmos error (it lists
			// the identities found) is the useful one.
			ps, lerr := loadFiles(e, true, true)
			if lerr != nil {
				return nil, lerr
			}
			if ps.Profile(identity) == nil {
				return nil, err
			}
		default:
			return nil, err
		}
		name, explicit = identity, true
	}
	envProfile := false
	if name == "" {
		name, _ = firstEnv(e.get, profileEnv...)
		envProfile = name != ""
		if name == "" {
			name = "default"
		}
	}

	// 1. environment keys.
	if !explicit {
		c, ok, err := envCredentials(e)
		if err != nil {
			return nil, err
		}
		if ok {
			// The credentials file is not read: only the config file, for
			// the profile's region and endpoint settings.
			ps, err := loadFiles(e, true, false)
			if err != nil {
				return nil, err
			}
			if ps.Profile(name) == nil && name != "default" {
				// Tell "profile not found" right: it may live in the credentials file only.
				if ps, err = loadFiles(e, true, true); err != nil {
					return nil, err
				}
				if ps.Profile(name) == nil {
					return nil, profileNotFound(name, ps)
				}
			}
			st := newState(e, ps, name)
			st.plan.Base = Source{Kind: SourceEnvironment, Credentials: c}
			return st, nil
		}
	}

	ps, err := loadFiles(e, true, true)
	if err != nil {
		return nil, err
	}
	p := ps.Profile(name)
	if p == nil && name != "default" {
		return nil, profileNotFound(name, ps)
	}
	st := newState(e, ps, name)
	pc := &planner{e: e, ps: ps, allowEnv: !explicit}
	var ok bool
	if p != nil {
		ok, err = pc.top(st.plan, p)
	} else {
		// No [default] profile: only the environment's web identity
		// settings can apply (IRSA in a pod without any config file).
		ok, err = pc.providers(st.plan, &Profile{Name: name}, pc.allowEnv)
	}
	if err != nil {
		return nil, err
	}
	if ok {
		return st, nil
	}
	// 3. atmos auto-selection.
	if !explicit && !envProfile && ps.Profile("default") == nil {
		ast, err := planAtmos(e, "")
		if err == nil {
			return ast, nil
		}
		if !errors.Is(err, errNoAtmosFiles) {
			return nil, err
		}
	}
	// 4, 5.
	searched := "the environment"
	if p != nil {
		searched += fmt.Sprintf(" or profile %q", name)
	}
	st.fallback = searched
	if e.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != "" || e.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "" {
		st.plan.Base = Source{Kind: SourceContainer}
		return st, nil
	}
	if strings.EqualFold(e.get("AWS_EC2_METADATA_DISABLED"), "true") {
		return nil, fmt.Errorf("%w: nothing in %s, and AWS_EC2_METADATA_DISABLED=true", errNoCreds, searched)
	}
	st.plan.Base = Source{Kind: SourceIMDS}
	return st, nil
}

func newState(e *env, ps *Profiles, name string) *state {
	st := &state{plan: &Plan{Profile: name}, profiles: ps, profile: name}
	p := ps.Profile(name)
	st.region = p.Value("region")
	st.sts = resolveSTSSettings(e.get, ps, p)
	return st
}

func profileNotFound(name string, ps *Profiles) error {
	return fmt.Errorf("profile %q not found in %s or %s", name, orNone(ps.ConfigFile), orNone(ps.CredentialsFile))
}

func orNone(s string) string {
	if s == "" {
		return "(no file)"
	}
	return s
}

// loadFiles reads and parses the shared files; env.read reads each file at
// most once per Resolve.
func loadFiles(e *env, config, credentials bool) (*Profiles, error) {
	loc := FileLocations(e.get, e.goos)
	var cfg, cred []byte
	cp, crp := "", ""
	var err error
	if config {
		cp = loc.Config
		if cfg, err = e.read(cp); err != nil {
			return nil, err
		}
	}
	if credentials {
		crp = loc.Credentials
		if cred, err = e.read(crp); err != nil {
			return nil, err
		}
	}
	return ParseProfiles(cp, cfg, crp, cred)
}

// planner plans the profile part of the chain (step 2).
type planner struct {
	e        *env
	ps       *Profiles
	allowEnv bool     // the environment's web identity settings apply (no --profile)
	visited  []string // profiles on the source_profile path
}

// top plans the selected profile. ok=false means the profile holds no
// credential settings ("not configured").
func (pc *planner) top(pl *Plan, p *Profile) (bool, error) {
	pc.visited = []string{p.Name}
	if hasAssumeRole(p) {
		return true, pc.assumeRole(pl, p)
	}
	return pc.providers(pl, p, pc.allowEnv)
}

func hasAssumeRole(p *Profile) bool {
	return p.Has("role_arn") && !p.Has("web_identity_token_file")
}

func hasStaticKeys(p *Profile) bool {
	return p.Has("aws_access_key_id") || p.Has("aws_secret_access_key")
}

// assumeRole plans p's role_arn: the source, then the AssumeRole step.
func (pc *planner) assumeRole(pl *Plan, p *Profile) error {
	src, hasSrc := p.Get("source_profile")
	cs, hasCS := p.Get("credential_source")
	switch {
	case hasSrc && hasCS:
		return fmt.Errorf("profile %q has both source_profile and credential_source", p.Name)
	case !hasSrc && !hasCS:
		return fmt.Errorf("profile %q has role_arn but neither source_profile nor credential_source", p.Name)
	case hasCS:
		if err := pc.credentialSource(pl, p, cs); err != nil {
			return err
		}
	default:
		sp := pc.ps.Profile(src)
		if sp == nil {
			return fmt.Errorf("source_profile %q referenced in profile %q does not exist", src, p.Name)
		}
		for _, v := range pc.visited {
			if v != src {
				continue
			}
			if src != p.Name || !hasStaticKeys(sp) {
				return fmt.Errorf("profile %q: source_profile chain %s -> %s formed an infinite loop", p.Name, strings.Join(pc.visited, " -> "), src)
			}
		}
		pc.visited = append(pc.visited, src)
		if hasStaticKeys(sp) || !hasAssumeRole(sp) {
			ok, err := pc.providers(pl, sp, false)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("source_profile %q (of profile %q) did not contain credential information", src, p.Name)
			}
		} else if err := pc.assumeRole(pl, sp); err != nil {
			return err
		}
	}
	pl.Roles = append(pl.Roles, roleStep(p))
	return nil
}

func roleStep(p *Profile) AssumeRole {
	r := AssumeRole{
		Profile:         p.Name,
		RoleARN:         p.Value("role_arn"),
		RoleSessionName: p.Value("role_session_name"),
		ExternalID:      p.Value("external_id"),
		MFASerial:       p.Value("mfa_serial"),
	}
	if d, err := strconv.Atoi(p.Value("duration_seconds")); err == nil {
		r.DurationSeconds = d
	}
	return r
}

func (pc *planner) credentialSource(pl *Plan, p *Profile, cs string) error {
	switch cs {
	case "Environment":
		c, ok, err := envCredentials(pc.e)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("profile %q has credential_source = Environment but AWS_ACCESS_KEY_ID is not set", p.Name)
		}
		pl.Base = Source{Kind: SourceNamed, Named: cs, Profile: p.Name, Credentials: c}
	case "Ec2InstanceMetadata", "EcsContainer":
		pl.Base = Source{Kind: SourceNamed, Named: cs, Profile: p.Name}
	default:
		return fmt.Errorf("profile %q has credential_source = %q; valid values are Environment, Ec2InstanceMetadata and EcsContainer", p.Name, cs)
	}
	return nil
}

// providers runs the CLI's profile providers (2b–2g) on p.
func (pc *planner) providers(pl *Plan, p *Profile, allowEnv bool) (bool, error) {
	get := func(envName, key string) string {
		if allowEnv {
			if v := pc.e.get(envName); v != "" {
				return v
			}
		}
		return p.Value(key)
	}
	// b. web identity
	if tf := get("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file"); tf != "" {
		arn := get("AWS_ROLE_ARN", "role_arn")
		if arn == "" {
			return false, fmt.Errorf("profile %q: web identity token file is set but role_arn (AWS_ROLE_ARN) is missing", p.Name)
		}
		pl.Base = Source{Kind: SourceWebIdentity, Profile: p.Name, RoleARN: arn, WebIdentityTokenFile: tf,
			RoleSessionName: get("AWS_ROLE_SESSION_NAME", "role_session_name")}
		return true, nil
	}
	// c. SSO (the CLI's trigger: account id or role name)
	if p.Has("sso_account_id") || p.Has("sso_role_name") {
		return true, pc.sso(pl, p)
	}
	// d. static keys, credentials file
	if ok, err := staticKeys(pl, p, p.Credentials, pc.ps.CredentialsFile); ok || err != nil {
		return ok, err
	}
	// e. credential_process
	if cmd := p.Value("credential_process"); cmd != "" {
		pl.Base = Source{Kind: SourceProcess, Profile: p.Name, Command: cmd}
		return true, nil
	}
	// f. static keys, config file
	if ok, err := staticKeys(pl, p, p.Config, pc.ps.ConfigFile); ok || err != nil {
		return ok, err
	}
	// g. SSO token profile without account/role (validated by the SSO source)
	if p.Has("sso_session") || p.Has("sso_start_url") {
		return true, pc.sso(pl, p)
	}
	return false, nil
}

// staticKeys plans static keys from one file's section of p.
func staticKeys(pl *Plan, p *Profile, props map[string]string, file string) (bool, error) {
	id := props["aws_access_key_id"]
	secret := props["aws_secret_access_key"]
	switch {
	case id == "":
		// Like the AWS CLI (and aws-sdk-go-v2): keys count only with a key
		// id; a lone secret is not a source.
		return false, nil
	case secret == "":
		return false, fmt.Errorf("profile %q in %s: aws_access_key_id %s has no aws_secret_access_key", p.Name, file, id)
	}
	token, ok := props["aws_security_token"] // botocore looks at the legacy name first
	if !ok || token == "" {
		token = props["aws_session_token"]
	}
	pl.Base = Source{Kind: SourceStatic, Profile: p.Name, File: file,
		Credentials: sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}}
	return true, nil
}

func (pc *planner) sso(pl *Plan, p *Profile) error {
	s := Source{Kind: SourceSSO, Profile: p.Name,
		SSOSession:   p.Value("sso_session"),
		SSOStartURL:  p.Value("sso_start_url"),
		SSORegion:    p.Value("sso_region"),
		SSOAccountID: p.Value("sso_account_id"),
		SSORoleName:  p.Value("sso_role_name"),
	}
	switch {
	case s.SSORoleName != "" && s.SSOAccountID == "":
		return fmt.Errorf("profile %q: sso_role_name is set, so sso_account_id must be set too", p.Name)
	case s.SSOAccountID != "" && s.SSORoleName == "":
		return fmt.Errorf("profile %q: sso_account_id is set, so sso_role_name must be set too", p.Name)
	}
	if s.SSOSession != "" {
		sess := pc.ps.SSOSession(s.SSOSession)
		if sess == nil {
			return fmt.Errorf("sso-session %q (referenced by profile %q) was not found", s.SSOSession, p.Name)
		}
		for key, dst := range map[string]*string{"sso_start_url": &s.SSOStartURL, "sso_region": &s.SSORegion} {
			v := sess[key]
			if *dst != "" && *dst != v {
				// SEP, aws-sdk-go-v2: with sso_session, these belong in the
				// [sso-session] section; a profile copy must match it.
				return fmt.Errorf("profile %q: %s must be set in [sso-session %s] (and match it if repeated in the profile)", p.Name, key, s.SSOSession)
			}
			*dst = v
		}
		s.SSORegistrationScopes = sess["sso_registration_scopes"]
	}
	pl.Base = s
	return nil
}

// execute runs the plan: the base source, then each AssumeRole step.
func (st *state) execute(ctx context.Context, e *env) (*Resolved, error) {
	pl := st.plan
	var c sigv4.Credentials
	var err error
	switch b := &pl.Base; {
	case b.Kind == SourceProcess:
		c, err = runProcess(ctx, e, b.Profile, b.Command)
	case b.Kind.Network() || (b.Kind == SourceNamed && b.Named != "Environment"):
		c, err = networkStep(ctx, st.netCall(e, b, nil, sigv4.Credentials{}))
		if err != nil && st.fallback != "" {
			err = fmt.Errorf("%w in %s; last resort failed: %v", errNoCreds, st.fallback, err)
		}
	default:
		c = b.Credentials
		if b.Kind == SourceEnvironment || b.Kind == SourceAtmos {
			if c.Expired(e.now()) {
				err = expiredError(b, c)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	for i := range pl.Roles {
		c, err = networkStep(ctx, st.netCall(e, nil, &pl.Roles[i], c))
		if err != nil {
			return nil, err
		}
	}
	return &Resolved{Credentials: c, Source: pl.describe(), Profile: st.profile, Region: st.region, STS: st.sts, Plan: pl}, nil
}

func (st *state) netCall(e *env, s *Source, r *AssumeRole, in sigv4.Credentials) *NetCall {
	return &NetCall{Plan: st.plan, Source: s, Role: r, Input: in, Env: e.get, Now: e.now, Stderr: e.stderr,
		Region: st.region, STS: st.sts, Profiles: st.profiles, NoCache: e.req.NoCache, CacheDir: e.req.CacheDir, RegionFlag: e.req.Region}
}

func expiredError(b *Source, c sigv4.Credentials) error {
	at := c.Expires.UTC().Format("2006-01-02T15:04:05Z")
	if b.Kind == SourceAtmos {
		return fmt.Errorf("atmos session for identity %q expired at %s; run: atmos auth login -i %s", b.Profile, at, b.Profile)
	}
	return fmt.Errorf("credentials in the environment (access key %s) expired at %s (AWS_CREDENTIAL_EXPIRATION)", c.AccessKeyID, at)
}
