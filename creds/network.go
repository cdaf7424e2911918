//go:build !nonet

package creds

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/token"
)

// networkStep is the one seam through which every credential step that needs
// the network passes: a base source of kind SourceWebIdentity, SourceSSO,
// SourceContainer, SourceIMDS or SourceNamed (Ec2InstanceMetadata,
// EcsContainer), and every AssumeRole step of a Plan. A build with -tags
// nonet uses network_nonet.go instead, which refuses network steps.
//
// Per step:
//
//   - AssumeRole: the AWS CLI's cache (~/.aws/cli/cache, read only), then
//     ekstoken's cache (see Cache), then — under the cache entry's lock, so a
//     burst of kubectl processes makes one call — the MFA prompt if
//     mfa_serial is set, and a signed sts:AssumeRole.
//   - web identity: ekstoken's cache, then an unsigned
//     sts:AssumeRoleWithWebIdentity with the token file's current contents.
//   - SSO: the AWS CLI v2's cache, ekstoken's cache, then the `aws sso login`
//     token cache and portal GetRoleCredentials.
//   - container endpoint and IMDS: fetched every time (link-local, fast, and
//     rotated by the platform), never cached.
//
// STS calls use the token package's endpoint resolver with the profile's
// settings (AWS_ENDPOINT_URL_STS & co., FIPS, dual-stack) and the region
// the command line's --region (Request.Region), else AWS_REGION, else
// AWS_DEFAULT_REGION, else the selected profile's region,
// else "aws-global" (sts.amazonaws.com, signed for us-east-1), which is what
// botocore falls back to for a region-less STS client.
//
// Errors name the profile and the source (NetCall.describe), never a secret.
func networkStep(ctx context.Context, c *NetCall) (sigv4.Credentials, error) {
	n := &netStep{c: c}
	var iss Issued
	var err error
	switch {
	case c.Role != nil:
		iss, err = n.assumeRole(ctx, c.Role, c.Input)
	case c.Source == nil:
		err = errors.New("no step")
	case c.Source.Kind == SourceWebIdentity:
		iss, err = n.webIdentity(ctx, c.Source)
	case c.Source.Kind == SourceSSO:
		iss, err = n.sso(ctx, c.Source)
	case c.Source.Kind == SourceContainer, c.Source.Kind == SourceNamed && c.Source.Named == "EcsContainer":
		iss, err = n.container(ctx)
	case c.Source.Kind == SourceIMDS, c.Source.Kind == SourceNamed && c.Source.Named == "Ec2InstanceMetadata":
		iss, err = n.imds(ctx)
	default:
		err = fmt.Errorf("source %s is not a network source", c.Source.Kind)
	}
	if err != nil {
		if src := roleSource(c); src != "" {
			return sigv4.Credentials{}, fmt.Errorf("%s with the credentials of %s: %w", c.describe(), src, err)
		}
		return sigv4.Credentials{}, fmt.Errorf("%s: %w", c.describe(), err)
	}
	return iss.Credentials, nil
}

// roleSource names, for an AssumeRole step, where the credentials it signs
// with came from (the plan's base source, or the role before it), so that
// an AccessDenied says which source profile to look at. Never a secret.
func roleSource(c *NetCall) string {
	if c.Role == nil || c.Plan == nil {
		return ""
	}
	for i := range c.Plan.Roles {
		if &c.Plan.Roles[i] != c.Role {
			continue
		}
		if i == 0 {
			return c.Plan.Base.describe()
		}
		prev := c.Plan.Roles[i-1]
		return fmt.Sprintf("role %s (profile %q)", prev.RoleARN, prev.Profile)
	}
	return ""
}

// netStep carries one step's derived settings.
type netStep struct {
	c *NetCall
}

// setting is an environment variable, else the selected profile's key.
func (n *netStep) setting(envName, key string) string {
	if envName != "" {
		if v := n.c.Env(envName); v != "" {
			return v
		}
	}
	if n.c.Plan == nil {
		return ""
	}
	return n.c.Profiles.Profile(n.c.Plan.Profile).Value(key)
}

func (n *netStep) home() string { return homeDir(n.c.Env, runtime.GOOS) }

// httpClients are shared by every resolution in the process, one per CA
// bundle, so a library minting tokens in a loop reuses connections. Each is
// built (and its bundle parsed) on its first request only.
var httpClients sync.Map // CA bundle path → *httpClient

