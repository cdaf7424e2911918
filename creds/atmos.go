package creds

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// atmos identities: sessions left by `atmos auth login` (cloudposse/atmos
// pkg/auth/cloud/aws/files.go):
//
//	<base>/atmos/[<realm>/]aws/<provider>/credentials   [<identity>] + keys,
//	                                                    "; atmos: expiration=<RFC 3339>" above it
//	<base>/atmos/[<realm>/]aws/<provider>/config        [profile <identity>] (or [default]) + region
//
// <base> is ATMOS_XDG_CONFIG_HOME, else XDG_CONFIG_HOME, else ~/.config
// (atmos uses ~/.config on macOS too; on Windows %APPDATA%). <realm> is
// ATMOS_AUTH_REALM (validated like atmos: ^[a-z0-9_-]+$, at most 64
// characters, no leading, trailing or doubled separator); atmos.yaml's
// auth.realm is not read (we read no atmos.yaml), so a realm set only there
// must be exported as ATMOS_AUTH_REALM. aws/user identities live in the
// provider directory "aws-user".
//
// We read the session files only: atmos itself re-runs the last hop of the
// identity's chain on every `atmos aws eks token`; we use the session on
// disk and fail, with the command that refreshes it, once it has expired.
//
// Identity names match case-insensitively (exact match first). When the
// identity appears under several providers, the session that expires last
// is used.

var (
	errNoAtmosFiles          = errors.New("no atmos sessions found")
	errAtmosIdentityNotFound = errors.New("atmos identity not found")
)

type atmosSession struct {
	identity string
	provider string
	dir      string // provider directory
	file     string // its credentials file
	props    map[string]string
	expires  time.Time
}

// atmosDir returns <base>/atmos[/<realm>]/aws.
func atmosDir(e *env) (string, error) {
	base := e.get("ATMOS_XDG_CONFIG_HOME")
	if base == "" {
		base = e.get("XDG_CONFIG_HOME")
	}
	if base == "" {
		if e.goos == "windows" || (e.goos == "" && filepath.Separator == '\\') {
			base = e.get("APPDATA")
		}
		if base == "" {
			home := homeDir(e.get, e.goos)
			if home == "" {
				return "", errNoAtmosFiles
			}
			base = filepath.Join(home, ".config")
		}
	}
	dir := filepath.Join(base, "atmos")
	if realm := e.get("ATMOS_AUTH_REALM"); realm != "" {
		if err := validRealm(realm); err != nil {
			return "", err
		}
		dir = filepath.Join(dir, realm)
	}
	return filepath.Join(dir, "aws"), nil
}

func validRealm(r string) error {
	bad := func(why string) error { return fmt.Errorf("ATMOS_AUTH_REALM %q: %s", truncate(r, 70), why) }
	if len(r) > 64 {
		return bad("longer than 64 characters")
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		sep := c == '-' || c == '_'
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || sep) {
			return bad("only a-z, 0-9, '-' and '_' are allowed")
		}
		if sep && (i == 0 || i == len(r)-1) {
			return bad("must not start or end with '-' or '_'")
		}
		if sep && (r[i-1] == '-' || r[i-1] == '_') {
			return bad("must not have doubled separators")
		}
	}
	return nil
}

// atmosSessions lists the sessions on disk, reading each credentials file once.
func atmosSessions(e *env) ([]atmosSession, error) {
	dir, err := atmosDir(e)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, errNoAtmosFiles
	}
	var out []atmosSession
	for _, ent := range ents {
		if !ent.IsDir() {
			continue
		}
		pdir := filepath.Join(dir, ent.Name())
		file := filepath.Join(pdir, "credentials")
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		secs, err := parseINI(file, data)
		if err != nil {
			return nil, err
		}
		exp := atmosExpirations(data)
		for _, s := range secs {
			if s.Name == "DEFAULT" && len(s.Props) == 0 {
				continue
			}
			out = append(out, atmosSession{identity: s.Name, provider: ent.Name(), dir: pdir, file: file, props: s.Props, expires: exp[s.Name]})
		}
	}
	if len(out) == 0 {
		return nil, errNoAtmosFiles
	}
	return out, nil
}

// atmosExpirations finds the "; atmos: expiration=<RFC 3339>" comment above
// each section (atmos credentials_loader.go: trim the comment marker, require
// the "atmos:" prefix, take the expiration= field).
func atmosExpirations(data []byte) map[string]time.Time {
	m := map[string]time.Time{}
	var pending time.Time
	for _, line := range strings.Split(string(data), "\n") {
		l := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(l, ";") || strings.HasPrefix(l, "#"):
			rest, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimLeft(l, ";#")), "atmos:")
			if !ok {
				continue
			}
			for _, f := range strings.Fields(rest) {
				if v, ok := strings.CutPrefix(f, "expiration="); ok {
					if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
						pending = t
					}
				}
			}
		case strings.HasPrefix(l, "["):
			if end := strings.IndexByte(l, ']'); end > 0 {
				name := strings.TrimSpace(l[1:end])
				if !pending.IsZero() {
					m[name] = pending
				}
			}
			pending = time.Time{}
		}
	}
	return m
}

// planAtmos plans an atmos identity ("" = auto-select the only one).
func planAtmos(e *env, identity string) (*state, error) {
	sessions, err := atmosSessions(e)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, s := range sessions {
		names[s.identity] = true
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	dir, _ := atmosDir(e)
	if identity == "" {
		if len(list) > 1 {
			return nil, fmt.Errorf("several atmos identities in %s (%s) and none chosen; use --identity or ATMOS_IDENTITY", dir, strings.Join(list, ", "))
		}
		identity = list[0]
	}
	pick := func(match func(string) bool) *atmosSession {
		var best *atmosSession
		for i := range sessions {
			s := &sessions[i]
			if match(s.identity) && (best == nil || s.expires.After(best.expires)) {
				best = s
			}
		}
		return best
	}
	s := pick(func(n string) bool { return n == identity })
	if s == nil {
		s = pick(func(n string) bool { return strings.EqualFold(n, identity) })
	}
	if s == nil {
		return nil, fmt.Errorf("%w: %q is not among the atmos sessions in %s (%s); run: atmos auth login -i %s",
			errAtmosIdentityNotFound, identity, dir, strings.Join(list, ", "), identity)
	}
	id, hasID := s.props["aws_access_key_id"]
	secret := s.props["aws_secret_access_key"]
	if !hasID || id == "" || secret == "" {
		return nil, fmt.Errorf("atmos session %q in %s has no complete aws_access_key_id / aws_secret_access_key; run: atmos auth login -i %s", s.identity, s.file, s.identity)
	}
	c := sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: s.props["aws_session_token"], Expires: s.expires}
	st := &state{plan: &Plan{Base: Source{Kind: SourceAtmos, Profile: s.identity, File: s.file, Credentials: c}}}
	st.region = atmosRegion(s)
	st.sts = resolveSTSSettings(e.get, nil, nil)
	return st, nil
}

// atmosRegion reads region from the provider's config file: [profile <identity>], or [default] for "default".
func atmosRegion(s *atmosSession) string {
	ps, err := LoadProfiles(filepath.Join(s.dir, "config"), "")
	if err != nil {
		return ""
	}
	return ps.Profile(s.identity).Value("region")
}
