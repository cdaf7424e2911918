package token

import (
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// endpointURLCases are URLs at the edges of what net/url accepts. want is
// what both parsers return; with exotic, only the net/url version returns
// it and the new one rejects the URL with an error containing err. With
// err and no exotic, both reject it (err is the new parser's message).
var endpointURLCases = []struct {
	in     string
	want   Endpoint
	err    string
	exotic bool
}{
	{in: "https://sts.internal.example", want: ep("https", "sts.internal.example", "/")},
	{in: "http://LOCALHOST:4566/", want: ep("http", "localhost:4566", "/")},
	{in: "HtTpS://Sts.Example.COM/Some/Path/", want: ep("https", "sts.example.com", "/Some/Path/")},
	{in: "https://127.0.0.1:8443/sts", want: ep("https", "127.0.0.1:8443", "/sts")},
	{in: "https://example.com:", want: ep("https", "example.com:", "/")},
	{in: "https://example.com:99999/", want: ep("https", "example.com:99999", "/")},
	{in: "https://example.com//x//", want: ep("https", "example.com", "//x//")},
	{in: "https://example.com#", want: ep("https", "example.com", "/")},
	{in: "https://example.com/x/#", want: ep("https", "example.com", "/x/")},
	{in: "https://a%25B/", want: ep("https", "a%b", "/")},
	{in: "https://a]b<c>\"!$&'()*+,;=~_-.x/", want: ep("https", "a]b<c>\"!$&'()*+,;=~_-.x", "/")},

	// IPv6, with ports and zones.
	{in: "https://[::1]:8443/sts/a%20b", want: ep("https", "[::1]:8443", "/sts/a%20b")},
	{in: "https://[::1]:", want: ep("https", "[::1]:", "/")},
	{in: "https://[::]", want: ep("https", "[::]", "/")},
	{in: "https://[2001:DB8::]/", want: ep("https", "[2001:db8::]", "/")},
	{in: "https://[1:2:3:4:5:6:7:8]/", want: ep("https", "[1:2:3:4:5:6:7:8]", "/")},
	{in: "https://[1:2:3:4:5:6:7::]/", want: ep("https", "[1:2:3:4:5:6:7::]", "/")},
	{in: "https://[::2:3:4:5:6:7:8]/", want: ep("https", "[::2:3:4:5:6:7:8]", "/")},
	{in: "https://[0000:0:00:000::ffff]/", want: ep("https", "[0000:0:00:000::ffff]", "/")},
	{in: "https://[1:2:3:4:5:6:1.2.3.4]/", want: ep("https", "[1:2:3:4:5:6:1.2.3.4]", "/")},
	{in: "https://[::FFFF:192.0.2.255]:443/", want: ep("https", "[::ffff:192.0.2.255]:443", "/")},
	{in: "https://[::0.0.0.0]/", want: ep("https", "[::0.0.0.0]", "/")},
	{in: "https://[FE80::1%25EN0]:80/", want: ep("https", "[fe80::1%en0]:80", "/")},
	{in: "https://[fe80::1%25%41%2a%5B%25]/", want: ep("https", "[fe80::1%a*[%]", "/")},
	{in: "https://[::1%25a]b:c]/", want: ep("https", "[::1%a]b:c]", "/")},

	// Paths: kept when validly escaped, else unescaped and escaped again.
	{in: "https://h/a%7e%2F%2f%41", want: ep("https", "h", "/a%7e%2F%2f%41")},
	{in: "https://h/!$&'()*+,;=:@[]~%25", want: ep("https", "h", "/!$&'()*+,;=:@[]~%25")},
	{in: "https://h/a b", want: ep("https", "h", "/a%20b")},
	{in: "https://h/ü", want: ep("https", "h", "/%C3%BC")},
	{in: "https://h/a b/%41(/%2f%25", want: ep("https", "h", "/a%20b/A%28//%25")},
	{in: "https://h/{}|^`\\\"<>", want: ep("https", "h", "/%7B%7D%7C%5E%60%5C%22%3C%3E")},
	{in: "https://h/\x80\xff!'()*[]", want: ep("https", "h", "/%80%FF%21%27%28%29%2A%5B%5D")},

	// Rejected by both.
	{in: "ftp://example.com", err: "scheme must be https or http"},
	{in: "example.com", err: "scheme must be https or http"},
	{in: "://x", err: "scheme must be https or http"},
	{in: "1https://x", err: "scheme must be https or http"},
	{in: "https\u017f://x", err: "scheme must be https or http"}, // ſ folds to s
	{in: "https", err: "scheme must be https or http"},
	{in: "mailto:x@example.com", err: "scheme must be https or http"},
	{in: "https:example.com", err: "has no host"},
	{in: "https:/example.com", err: "has no host"},
	{in: "https://", err: "has no host"},
	{in: "https:///path", err: "has no host"},
	{in: "https:?a", err: "has no host"},
	{in: "https://user:pw@example.com", err: "only scheme, host, port and path are allowed"},
	{in: "https://@example.com", err: "only scheme, host, port and path are allowed"},
	{in: "https://example.com/?a=b", err: "only scheme, host, port and path are allowed"},
	{in: "https://example.com/?", err: "only scheme, host, port and path are allowed"},
	{in: "https://example.com/??", err: "only scheme, host, port and path are allowed"},
	{in: "https://example.com/#frag", err: "only scheme, host, port and path are allowed"},
	{in: "https://example.com/#?", err: "only scheme, host, port and path are allowed"},
	{in: "https://example.com\n", err: "control character"},
	{in: "https://example.com/\x7f", err: "control character"},
	{in: "https://example.com/#\t", err: "control character"},
	{in: "https://exa mple.com", err: "bad character in host"},
	{in: "https://ex%41mple.com", err: "bad character in host"},
	{in: "https://%C3%BC.example", err: "bad character in host"},
	{in: "https://ü.example", err: "bad character in host"},
	{in: "https://a[b", err: "bad character in host"},
	{in: "https://a%2", err: "bad character in host"},
	{in: "https://a:b:443", err: "bad port"},
	{in: "https://a:44x", err: "bad port"},
	{in: "http://0:+0", err: "bad port"}, // a sign is no digit
	{in: "https://a:[1]", err: "bad port"},
	{in: "https://[::1", err: "bad IPv6 address in host"},
	{in: "https://[::1]x", err: "bad port"},
	{in: "https://[::1][", err: "bad port"},
	{in: "https://[1.2.3.4]", err: "bad IPv6 address in host"},
	{in: "https://[::1%25]", err: "bad character in host"},
	{in: "https://[::1%25a[]", err: "bad character in host"},
	{in: "https://[fe80::1%25a%20b]", err: "bad character in host"},
	{in: "https://[fe80::1%25a b]", err: "bad character in host"},
	{in: "https://[fe80::1%25%C3%BC]", err: "bad character in host"},
	{in: "https://[fe80::1%25\u00fc]", err: "bad character in host"},
	{in: "https://[fe80::1%en0]", err: "bad IPv6 address in host"},
	{in: "https://[%25en0]", err: "bad IPv6 address in host"},
	{in: "https://[]", err: "bad IPv6 address in host"},
	{in: "https://[1:2:3:4:5:6:7:8:9]", err: "bad IPv6 address in host"},
	{in: "https://[1:2:3:4:5:6:7]", err: "bad IPv6 address in host"},
	{in: "https://[1:2:3:4:5:6:7:8::]", err: "bad IPv6 address in host"},
	{in: "https://[1::2::3]", err: "bad IPv6 address in host"},
	{in: "https://[:::1]", err: "bad IPv6 address in host"},
	{in: "https://[1:::2]", err: "bad IPv6 address in host"},
	{in: "https://[:1::2]", err: "bad IPv6 address in host"},
	{in: "https://[1::2:]", err: "bad IPv6 address in host"},
	{in: "https://[12345::]", err: "bad IPv6 address in host"},
	{in: "https://[::g]", err: "bad IPv6 address in host"},
	{in: "https://[::01.2.3.4]", err: "bad IPv6 address in host"},
	{in: "https://[::1.2.3.256]", err: "bad IPv6 address in host"},
	{in: "https://[::1.2.3]", err: "bad IPv6 address in host"},
	{in: "https://[::1.2.3.4.5]", err: "bad IPv6 address in host"},
	{in: "https://[::1..3.4]", err: "bad IPv6 address in host"},
	{in: "https://[1.2.3.4::]", err: "bad IPv6 address in host"},
	{in: "https://[1:2:3:4:5:6:7:1.2.3.4]", err: "bad IPv6 address in host"},
	{in: "https://[1:2:3:4:5:6:7::1.2.3.4]", err: "bad IPv6 address in host"},
	{in: "https://[1:2:3:4:5:1.2.3.4]", err: "bad IPv6 address in host"},
	{in: "https://[::1.2.3.4:1]", err: "bad IPv6 address in host"},
	{in: "https://h/%zz", err: "bad %-escape in path"},
	{in: "https://h/a%4", err: "bad %-escape in path"},
	{in: "https://h/a%", err: "bad %-escape in path"},
	{in: "https://h/%%41", err: "bad %-escape in path"},

	// Accepted by net/url, rejected on purpose (see endpointurl.go).
	{in: "https://:443/", want: ep("https", ":443", "/"), err: "has no host", exotic: true},
	{in: "http://:", want: ep("http", ":", "/"), err: "has no host", exotic: true},
}

func ep(scheme, host, path string) Endpoint {
	return Endpoint{Scheme: scheme, Host: host, Path: path, Custom: true}
}

func TestParseEndpointURL(t *testing.T) {
	for _, tc := range endpointURLCases {
		got, err := parseEndpointURL(tc.in)
		old, oldErr := parseEndpointURLNetURL(tc.in)
		switch {
		case tc.err == "":
			if err != nil || got != tc.want {
				t.Errorf("%q: got %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		case err == nil || !strings.Contains(err.Error(), tc.err):
			t.Errorf("%q: got %+v, %v; want an error with %q", tc.in, got, err, tc.err)
		}
		if tc.err == "" || tc.exotic {
			if oldErr != nil || old != tc.want {
				t.Errorf("%q: net/url version gave %+v, %v; want %+v", tc.in, old, oldErr, tc.want)
			}
		} else if oldErr == nil {
			t.Errorf("%q: net/url version accepted it: %+v", tc.in, old)
		}
		if tc.exotic != (oldErr == nil && err != nil && rejectedOnPurpose(old)) {
			t.Errorf("%q: exotic is %v, rejectedOnPurpose disagrees", tc.in, tc.exotic)
		}
		checkEndpointURL(t, tc.in)
	}
}

// rejectedOnPurpose reports whether parseEndpointURL may reject a URL for
// which the net/url version returned old: the classes listed in
// endpointurl.go.
func rejectedOnPurpose(old Endpoint) bool {
	if strings.HasPrefix(old.Host, "[") {
		return false
	}
	// A port without a host name; more than one colon (only under
	// GODEBUG=urlstrictcolons=0).
	return strings.HasPrefix(old.Host, ":") || strings.Count(old.Host, ":") > 1
}

// checkEndpointURL holds parseEndpointURL to the net/url version on s.
func checkEndpointURL(t *testing.T, s string) {
	t.Helper()
	got, err := parseEndpointURL(s)
	old, oldErr := parseEndpointURLNetURL(s)
	switch {
	case err == nil && oldErr != nil:
		t.Errorf("%q: accepted as %+v; the net/url version rejects it: %v", s, got, oldErr)
	case err == nil && got != old:
		t.Errorf("%q: got %+v, the net/url version %+v", s, got, old)
	case err != nil && oldErr == nil && !rejectedOnPurpose(old):
		t.Errorf("%q: rejected (%v); the net/url version accepts it as %+v", s, err, old)
	case err != nil && (!strings.HasPrefix(err.Error(), "endpoint URL ") || strings.ContainsAny(err.Error(), "\n\r")):
		t.Errorf("%q: error %q is not one line about the endpoint URL", s, err)
	}
}

// configEndpointURLs are the endpoint URLs set in the SDKs' test data
// (endpoint_url in config files, AWS_ENDPOINT_URL* in environments): the
// repository's copy, and ../shared when it is beside the work tree.
func configEndpointURLs(t testing.TB) []string {
	re := regexp.MustCompile(`(?i)(?:endpoint_url|AWS_ENDPOINT_URL\w*)"?\s*[:=]\s*"?([^"\s,]+)`)
	var urls []string
	for _, root := range []string{"../testdata/aws-config", "../../shared/aws-config-testdata"} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				if strings.Contains(m[1], "://") {
					urls = append(urls, m[1])
				}
			}
			return nil
		})
	}
	if len(urls) < 20 {
		t.Fatalf("only %d endpoint URLs found in the SDKs' test data", len(urls))
	}
	return urls
}

