package main

// All credential and configuration resolution of the command is behind
// resolveCredentials and resolveRegion, in this file. For now they read
// only environment variables; they will delegate to package creds
// (profiles, SSO, credential_process, atmos sessions, then the network
// sources) without the rest of the command changing.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// credRequest is what the command line asks of credential resolution; it
// mirrors creds.Request.
type credRequest struct {
	Env func(string) string
	// Profile is --profile ("" = not given; AWS_PROFILE then applies).
	// An explicit profile beats environment credentials, as in the AWS CLI.
	Profile string
	// Identity is the atmos --identity / -i ("" = ATMOS_IDENTITY).
	Identity string
	Now      func() time.Time
}

// stsConfig are the STS endpoint settings (token.EndpointConfig without
// the region, which resolveRegion decides).
type stsConfig struct {
	UseFIPS      bool
	UseDualStack bool
	URL          string
}

// credResult mirrors creds.Resolved.
type credResult struct {
	Creds sigv4.Credentials
	// Source says where the credentials came from, for --debug and
	// errors; never a secret.
	Source string
	// ProfileRegion is the region of the selected profile ("" if none).
	ProfileRegion string
	STS           stsConfig
}

// resolveCredentials finds the credentials to sign with and the STS
// settings. Today: the environment only, as the AWS CLI reads it —
//
//	AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   both, or neither
//	AWS_SECURITY_TOKEN, else AWS_SESSION_TOKEN (the CLI's order)
//	AWS_CREDENTIAL_EXPIRATION                  RFC 3339; clamps the token's expiry
//	AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT   "true" (any case) or not
//	AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, unless
//	AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true
//
// A profile (--profile, or AWS_PROFILE without environment keys) or an
// atmos identity is refused with a clear error rather than ignored.
func resolveCredentials(ctx context.Context, req credRequest) (credResult, error) {
	get := req.Env
	var res credResult
	res.STS = stsConfig{
		UseFIPS:      envTrue(get("AWS_USE_FIPS_ENDPOINT")),
		UseDualStack: envTrue(get("AWS_USE_DUALSTACK_ENDPOINT")),
	}
	if !envTrue(get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
		res.STS.URL = get("AWS_ENDPOINT_URL_STS")
		if res.STS.URL == "" {
			res.STS.URL = get("AWS_ENDPOINT_URL")
		}
	}
	if req.Profile != "" {
		return res, fmt.Errorf("--profile %q: reading ~/.aws profiles is not supported yet; export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead", req.Profile)
	}
	identity := req.Identity
	if identity == "" {
		identity = get("ATMOS_IDENTITY")
	}
	if identity != "" {
		return res, fmt.Errorf("atmos identity %q: reading atmos sessions is not supported yet; export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead", identity)
	}
	akid, secret := get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")
	switch {
	case akid != "" && secret != "":
	case akid != "":
		return res, fmt.Errorf("partial credentials in the environment: AWS_ACCESS_KEY_ID is set, AWS_SECRET_ACCESS_KEY is not")
	case secret != "":
		return res, fmt.Errorf("partial credentials in the environment: AWS_SECRET_ACCESS_KEY is set, AWS_ACCESS_KEY_ID is not")
	default:
		if p := get("AWS_PROFILE"); p != "" {
			return res, fmt.Errorf("AWS_PROFILE %q: reading ~/.aws profiles is not supported yet; export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead", p)
		}
		return res, fmt.Errorf("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)")
	}
	res.Creds = sigv4.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
	res.Creds.SessionToken = get("AWS_SECURITY_TOKEN")
	if res.Creds.SessionToken == "" {
		res.Creds.SessionToken = get("AWS_SESSION_TOKEN")
	}
	if v := get("AWS_CREDENTIAL_EXPIRATION"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return res, fmt.Errorf("AWS_CREDENTIAL_EXPIRATION %q is not an RFC 3339 time", v)
		}
		res.Creds.Expires = t
	}
	res.Source = "environment"
	return res, ctx.Err()
}

// resolveRegion picks the region as the AWS CLI v2 does: --region, then
// AWS_REGION, then AWS_DEFAULT_REGION, then the selected profile's region.
// It returns "" when there is none (the caller's error: unlike the peers,
// ekstoken neither falls back to us-east-1 nor to the global endpoint).
func resolveRegion(flag string, get func(string) string, profileRegion string) (region, from string) {
	switch {
	case flag != "":
		return flag, "--region"
	case get("AWS_REGION") != "":
		return get("AWS_REGION"), "AWS_REGION"
	case get("AWS_DEFAULT_REGION") != "":
		return get("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION"
	case profileRegion != "":
		return profileRegion, "the profile's region"
	}
	return "", ""
}

// envTrue is botocore's ensure_boolean: "true" in any case is true,
// anything else false.
func envTrue(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "true") }