func (n *netStep) http() *httpClient {
	bundle := n.setting("AWS_CA_BUNDLE", "ca_bundle")
	if v, ok := httpClients.Load(bundle); ok {
		return v.(*httpClient)
	}
	v, _ := httpClients.LoadOrStore(bundle, newHTTPClient(HTTPConfig{CABundle: bundle}))
	return v.(*httpClient)
}

// cache is ekstoken's credentials cache, or nil with NoCache.
func (n *netStep) cache() *Cache {
	if n.c.NoCache {
		return nil
	}
	dir := n.c.CacheDir
	if dir == "" {
		var err error
		if dir, err = DefaultCacheDir(n.c.Env); err != nil {
			return nil
		}
	}
	return &Cache{Dir: dir, Now: n.c.Now}
}

// region is the region for STS calls; see networkStep.
func (n *netStep) region() string {
	for _, v := range []string{n.c.RegionFlag, n.c.Env("AWS_REGION"), n.c.Env("AWS_DEFAULT_REGION"), n.c.Region} {
		if v != "" {
			return v
		}
	}
	return "aws-global"
}

func (n *netStep) sts() (*STS, error) {
	ep, err := token.ResolveEndpoint(token.EndpointConfig{Region: n.region(), UseFIPS: n.c.STS.UseFIPS,
		UseDualStack: n.c.STS.UseDualStack, URL: n.c.STS.EndpointURL})
	if err != nil {
		return nil, fmt.Errorf("STS endpoint: %w", err)
	}
	signRegion := ep.Region
	if signRegion == "" {
		signRegion = "us-east-1" // a custom endpoint without any region configured
	}
	return &STS{Endpoint: ep.String(), Region: signRegion, HTTP: n.http(), Now: n.c.Now}, nil
}

func (n *netStep) assumeRole(ctx context.Context, r *AssumeRole, base sigv4.Credentials) (Issued, error) {
	now := n.c.Now()
	// The CLI leaves an auto-generated session name out of its key; so do we.
	if home := n.home(); home != "" {
		if iss, ok := ReadCLICache(CLICacheDir(home),
			CLIAssumeRoleCacheKey(r.RoleARN, r.RoleSessionName, r.ExternalID, r.MFASerial, r.DurationSeconds),
			now, n.minValidity()); ok {
			return iss, nil
		}
	}
	s, err := n.sts()
	if err != nil {
		return Issued{}, err
	}
	key := cacheKey("assume-role", s.Endpoint, base.AccessKeyID, r.RoleARN, r.RoleSessionName,
		r.ExternalID, r.MFASerial, strconv.Itoa(r.DurationSeconds))
	return n.cache().Fetch(ctx, key, func(ctx context.Context) (Issued, error) {
		in := AssumeRoleInput{RoleARN: r.RoleARN, SessionName: r.RoleSessionName, ExternalID: r.ExternalID,
			Duration: secondsDuration(r.DurationSeconds)}
		if in.SessionName == "" {
			in.SessionName = DefaultSessionName(n.c.Now())
		}
		if r.MFASerial != "" {
			code, err := promptMFACode(r.MFASerial, r.Profile)
			if err != nil {
				return Issued{}, err
			}
			in.SerialNumber, in.TokenCode = r.MFASerial, code
		}
		return s.AssumeRole(ctx, base, in)
	})
}

func (n *netStep) webIdentity(ctx context.Context, src *Source) (Issued, error) {
	s, err := n.sts()
	if err != nil {
		return Issued{}, err
	}
	key := cacheKey("web-identity", s.Endpoint, src.RoleARN, src.RoleSessionName, src.WebIdentityTokenFile)
	return n.cache().Fetch(ctx, key, func(ctx context.Context) (Issued, error) {
		in := WebIdentityInput{RoleARN: src.RoleARN, SessionName: src.RoleSessionName}
		if in.SessionName == "" {
			in.SessionName = DefaultSessionName(n.c.Now())
		}
		return s.AssumeRoleWithWebIdentityFile(ctx, src.WebIdentityTokenFile, in)
	})
}