func TestParseEndpointURLConfigValues(t *testing.T) {
	for _, u := range configEndpointURLs(t) {
		if _, err := parseEndpointURL(u); err != nil {
			t.Errorf("%q: %v", u, err)
		}
		checkEndpointURL(t, u)
	}
}

// FuzzParseEndpointURL: whatever parseEndpointURL accepts, the net/url
// version accepts as the same Endpoint; whatever the net/url version
// accepts, parseEndpointURL accepts too unless rejectedOnPurpose.
func FuzzParseEndpointURL(f *testing.F) {
	for _, tc := range endpointURLCases {
		f.Add(tc.in)
	}
	for _, u := range configEndpointURLs(f) {
		f.Add(u)
	}
	f.Fuzz(checkEndpointURL)
}

// FuzzIsIPv6: isIPv6 agrees with netip.ParseAddr on what is an IPv6
// address without zone.
func FuzzIsIPv6(f *testing.F) {
	for _, s := range []string{
		"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4",
		"1.2.3.4", "::01.2.3.4", "1::2::3", "fe80::1%en0", "12345::", ":::", "1:2:3:4:5:6:7:8:9", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := netip.ParseAddr(s)
		if want := err == nil && a.Is6() && a.Zone() == ""; isIPv6(s) != want {
			t.Errorf("isIPv6(%q) = %v, netip.ParseAddr: %v, %v", s, !want, a, err)
		}
	})
}

