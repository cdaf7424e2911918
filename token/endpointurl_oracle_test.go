package token

import (
	"fmt"
	"net/url"
	"strings"
)

// parseEndpointURLNetURL is parseEndpointURL as it was written on top of
// net/url before the offline binary's size called for a parser of its own
// (endpointurl.go). It stays here, unchanged, as the oracle the new parser
// is held to (TestParseEndpointURL, FuzzParseEndpointURL).
func parseEndpointURLNetURL(s string) (Endpoint, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Endpoint{}, fmt.Errorf("endpoint URL: %v", err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return Endpoint{}, fmt.Errorf("endpoint URL %q: scheme must be https or http", s)
	}
	if u.Host == "" || u.Opaque != "" {
		return Endpoint{}, fmt.Errorf("endpoint URL %q has no host", s)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return Endpoint{}, fmt.Errorf("endpoint URL %q: only scheme, host, port and path are allowed", s)
	}
	for i := 0; i < len(u.Host); i++ {
		if c := u.Host[i]; c <= ' ' || c >= 0x7f {
			return Endpoint{}, fmt.Errorf("endpoint URL %q: bad character in host", s)
		}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return Endpoint{Scheme: scheme, Host: strings.ToLower(u.Host), Path: path, Custom: true}, nil
}
