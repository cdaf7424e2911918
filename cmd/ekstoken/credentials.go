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
		Env:      req.Env,
		Profile:  req.Profile,
		Identity: req.Identity,
		Now:      req.Now,
		Stderr:   req.Stderr,
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