// TestParseEndpointURLPieces holds parseEndpointURL to the net/url version
// on every URL put together from pieces at the edges of each part.
func TestParseEndpointURLPieces(t *testing.T) {
	schemes := []string{"https:", "HTTP:", "hTtPs:", "ftp:", "http", "h ttp:", ":", ""}
	slashes := []string{"//", "/", "///", ""}
	hosts := []string{
		"", "h", "H.Example", "a%25b", "a%2", "a%41", "a%C3%BC", "ü", "a b", "a[b", "a]b", "a<>\"", "!$&'()*+,;=~_-.",
		"u@h", "@h", "u:p@h", "[::1]", "[::1", "::1", "[1.2.3.4]", "[::ffff:1.2.3.4]", "[fe80::1%25en0]",
		"[fe80::1%25]", "[fe80::1%25%20]", "[fe80::1%25%5b%5D]", "[fe80::1%25a]b]", "[fe80::1%en0]", "[]", "[::1][",
	}
	ports := []string{"", ":", ":0", ":443", ":99999", ":4a", "::443", ":-1", ": 1"}
	paths := []string{
		"", "/", "//", "/a/b/", "/a b", "/%41", "/%2f", "/%2F%20", "/a b/%41(", "/ü", "/%", "/%4", "/%zz",
		"/!$&'()*+,;=:@[]~", "/{|}^`\\", "/%25", "/*", "/a?", "/\x7f",
	}
	suffixes := []string{"", "#", "#f", "?", "?q", "?#", "#?", "\n"}
	n := 0
	check := func(s string) { checkEndpointURL(t, s); n++ }
	for _, pre := range []string{"https://", "HTTP://"} {
		for _, h := range hosts {
			for _, p := range ports {
				for _, pa := range paths {
					for _, su := range []string{"", "#", "?q"} {
						check(pre + h + p + pa + su)
					}
				}
			}
		}
	}
	for _, sc := range schemes {
		for _, sl := range slashes {
			for _, a := range []string{"", "h", "[::1]:1"} {
				for _, pa := range []string{"", "/a b"} {
					for _, su := range suffixes {
						check(sc + sl + a + pa + su)
					}
				}
			}
		}
	}
	t.Logf("%d URLs", n)
}

// TestNetURLOnlyInDecode: the reason parseEndpointURL exists. Of this
// package, only decode.go (the decode subcommand, not in the offline
// binary) may import net/url.
func TestNetURLOnlyInDecode(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(gotoken.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		seen++
		for _, imp := range f.Imports {
			if imp.Path.Value == `"net/url"` && name != "decode.go" {
				t.Errorf("%s imports net/url", name)
			}
		}
	}
	if seen < 5 {
		t.Fatalf("read only %d files", seen)
	}
}
