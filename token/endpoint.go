package token

import (
	"errors"
	"fmt"
)

// EndpointConfig is what decides which STS endpoint a token is presigned
// for. The caller gathers it (flags, environment, profile); this package
// does no I/O.
type EndpointConfig struct {
	// Region is the signing region and the region label of the host. It
	// must be a well-formed region (see ValidateRegion). It may be empty
	// only when URL is set (the endpoint is then known, but a token still
	// needs a region to sign with: Generator refuses an empty one).
	Region string
	// UseFIPS selects the FIPS endpoint (AWS_USE_FIPS_ENDPOINT,
	// use_fips_endpoint); UseDualStack the dual-stack (IPv4+IPv6) one
	// (AWS_USE_DUALSTACK_ENDPOINT, use_dualstack_endpoint).
	UseFIPS, UseDualStack bool
	// URL is an explicit endpoint override, already chosen by the caller
	// from AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's
	// endpoint_url or its [services] section. Empty means none.
	URL string
}

// Endpoint is a resolved STS endpoint.
type Endpoint struct {
	Scheme string // "https" (an override may say "http")
	Host   string // host[:port], lower case
	Path   string // escaped path, "/" for AWS hosts
	// Partition is the partition name of Region ("aws", "aws-cn", ...);
	// for an override without a region it is empty.
	Partition string
	// Region is the signing region: Region of the config, except
	// "aws-global" which signs as us-east-1.
	Region string
	// Custom is true when the endpoint came from EndpointConfig.URL.
	Custom bool
}

// String returns the endpoint as a URL, e.g. "https://sts.us-east-1.amazonaws.com/".
func (e Endpoint) String() string { return e.Scheme + "://" + e.Host + e.Path }

// MaxRegionLen bounds a region name: it becomes one DNS label of the host.
const MaxRegionLen = 63

// ValidateRegion reports whether region is a well-formed region name:
// ^[a-z0-9]+(-[a-z0-9]+)*$, at most MaxRegionLen bytes. This is stricter
// than the SDKs (which only check it is a valid host label) on purpose: the
// region is pasted into the URL host and the credential scope, so no dot,
// slash, colon, upper-case letter or white space may get through (a region
// "evil.com/x" must never produce a token for another host).
func ValidateRegion(region string) error {
	if region == "" {
		return errors.New("region is empty")
	}
	if len(region) > MaxRegionLen {
		return fmt.Errorf("region %.20q... is longer than %d bytes", region, MaxRegionLen)
	}
	prevDash := true // no leading dash
	for i := 0; i < len(region); i++ {
		c := region[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			prevDash = false
		case c == '-' && !prevDash:
			prevDash = true
		default:
			return fmt.Errorf("region %q is not a region name (lower-case letters, digits and single inner dashes, like us-east-1)", region)
		}
	}
	if prevDash {
		return fmt.Errorf("region %q is not a region name (lower-case letters, digits and single inner dashes, like us-east-1)", region)
	}
	return nil
}

// ResolveEndpoint returns the STS endpoint for c, following the STS
// endpoint rule set that all AWS SDKs generate from
// (botocore/data/sts/2011-06-15/endpoint-rule-set-1.json), tested against
// its 69 published cases:
//
//   - URL set: that endpoint; with UseFIPS or UseDualStack it is an error
//     ("Invalid Configuration: FIPS and custom endpoint are not supported").
//   - FIPS and dual-stack: https://sts-fips.<region>.<dual-stack suffix>
//   - FIPS: https://sts-fips.<region>.<suffix>, except in aws-us-gov where
//     every STS endpoint is already FIPS: https://sts.<region>.amazonaws.com
//   - dual-stack: https://sts.<region>.<dual-stack suffix>
//   - region "aws-global": https://sts.amazonaws.com, signed for us-east-1
//   - otherwise: https://sts.<region>.<suffix>
//
// The legacy global mode (AWS_STS_REGIONAL_ENDPOINTS=legacy, the rule set's
// UseGlobalEndpoint) is not implemented: all three peers (aws eks get-token,
// aws-iam-authenticator, atmos) now presign against the regional endpoint,
// and the global one is rejected by the EKS authenticator outside the aws
// partition. The region "aws-global" is the only way to get the global host.
func ResolveEndpoint(c EndpointConfig) (Endpoint, error) {
	if c.Region != "" {
		if err := ValidateRegion(c.Region); err != nil {
			return Endpoint{}, err
		}
	}
	if c.URL != "" {
		if c.UseFIPS {
			return Endpoint{}, errors.New("Invalid Configuration: FIPS and custom endpoint are not supported")
		}
		if c.UseDualStack {
			return Endpoint{}, errors.New("Invalid Configuration: Dualstack and custom endpoint are not supported")
		}
		ep, err := parseEndpointURL(c.URL)
		if err != nil {
			return Endpoint{}, err
		}
		ep.Region = c.Region
		if c.Region != "" {
			ep.Partition = PartitionForRegion(c.Region).Name
			if c.Region == "aws-global" {
				ep.Region = "us-east-1"
			}
		}
		return ep, nil
	}
	if c.Region == "" {
		return Endpoint{}, errors.New("Invalid Configuration: Missing Region")
	}
	return resolveHost(c.Region, c.UseFIPS, c.UseDualStack)
}

// resolveHost is ResolveEndpoint's rule set for a region, without
// validating the region (Decode uses it to rebuild the hosts the EKS
// authenticator would accept for a region label taken from a token).
func resolveHost(region string, fips, dualStack bool) (Endpoint, error) {
	i := partitionIndex(region)
	p := &partitions[i]
	ep := Endpoint{Scheme: "https", Path: "/", Partition: p.Name, Region: region}
	switch {
	case fips && dualStack:
		if !p.SupportsFIPS || !p.SupportsDualStack {
			return Endpoint{}, errors.New("FIPS and DualStack are enabled, but this partition does not support one or both")
		}
		ep.Host = "sts-fips." + region + "." + p.DualStackDNSSuffix
	case fips:
		if !p.SupportsFIPS {
			return Endpoint{}, errors.New("FIPS is enabled but this partition does not support FIPS")
		}
		if i == pUSGov {
			ep.Host = "sts." + region + ".amazonaws.com"
		} else {
			ep.Host = "sts-fips." + region + "." + p.DNSSuffix
		}
	case dualStack:
		if !p.SupportsDualStack {
			return Endpoint{}, errors.New("DualStack is enabled but this partition does not support DualStack")
		}
		ep.Host = "sts." + region + "." + p.DualStackDNSSuffix
	case region == "aws-global":
		ep.Host = "sts.amazonaws.com"
		ep.Region = "us-east-1"
	default:
		ep.Host = "sts." + region + "." + p.DNSSuffix
	}
	return ep, nil
}
