package creds

import (
	"bytes"
	"os"
	"sort"
	"strings"
	"sync"
)

// Profiles is the parsed pair of shared files: the profiles of the config
// file and the credentials file merged, the [sso-session] sections and the
// [services] sections. It is safe for concurrent use.
//
// Section rules (SEP profile-parser-tests.json, aws-sdk-go-v2):
//   - config file: "[profile NAME]" and "[default]" are profiles;
//     "[sso-session NAME]" and "[services NAME]" are what they say; any other
//     section ("[foo]", "[profilefoo]") is ignored. When the config file has
//     both "[profile default]" and "[default]", the prefixed one is the
//     default profile and the plain one is ignored (SEP; aws-sdk-go-v2 —
//     the AWS CLI instead lets the later section win, see README).
//   - credentials file: "[NAME]" is a profile; "[profile NAME]" is ignored.
//   - profile names are case-sensitive and made of letters, digits and
//     "-_/.%@:+" (SEP); other names are ignored. A name in quotes,
//     [profile "my profile"], is unquoted and may then hold any character
//     but its quote — the AWS CLI's rule (it shlex-splits the section name);
//     the SEP has no case for it.
//   - the same profile in both files: merged, the credentials file winning
//     key by key (SEP "Duplicate properties between files uses credentials
//     property"). Each Profile also keeps both sides apart, because the AWS
//     CLI treats static keys from the two files at different points of its
//     chain (see chain.go).
type Profiles struct {
	ConfigFile, CredentialsFile string // paths as read ("" when not read)

	// The files are scanned (checked and cut into sections) when loaded;
	// a profile's sections are parsed on first use. mu guards the caches.
	mu          sync.Mutex
	src         map[string]*profileSrc
	ssoSrc      map[string][]iniChunk
	svcSrc      map[string][]iniChunk
	profiles    map[string]*Profile
	ssoSessions map[string]map[string]string
	services    map[string]map[string]string
}

type profileSrc struct {
	config, credentials []iniChunk // section occurrences in file order
}

// Profile is one named profile.
type Profile struct {
	Name string
	// Config and Credentials are the profile's properties as found in each
	// file (keys lower-case); nil when the file has no such profile.
	Config, Credentials map[string]string
}

// Get returns the value of key (lower-case) for the profile, the
// credentials file winning over the config file. Empty values count as set.
func (p *Profile) Get(key string) (string, bool) {
	if p == nil {
		return "", false
	}
	if v, ok := p.Credentials[key]; ok {
		return v, true
	}
	v, ok := p.Config[key]
	return v, ok
}

// Value is Get without the presence flag.
func (p *Profile) Value(key string) string {
	v, _ := p.Get(key)
	return v
}

// Has reports whether key is set (possibly empty) in either file.
func (p *Profile) Has(key string) bool {
	_, ok := p.Get(key)
	return ok
}

// Merged returns the profile's properties with the credentials file winning,
// as the SEP describes a profile.
func (p *Profile) Merged() map[string]string {
	m := make(map[string]string, len(p.Config)+len(p.Credentials))
	for k, v := range p.Config {
		m[k] = v
	}
	for k, v := range p.Credentials {
		m[k] = v
	}
	return m
}

