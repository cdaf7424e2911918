package creds

import "strings"

// STSSettings are the STS endpoint settings that come from the environment
// and the selected profile. The STS host itself is the token package's
// resolver's job; these are its inputs.
type STSSettings struct {
	UseFIPS      bool   // AWS_USE_FIPS_ENDPOINT, else use_fips_endpoint
	UseDualStack bool   // AWS_USE_DUALSTACK_ENDPOINT, else use_dualstack_endpoint
	EndpointURL  string // configured endpoint URL for STS ("" = none); see ConfiguredEndpointURL
}

// resolveSTSSettings combines environment and profile p (nil = none).
func resolveSTSSettings(get func(string) string, ps *Profiles, p *Profile) STSSettings {
	return STSSettings{
		UseFIPS:      boolSetting(get, p, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
		UseDualStack: boolSetting(get, p, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"),
		EndpointURL:  ConfiguredEndpointURL(get, ps, p, "sts", "", false),
	}
}

// boolSetting: a non-empty environment variable beats the profile; "true"
// (any case) is true, anything else false (botocore ensure_boolean).
func boolSetting(get func(string) string, p *Profile, envName, key string) bool {
	v := get(envName)
	if v == "" {
		v = p.Value(key)
	}
	return strings.EqualFold(strings.TrimSpace(v), "true")
}

// ConfiguredEndpointURL is the SEP "service-specific endpoints" rule
// (botocore configured_endpoint_urls/profile-tests.json), highest first:
//
//  1. clientURL (a programmatic / command-line endpoint), always;
//  2. nothing else when clientIgnore, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
//     or the profile's ignore_configured_endpoint_urls is true;
//  3. AWS_ENDPOINT_URL_<SERVICE> (service id upper-cased, spaces as "_");
//  4. AWS_ENDPOINT_URL;
//  5. endpoint_url in the <service> block of the [services NAME] section
//     named by the profile's "services" key;
//  6. the profile's endpoint_url.
//
// "" means no configured endpoint: the SDK's own resolution applies.
func ConfiguredEndpointURL(get func(string) string, ps *Profiles, p *Profile, serviceID, clientURL string, clientIgnore bool) string {
	if clientURL != "" {
		return clientURL
	}
	if clientIgnore || boolSetting(get, p, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "ignore_configured_endpoint_urls") {
		return ""
	}
	envSvc := "AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(serviceID, " ", "_"))
	if v := get(envSvc); v != "" {
		return v
	}
	if v := get("AWS_ENDPOINT_URL"); v != "" {
		return v
	}
	if name := p.Value("services"); name != "" {
		key := strings.ToLower(strings.ReplaceAll(serviceID, " ", "_"))
		if sub := SubProperties(ps.Services(name)[key]); sub["endpoint_url"] != "" {
			return sub["endpoint_url"]
		}
	}
	return p.Value("endpoint_url")
}
