package creds

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// Request says what to resolve. The zero value resolves like the AWS CLI v2
// with no flags, in this process's environment.
type Request struct {
	// Env looks up an environment variable; nil means os.Getenv. An empty
	// value counts as unset everywhere.
	Env func(string) string
	// Profile is --profile. "" selects AWS_PROFILE, then
	// AWS_DEFAULT_PROFILE, then "default". A Profile given here (not one
	// from the environment) skips the environment credentials, as the AWS
	// CLI does for --profile.
	Profile string
	// Identity is --identity / -i (atmos). "" selects ATMOS_IDENTITY.
	Identity string
	// Now is the clock for expiry checks; nil means time.Now.
	Now func() time.Time
	// Stderr receives credential_process's stderr; nil means os.Stderr.
	Stderr io.Writer
	// ProcessTimeout bounds a credential_process run; 0 means
	// DefaultProcessTimeout.
	ProcessTimeout time.Duration
	// GOOS selects the home-directory rules ("windows" or anything else);
	// "" means runtime.GOOS. For tests.
	GOOS string
	// NoCache (--no-cache) bypasses ekstoken's credentials cache: network
	// credentials are fetched and not stored. CacheDir overrides its
	// location ("" = $XDG_CACHE_HOME/ekstoken or ~/.cache/ekstoken).
	NoCache  bool
	CacheDir string
	// Region is the command line's --region: STS calls (assuming a role,
	// web identity) use it before AWS_REGION, AWS_DEFAULT_REGION and the
	// profile's region, as the AWS CLI does with --region.
	Region string
	// AssumeRole, when RoleARN is set, is one more sts:AssumeRole applied on
	// top of whatever the chain resolves: the command line's --role-arn (AWS
	// CLI), -r/--role (aws-iam-authenticator), --session-name and
	// --external-id. Profile labels it in errors (e.g. "--role-arn"); an
	// empty RoleSessionName gets DefaultSessionName.
	AssumeRole AssumeRole
}

// Resolved is the outcome: credentials and where they came from.
type Resolved struct {
	Credentials sigv4.Credentials
	// Source says which source gave the credentials, for --debug. It never
	// contains a secret.
	Source string
	// Profile is the AWS profile the settings below come from ("" when
	// none, e.g. an atmos identity without a config section).
	Profile string
	// Region is the region of the selected profile or atmos identity
	// config ("" if none). AWS_REGION / AWS_DEFAULT_REGION / --region are
	// the caller's to apply on top: they beat the profile in the AWS CLI v2.
	Region string
	// STS are the STS endpoint settings, environment and profile combined.
	STS STSSettings
	// Plan is the plan that was executed.
	Plan *Plan
}

// env is the normalised view of Request used internally.
type env struct {
	get    func(string) string
	now    func() time.Time
	stderr io.Writer
	goos   string
	procTO time.Duration
	req    *Request
	files  map[string][]byte // shared files read so far: each is read once per Resolve
}

// read reads a shared file once per Resolve (nil, nil for a missing file).
func (e *env) read(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	if b, ok := e.files[path]; ok {
		return b, nil
	}
	b, err := readOptional(path)
	if err != nil {
		return nil, err
	}
	if e.files == nil {
		e.files = map[string][]byte{}
	}
	e.files[path] = b
	return b, nil
}

func (r *Request) env() *env {
	e := &env{get: r.Env, now: r.Now, stderr: r.Stderr, goos: r.GOOS, procTO: r.ProcessTimeout, req: r}
	if e.get == nil {
		e.get = os.Getenv
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.stderr == nil {
		e.stderr = os.Stderr
	}
	if e.procTO <= 0 {
		e.procTO = DefaultProcessTimeout
	}
	return e
}

// Resolve finds credentials for r: it plans (see Plan and the chain order in
// the package documentation), then executes the plan.
func Resolve(ctx context.Context, r Request) (*Resolved, error) {
	e := r.env()
	st, err := plan(e, &r)
	if err != nil {
		return nil, err
	}
	if r.AssumeRole.RoleARN != "" {
		st.plan.Roles = append(st.plan.Roles, r.AssumeRole)
	}
	return st.execute(ctx, e)
}