// SubProperties parses a property holding sub-properties ("s3 =\n  k = v")
// into a map (keys lower-case). It returns nil when the value is not a
// sub-property block.
func SubProperties(raw string) map[string]string {
	if !strings.HasPrefix(raw, "\n") {
		return nil
	}
	m := map[string]string{}
	for _, l := range strings.Split(raw[1:], "\n") {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			continue // the parser rejects these; be safe
		}
		m[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return m
}

// Profile returns the named profile, or nil.
func (ps *Profiles) Profile(name string) *Profile {
	if ps == nil {
		return nil
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if p, ok := ps.profiles[name]; ok {
		return p
	}
	src := ps.src[name]
	if src == nil {
		return nil
	}
	p := &Profile{Name: name}
	// scanINI accepted these bodies, so ini.v1 parses them (see parseBodies).
	if len(src.config) > 0 {
		p.Config, _ = parseBodies(ps.ConfigFile, src.config)
	}
	if len(src.credentials) > 0 {
		p.Credentials, _ = parseBodies(ps.CredentialsFile, src.credentials)
	}
	if ps.profiles == nil {
		ps.profiles = map[string]*Profile{}
	}
	ps.profiles[name] = p
	return p
}

// Names returns the profile names, sorted.
func (ps *Profiles) Names() []string { return sortedNames(ps.src) }

// SSOSessionNames returns the [sso-session] names, sorted.
func (ps *Profiles) SSOSessionNames() []string { return sortedNames(ps.ssoSrc) }

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SSOSession returns the properties of [sso-session NAME], or nil.
func (ps *Profiles) SSOSession(name string) map[string]string {
	if ps == nil {
		return nil
	}
	return ps.section(&ps.ssoSessions, ps.ssoSrc, name)
}

// Services returns the properties of [services NAME] (sub-property blocks
// raw; see SubProperties), or nil.
func (ps *Profiles) Services(name string) map[string]string {
	if ps == nil {
		return nil
	}
	return ps.section(&ps.services, ps.svcSrc, name)
}

func (ps *Profiles) section(cache *map[string]map[string]string, src map[string][]iniChunk, name string) map[string]string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if m, ok := (*cache)[name]; ok {
		return m
	}
	bodies, ok := src[name]
	if !ok {
		return nil
	}
	m, _ := parseBodies(ps.ConfigFile, bodies)
	if *cache == nil {
		*cache = map[string]map[string]string{}
	}
	(*cache)[name] = m
	return m
}

// ParseProfiles parses the contents of a config file and a credentials file
// (nil = absent). The names are used in errors and in Source descriptions.
// Syntax errors anywhere in either file are reported here.
func ParseProfiles(configName string, config []byte, credentialsName string, credentials []byte) (*Profiles, error) {
	n := bytes.Count(config, []byte{'['}) + bytes.Count(credentials, []byte{'['}) + 2
	ps := &Profiles{ConfigFile: configName, CredentialsFile: credentialsName, src: make(map[string]*profileSrc, n)}
	if err := ps.addConfig(configName, config); err != nil {
		return nil, err
	}
	if err := ps.addCredentials(credentialsName, credentials); err != nil {
		return nil, err
	}
	return ps, nil
}

// LoadProfiles reads and parses the two files; a missing file counts as
// absent (no profiles). Either path may be "" to skip that file.
func LoadProfiles(configPath, credentialsPath string) (*Profiles, error) {
	cfg, err := readOptional(configPath)
	if err != nil {
		return nil, err
	}
	cred, err := readOptional(credentialsPath)
	if err != nil {
		return nil, err
	}
	return ParseProfiles(configPath, cfg, credentialsPath, cred)
}

// readFile is os.ReadFile; tests count calls through it.
var readFile = os.ReadFile

func readOptional(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := readFile(path)
	if err != nil && (os.IsNotExist(err) || isDirErr(path)) {
		return nil, nil
	}
	return b, err
}

func isDirErr(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func (ps *Profiles) srcOf(name string) *profileSrc {
	p := ps.src[name]
	if p == nil {
		p = &profileSrc{}
		ps.src[name] = p
	}
	return p
}

func (ps *Profiles) addConfig(name string, data []byte) error {
	if data == nil {
		return nil
	}
	chunks, err := scanINI(name, data)
	if err != nil {
		return err
	}
	hasPrefixedDefault := false
	for _, c := range chunks {
		if c.section == "profile default" {
			hasPrefixedDefault = true
		}
	}
	for _, c := range chunks {
		var kind, rest string
		switch {
		case c.section == "default":
			if hasPrefixedDefault {
				continue
			}
			kind, rest = "profile", "default"
		default:
			k, r, ok := strings.Cut(c.section, " ")
			if !ok {
				continue // [foo], [profilefoo]: not ours
			}
			kind, rest = k, r
		}
		n, ok := sectionProfileName(rest)
		if !ok {
			continue
		}
		switch kind {
		case "profile":
			p := ps.srcOf(n)
			p.config = append(p.config, c)
		case "sso-session":
			if ps.ssoSrc == nil {
				ps.ssoSrc = map[string][]iniChunk{}
			}
			ps.ssoSrc[n] = append(ps.ssoSrc[n], c)
		case "services":
			if ps.svcSrc == nil {
				ps.svcSrc = map[string][]iniChunk{}
			}
			ps.svcSrc[n] = append(ps.svcSrc[n], c)
		}
	}
	return nil
}

func (ps *Profiles) addCredentials(name string, data []byte) error {
	if data == nil {
		return nil
	}
	chunks, err := scanINI(name, data)
	if err != nil {
		return err
	}
	for _, c := range chunks {
		if strings.HasPrefix(c.section, "profile ") {
			continue // SEP: credentials profiles with prefix are ignored
		}
		n, ok := sectionProfileName(c.section)
		if !ok {
			continue
		}
		p := ps.srcOf(n)
		p.credentials = append(p.credentials, c)
	}
	return nil
}

// sectionProfileName validates a profile (or sso-session) name; see Profiles.
func sectionProfileName(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		inner := s[1 : len(s)-1]
		if inner == "" || strings.IndexByte(inner, s[0]) >= 0 {
			return "", false
		}
		return inner, true
	}
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-_/.%@:+", c) >= 0:
		default:
			return "", false
		}
	}
	return s, true
}
