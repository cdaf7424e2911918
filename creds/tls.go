//go:build !nonet

package creds

import (
	"crypto/tls"
	"runtime"
)

// TLSConfig is the TLS configuration of AWS calls made outside a credential
// chain (the kubeconfig command's EKS DescribeCluster) under the rule the
// chain's own calls follow: the roots of AWS_CA_BUNDLE, else of the profile's
// ca_bundle (profile "" means AWS_PROFILE, AWS_DEFAULT_PROFILE, then
// "default"), replacing the system roots as the AWS CLI does. Neither set:
// nil, the system roots. env nil means the process environment.
func TLSConfig(env func(string) string, profile string) (*tls.Config, error) {
	get := (&Request{Env: env}).env().get
	bundle := get("AWS_CA_BUNDLE")
	if bundle == "" {
		loc := FileLocations(get, runtime.GOOS)
		ps, err := LoadProfiles(loc.Config, loc.Credentials)
		if err != nil {
			return nil, err
		}
		if p := ps.Profile(SelectedProfile(get, profile)); p != nil {
			bundle = p.Value("ca_bundle")
		}
	}
	if bundle == "" {
		return nil, nil
	}
	pool, err := loadCABundle(bundle)
	if err != nil {
		return nil, err
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
