//go:build !nonet

package creds

import (
	"crypto/sha1"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ekstoken/ekstoken/internal/jsonlite"
	"github.com/ekstoken/ekstoken/sigv4"
)

// The AWS CLI keeps the role credentials it obtained in
// ~/.aws/cli/cache/<key>.json (botocore JSONFileCache, used by the CLI for
// assume-role profiles and, in CLI v2, for SSO). ekstoken reads these
// entries, never writes them: a role the CLI already assumed costs no
// network at all. Entries are used only if they are owned by the user, not
// writable by group/other, and at least 5 minutes from expiry.

// CLICacheDir returns <home>/.aws/cli/cache.
func CLICacheDir(home string) string { return filepath.Join(home, ".aws", "cli", "cache") }

// CLIAssumeRoleCacheKey is the file name stem the AWS CLI uses for an
// AssumeRole: hex SHA-1 of Python's json.dumps(args, sort_keys=True) of the
// AssumeRole arguments built from the profile (botocore
// BaseAssumeRoleCredentialFetcher._create_cache_key):
//
//	RoleArn, and when configured RoleSessionName (role_session_name; an
//	auto-generated name is left out), ExternalId, SerialNumber (mfa_serial),
//	DurationSeconds (duration_seconds, an integer).
//
// json.dumps' defaults matter for the bytes: ", " and ": " separators, keys
// sorted, non-ASCII escaped as \uXXXX. durationSeconds ≤ 0 means not
// configured.
func CLIAssumeRoleCacheKey(roleARN, sessionName, externalID, mfaSerial string, durationSeconds int) string {
	b := make([]byte, 0, 128)
	b = append(b, '{')
	first := true
	field := func(k string) {
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = appendPyJSONString(b, k)
		b = append(b, ": "...)
	}
	// Keys in sorted order: DurationSeconds, ExternalId, RoleArn, RoleSessionName, SerialNumber.
	if durationSeconds > 0 {
		field("DurationSeconds")
		b = strconv.AppendInt(b, int64(durationSeconds), 10)
	}
	if externalID != "" {
		field("ExternalId")
		b = appendPyJSONString(b, externalID)
	}
	field("RoleArn")
	b = appendPyJSONString(b, roleARN)
	if sessionName != "" {
		field("RoleSessionName")
		b = appendPyJSONString(b, sessionName)
	}
	if mfaSerial != "" {
		field("SerialNumber")
		b = appendPyJSONString(b, mfaSerial)
	}
	b = append(b, '}')
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}

// CLISSOCacheKey is the CLI v2 file name stem for SSO role credentials: hex
// SHA-1 of json.dumps({"accountId","roleName", and "sessionName" (sso_session
// profiles) or "startUrl" (legacy)}, sort_keys=True, separators=(",", ":")).
func CLISSOCacheKey(accountID, roleName, ssoSession, startURL string) string {
	b := make([]byte, 0, 128)
	b = append(b, `{"accountId":`...)
	b = appendPyJSONString(b, accountID)
	b = append(b, `,"roleName":`...)
	b = appendPyJSONString(b, roleName)
	if ssoSession != "" {
		b = append(b, `,"sessionName":`...)
		b = appendPyJSONString(b, ssoSession)
	} else {
		b = append(b, `,"startUrl":`...)
		b = appendPyJSONString(b, startURL)
	}
	b = append(b, '}')
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}

// appendPyJSONString appends s as Python's json.dumps (ensure_ascii=True)
// writes a str: \" \\ \n \r \t \b \f, other control characters and all
// non-ASCII as lower-case \uXXXX (UTF-16 surrogate pairs above U+FFFF).
// Unlike encoding/json it leaves <, > and & alone.
func appendPyJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	u4 := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
	}
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, '\\', '"')
		case r == '\\':
			b = append(b, '\\', '\\')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\b':
			b = append(b, '\\', 'b')
		case r == '\f':
			b = append(b, '\\', 'f')
		case r < 0x20:
			b = u4(b, r)
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			b = u4(u4(b, r1), r2)
		default:
			b = u4(b, r)
		}
	}
	return append(b, '"')
}

// ReadCLICache returns the credentials in the CLI cache entry <dir>/<key>.json
// if it is trustworthy and valid for at least minValidity after now. Both
// shapes are understood: the STS answer {"Credentials":{...,"Expiration"},
// "AssumedRoleUser":{"Arn"}} and CLI v2's SSO {"ProviderType":"sso",
// "Credentials":{...}}; Expiration is ISO 8601 with Z or an offset.
func ReadCLICache(dir, key string, now time.Time, minValidity time.Duration) (Issued, bool) {
	if dir == "" || key == "" || strings.ContainsAny(key, `/\`) {
		return Issued{}, false
	}
	raw, err := readPrivateFile(filepath.Join(dir, key+".json"), false)
	if err != nil {
		return Issued{}, false
	}
	var e cliCacheFile
	if jsonlite.Unmarshal(raw, e.fields()) != nil {
		return Issued{}, false
	}
	c := e.Credentials
	if c.AccessKeyID == "" || c.SecretAccessKey == "" || c.Expiration == "" {
		return Issued{}, false
	}
	exp, err := time.Parse(time.RFC3339, c.Expiration)
	if err != nil {
		// Python's isoformat() may omit the offset for naive datetimes; the
		// CLI writes aware ones, so treat anything else as unusable.
		return Issued{}, false
	}
	if exp.Sub(now) < minValidity {
		return Issued{}, false
	}
	acct := c.AccountID
	if acct == "" {
		acct = arnAccount(e.AssumedRoleUser.Arn)
	}
	return Issued{
		Credentials: sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expires: exp.UTC()},
		AccountID:   acct,
	}, true
}

// cliCacheFile is what ReadCLICache takes from a CLI cache entry. The json
// tags say how the members are named (the tests decode the same files
// with encoding/json through them); fields is what jsonlite decodes.
type cliCacheFile struct {
	Credentials struct {
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string `json:"SecretAccessKey"`
		SessionToken    string `json:"SessionToken"`
		Expiration      string `json:"Expiration"`
		AccountID       string `json:"AccountId"`
	} `json:"Credentials"`
	AssumedRoleUser struct {
		Arn string `json:"Arn"`
	} `json:"AssumedRoleUser"`
}

func (e *cliCacheFile) fields() jsonlite.Fields {
	c := &e.Credentials
	return jsonlite.Fields{
		{Name: "Credentials", Into: jsonlite.Fields{
			{Name: "AccessKeyId", Into: &c.AccessKeyID},
			{Name: "SecretAccessKey", Into: &c.SecretAccessKey},
			{Name: "SessionToken", Into: &c.SessionToken},
			{Name: "Expiration", Into: &c.Expiration},
			{Name: "AccountId", Into: &c.AccountID},
		}},
		{Name: "AssumedRoleUser", Into: jsonlite.Fields{{Name: "Arn", Into: &e.AssumedRoleUser.Arn}}},
	}
}