func (n *netStep) sso(ctx context.Context, src *Source) (Issued, error) {
	if src.SSOAccountID == "" || src.SSORoleName == "" {
		return Issued{}, errors.New("the selected profile will resolve an access token instead of credentials " +
			"(it has sso_session or sso_start_url but no sso_account_id and sso_role_name)")
	}
	if src.SSOStartURL == "" || src.SSORegion == "" {
		return Issued{}, errors.New("SSO needs sso_start_url and sso_region (in the profile or its [sso-session])")
	}
	now := n.c.Now()
	home := n.home()
	if home != "" {
		if iss, ok := ReadCLICache(CLICacheDir(home), CLISSOCacheKey(src.SSOAccountID, src.SSORoleName, src.SSOSession, src.SSOStartURL), now, n.minValidity()); ok {
			if iss.AccountID == "" {
				iss.AccountID = src.SSOAccountID
			}
			return iss, nil
		}
	}
	endpoint, err := n.ssoEndpoint(src.SSORegion)
	if err != nil {
		return Issued{}, err
	}
	sessionOrURL := src.SSOSession
	if sessionOrURL == "" {
		sessionOrURL = src.SSOStartURL
	}
	key := cacheKey("sso", endpoint, sessionOrURL, src.SSOAccountID, src.SSORoleName)
	return n.cache().Fetch(ctx, key, func(ctx context.Context) (Issued, error) {
		if home == "" {
			return Issued{}, errors.New("SSO: no home directory to find the `aws sso login` token cache in")
		}
		tok, err := LoadSSOToken(SSOTokenPath(home, src.SSOSession, src.SSOStartURL), src.Profile, n.c.Now())
		if err != nil {
			return Issued{}, err
		}
		s := &SSO{Endpoint: endpoint, HTTP: n.http()}
		return s.GetRoleCredentials(ctx, tok, src.SSOAccountID, src.SSORoleName, src.Profile)
	})
}

// ssoEndpoint is the IAM Identity Center portal for region: a configured
// endpoint (AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, the profile's services
// or endpoint_url), else the SSO endpoint rules: portal.sso.<region>.<dns
// suffix>, "sso-fips" with FIPS (GovCloud keeps portal.sso.<region>.amazonaws.com),
// the partition's dual-stack suffix with dual-stack. The partition table is
// the token package's.
func (n *netStep) ssoEndpoint(region string) (string, error) {
	var p *Profile
	if n.c.Plan != nil {
		p = n.c.Profiles.Profile(n.c.Plan.Profile)
	}
	if u := ConfiguredEndpointURL(n.c.Env, n.c.Profiles, p, "sso", "", false); u != "" {
		return u, nil
	}
	return SSOEndpoint(region, n.c.STS.UseFIPS, n.c.STS.UseDualStack)
}

// SSOEndpoint returns the IAM Identity Center portal URL for region.
func SSOEndpoint(region string, fips, dualStack bool) (string, error) {
	if err := token.ValidateRegion(region); err != nil {
		return "", fmt.Errorf("sso_region: %w", err)
	}
	part := token.PartitionForRegion(region)
	host := "portal.sso"
	if fips {
		host = "portal.sso-fips"
	}
	suffix := part.DNSSuffix
	if dualStack {
		suffix = part.DualStackDNSSuffix
	}
	if fips && !dualStack && part.Name == "aws-us-gov" {
		host, suffix = "portal.sso", "amazonaws.com"
	}
	return "https://" + host + "." + region + "." + suffix, nil
}

func (n *netStep) container(ctx context.Context) (Issued, error) {
	ct, err := ContainerFromEnv(n.c.Env, n.http())
	if err != nil {
		return Issued{}, err
	}
	return ct.Retrieve(ctx)
}

func (n *netStep) imds(ctx context.Context) (Issued, error) {
	if IMDSDisabled(n.c.Env) {
		return Issued{}, errors.New("EC2 instance metadata is disabled (AWS_EC2_METADATA_DISABLED=true)")
	}
	base, err := IMDSEndpoint(n.setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint"),
		n.setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode"))
	if err != nil {
		return Issued{}, err
	}
	m := &IMDS{Endpoint: base, HTTP: n.http(),
		Timeout:  IMDSTimeout(n.setting("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout")),
		Attempts: IMDSAttempts(n.setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts"))}
	return m.Retrieve(ctx)
}

func (n *netStep) minValidity() time.Duration { return 5 * time.Minute }

func secondsDuration(s int) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}
