package creds

import (
	"path/filepath"
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
// "windows") HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH. A leading "~"
// in the two variables is expanded to that home directory (the AWS CLI
// expands "~" and $VARS; aws-sdk-go-v2 uses the value verbatim); other
// variables are not expanded. get nil means os.Getenv; goos "" means
// runtime.GOOS.
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
		l.Config = expandHome(v, home, sep)
	}
	if v := get("AWS_SHARED_CREDENTIALS_FILE"); v != "" {
		l.Credentials = expandHome(v, home, sep)
	}
	return l
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

var _ = filepath.Join
