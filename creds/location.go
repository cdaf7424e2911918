package creds

import (
	"runtime"
	"strings"
)

// Locations are the paths of the shared config and credentials files.
type Locations struct {
	Config, Credentials string
	Home                string // the home directory used ("" if none found)
}

// FileLocations finds the shared files (cross-SDK file-location-tests.json):
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and
// ~/.aws/credentials. The home directory is HOME; on Windows (goos ==
// "windows") HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH. In the two
// variables $VARS and then a leading "~" are expanded, as the AWS CLI does
// (aws-sdk-go-v2 uses the value verbatim). get nil means os.Getenv; goos ""
// means runtime.GOOS.
func FileLocations(get func(string) string, goos string) Locations {
	if get == nil {
		get = (&Request{}).env().get
	}
	if goos == "" {
		goos = runtime.GOOS
	}
	home := homeDir(get, goos)
	sep := "/"
	if goos == "windows" {
		sep = `\`
	}
	join := func(elem ...string) string {
		if home == "" {
			return ""
		}
		return strings.Join(append([]string{strings.TrimRight(home, `/\`)}, elem...), sep)
	}
	l := Locations{Home: home, Config: join(".aws", "config"), Credentials: join(".aws", "credentials")}
	if v := get("AWS_CONFIG_FILE"); v != "" {
		l.Config = expandHome(expandVars(v, get), home, sep)
	}
	if v := get("AWS_SHARED_CREDENTIALS_FILE"); v != "" {
		l.Credentials = expandHome(expandVars(v, get), home, sep)
	}
	return l
}

// expandVars replaces $NAME and ${NAME} with the variable's value, leaving
// unset (or empty) ones as written — Python's os.path.expandvars, which the
// AWS CLI applies to these two paths before "~".
func expandVars(s string, get func(string) string) string {
	if strings.IndexByte(s, '$') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		j, braced := i+1, s[i+1] == '{'
		if braced {
			j++
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		name := s[j:k]
		end := k
		if braced {
			if k >= len(s) || s[k] != '}' {
				b.WriteByte(s[i])
				continue
			}
			end = k + 1
		}
		if v := get(name); name != "" && v != "" {
			b.WriteString(v)
			i = end - 1
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func homeDir(get func(string) string, goos string) string {
	if h := get("HOME"); h != "" {
		return h
	}
	if goos != "windows" {
		return ""
	}
	if h := get("USERPROFILE"); h != "" {
		return h
	}
	if d, p := get("HOMEDRIVE"), get("HOMEPATH"); d != "" && p != "" {
		return d + p
	}
	return ""
}

func expandHome(p, home, sep string) string {
	if home == "" || p == "" || p[0] != '~' {
		return p
	}
	if len(p) == 1 {
		return home
	}
	if p[1] == '/' || p[1] == '\\' {
		return strings.TrimRight(home, `/\`) + sep + p[2:]
	}
	return p // ~user: not expanded
}
