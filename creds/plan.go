package creds

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// A Plan is how credentials will be obtained, decided before anything is
// run: a base source, then zero or more AssumeRole steps applied in order,
// each using the credentials of the step before it. It has the shape of the
// cross-SDK "ProfileChain" (smithy-rs assume-role-tests.json).
//
// Planning reads only the environment and the parsed files; executing a plan
// may run a credential_process or, through networkStep, call the network.
type Plan struct {
	Profile string       // the selected AWS profile ("" when none: environment, atmos)
	Base    Source       // where the first credentials come from
	Roles   []AssumeRole // applied in order, base first
}

// SourceKind names a base source.
type SourceKind int

// The base sources. The offline ones are resolved in this package; the
// others go through networkStep.
const (
	SourceEnvironment SourceKind = iota + 1 // AWS_ACCESS_KEY_ID & co.
	SourceStatic                            // aws_access_key_id & co. in a profile
	SourceProcess                           // credential_process
	SourceAtmos                             // an atmos auth session file
	SourceNamed                             // credential_source = Environment | Ec2InstanceMetadata | EcsContainer
	SourceWebIdentity                       // web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE (network)
	SourceSSO                               // sso_* / sso_session (network)
	SourceContainer                         // AWS_CONTAINER_CREDENTIALS_{RELATIVE,FULL}_URI (network)
	SourceIMDS                              // EC2 instance metadata (network)
)

var sourceKindNames = [...]string{
	SourceEnvironment: "environment",
	SourceStatic:      "static keys",
	SourceProcess:     "credential_process",
	SourceAtmos:       "atmos session",
	SourceNamed:       "credential_source",
	SourceWebIdentity: "web identity",
	SourceSSO:         "SSO",
	SourceContainer:   "container credentials endpoint",
	SourceIMDS:        "EC2 instance metadata (IMDS)",
}

func (k SourceKind) String() string {
	if k > 0 && int(k) < len(sourceKindNames) {
		return sourceKindNames[k]
	}
	return fmt.Sprintf("SourceKind(%d)", int(k))
}

// Network reports whether the source needs the network (goes through networkStep).
func (k SourceKind) Network() bool {
	return k >= SourceWebIdentity
}

// Source is the base of a Plan. Only the fields of its Kind are set.
type Source struct {
	Kind    SourceKind
	Profile string // profile that configured it ("" for the environment)
	File    string // file the keys were read from (SourceStatic, SourceAtmos)

	// SourceEnvironment, SourceStatic, SourceAtmos: the credentials themselves.
	Credentials sigv4.Credentials

	// SourceProcess: the credential_process command line.
	Command string

	// SourceNamed: the credential_source value (Environment,
	// Ec2InstanceMetadata, EcsContainer). Environment is resolved offline
	// (in Credentials); the other two go through networkStep.
	Named string

	// SourceWebIdentity.
	RoleARN              string
	WebIdentityTokenFile string
	RoleSessionName      string

	// SourceSSO: the profile's sso_* keys, with those of the referenced
	// [sso-session] section merged in (SSOSession names it).
	SSOSession, SSOStartURL, SSORegion, SSOAccountID, SSORoleName string
	SSORegistrationScopes                                         string
}

// AssumeRole is one sts:AssumeRole step of a Plan, from the profile that
// carries role_arn.
type AssumeRole struct {
	Profile         string
	RoleARN         string
	RoleSessionName string // "" = the source's default
	ExternalID      string
	MFASerial       string
	DurationSeconds int // 0 = not set (or not a number, like botocore)
}

// NetCall is everything networkStep gets for one step. Exactly one of Source
// (a base source that needs the network) and Role (an AssumeRole step, with
// Input the credentials of the step before) is set.
type NetCall struct {
	Plan   *Plan
	Source *Source
	Role   *AssumeRole
	Input  sigv4.Credentials

	Env      func(string) string // never nil
	Now      func() time.Time    // never nil
	Stderr   io.Writer           // never nil
	Region   string              // region of the selected profile ("" if none)
	STS      STSSettings         // endpoint settings of the selected profile
	Profiles *Profiles           // the parsed files (nil for atmos / environment-only)
	NoCache  bool                // Request.NoCache
	CacheDir string              // Request.CacheDir
	// RegionFlag is Request.Region: the command line's --region, which
	// beats every other source of the region for STS calls.
	RegionFlag string
}

// describe names the step for errors: profile and source, never a secret.
func (c *NetCall) describe() string {
	if c.Role != nil {
		if isCommandLineLabel(c.Role.Profile) {
			return fmt.Sprintf("%s %s: sts:AssumeRole", c.Role.Profile, c.Role.RoleARN)
		}
		return fmt.Sprintf("profile %q needs sts:AssumeRole of %s", c.Role.Profile, c.Role.RoleARN)
	}
	s := c.Source
	what := s.Kind.String()
	if s.Kind == SourceNamed {
		what = "credential_source " + s.Named
	}
	if s.Profile == "" {
		return "the environment needs " + what
	}
	return fmt.Sprintf("profile %q needs %s", s.Profile, what)
}

// describe is the human-readable, secret-free description of a plan, for
// --debug: "profile \"dev\": static keys (credentials file ~/.aws/credentials) → AssumeRole arn:…".
func (p *Plan) describe() string {
	var b strings.Builder
	b.WriteString(p.Base.describe())
	for _, r := range p.Roles {
		fmt.Fprintf(&b, " -> AssumeRole %s (profile %q)", r.RoleARN, r.Profile)
	}
	return b.String()
}

func (s *Source) describe() string {
	var b strings.Builder
	switch s.Kind {
	case SourceEnvironment:
		b.WriteString("environment variables")
	case SourceNamed:
		b.WriteString("credential_source " + s.Named)
	default:
		b.WriteString(s.Kind.String())
	}
	switch {
	case s.Kind == SourceAtmos:
		fmt.Fprintf(&b, " of identity %q", s.Profile)
	case s.Profile != "":
		fmt.Fprintf(&b, " of profile %q", s.Profile)
	}
	if s.File != "" {
		fmt.Fprintf(&b, " in %s", s.File)
	}
	return b.String()
}

// isCommandLineLabel reports whether an AssumeRole's Profile labels a
// command-line flag ("--role-arn", "-r") or an environment variable
// ("DEFAULT_ROLE") rather than naming a profile.
func isCommandLineLabel(s string) bool {
	if strings.HasPrefix(s, "-") {
		return true
	}
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('A' <= c && c <= 'Z' || c == '_' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
