package main

// All credential and configuration resolution of the command is behind
// resolveCredentials and resolveRegion, in this file: package creds does
// the work (environment, profiles, credential_process, atmos sessions and,
// in the default build, the network sources); the command only maps its
// flags onto a creds.Request.

import (
	"context"
	"io"
	"time"

	"github.com/ekstoken/ekstoken/creds"
	"github.com/ekstoken/ekstoken/sigv4"
)

// credRequest is what the command line asks of credential resolution.
type credRequest struct {
	Env func(string) string
	// Profile is --profile ("" = not given; AWS_PROFILE then applies).
	// An explicit profile beats environment credentials, as in the AWS CLI.
	Profile string
	// Identity is the atmos --identity / -i ("" = ATMOS_IDENTITY).
	Identity string
	Now      func() time.Time
	Stderr   io.Writer // credential_process's stderr
	NoCache  bool      // --no-cache
	Region   string    // --region, for STS calls (assuming a role)
	// Role is assumed on top of whatever the chain resolves (--role-arn,
	// -r/--role); empty RoleARN: none.
	Role creds.AssumeRole
}

// awsCLISessionName is the session name `aws eks get-token --role-arn`
// always uses; the AWS CLI spelling keeps it, so the identity EKS sees
// (arn:…:assumed-role/ROLE/EKSGetTokenAuth) and any RBAC mapping on it stay
// the same after switching to ekstoken.
const awsCLISessionName = "EKSGetTokenAuth"

// role is the role the command line asks to assume, labelled by its flag.
func (inv *invocation) role() creds.AssumeRole {
	if inv.roleARN == "" {
		return creds.AssumeRole{}
	}
	r := creds.AssumeRole{Profile: inv.roleFlag, RoleARN: inv.roleARN, RoleSessionName: inv.sessionName, ExternalID: inv.externalID}
	if r.RoleSessionName == "" && inv.spelling == spellAWSCLI {
		r.RoleSessionName = awsCLISessionName
	}
	return r
}

// stsConfig are the STS endpoint settings (token.EndpointConfig without
// the region, which resolveRegion decides).
type stsConfig struct {
	UseFIPS      bool
	UseDualStack bool
	URL          string
}

// credResult is what the command needs of creds.Resolved.
type credResult struct {
	Creds sigv4.Credentials
	// Source says where the credentials came from, for --debug and
	// errors; never a secret.
	Source string
	// ProfileRegion is the region of the selected profile or atmos
	// identity ("" if none).
	ProfileRegion string
	STS           stsConfig
}

// resolveCredentials finds the credentials to sign with and the STS
// endpoint settings, through package creds (its documentation gives the
// order of the sources, the AWS CLI v2's).
func resolveCredentials(ctx context.Context, req credRequest) (credResult, error) {
	r, err := creds.Resolve(ctx, creds.Request{
		Env:        req.Env,
		Profile:    req.Profile,
		Identity:   req.Identity,
		Now:        req.Now,
		Stderr:     req.Stderr,
		NoCache:    req.NoCache,
		Region:     req.Region,
		AssumeRole: req.Role,
	})
	if err != nil {
		return credResult{}, err
	}
	return credResult{
		Creds:         r.Credentials,
		Source:        r.Source,
		ProfileRegion: r.Region,
		STS:           stsConfig{UseFIPS: r.STS.UseFIPS, UseDualStack: r.STS.UseDualStack, URL: r.STS.EndpointURL},
	}, nil
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
