//go:build !nonet

package creds

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ekstoken/ekstoken/internal/jsonlite"
)

// The network sources and the CLI cache read JSON through jsonlite; these
// tests hold each reading to encoding/json's on the same types (their json
// tags): the same fields, and an error exactly when encoding/json had one
// (what was decoded alongside an error counts too: the SSO error message is
// used whatever the error).

func checkSameJSON[T comparable](t *testing.T, what string, raw []byte, decode func(*T) jsonlite.Fields) {
	t.Helper()
	var got, want T
	err := jsonlite.Unmarshal(raw, decode(&got))
	werr := json.Unmarshal(raw, &want)
	if (err == nil) != (werr == nil) || got != want {
		t.Fatalf("%s %q: got %+v, %v; encoding/json %+v, %v", what, raw, got, err, want, werr)
	}
}

func checkNetworkJSON(t *testing.T, raw []byte) {
	checkSameJSON(t, "CLI cache", raw, (*cliCacheFile).fields)
	checkSameJSON(t, "SSO token", raw, (*ssoCachedToken).fields)
	checkSameJSON(t, "SSO error", raw, (*ssoErrorAnswer).fields)
	checkSameJSON(t, "container", raw, (*containerAnswer).fields)
	checkSameJSON(t, "IMDS", raw, (*imdsAnswer).fields)

	// GetRoleCredentials' answer: encoding/json had a pointer.
	var got ssoAnswer
	err := jsonlite.Unmarshal(raw, got.fields())
	var want struct {
		RoleCredentials *ssoRoleCredentials `json:"roleCredentials"`
	}
	werr := json.Unmarshal(raw, &want)
	same := (err == nil) == (werr == nil) && got.HasRoleCredentials == (want.RoleCredentials != nil)
	if same && want.RoleCredentials != nil {
		same = got.RoleCredentials == *want.RoleCredentials
	}
	if same && want.RoleCredentials == nil {
		same = got.RoleCredentials == ssoRoleCredentials{}
	}
	if !same {
		t.Fatalf("SSO answer %q: got %+v, %v; encoding/json %+v, %v", raw, got, err, want.RoleCredentials, werr)
	}
}

var networkJSONCorners = []string{
	`{"Credentials":{"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","Expiration":"2026-01-01T00:00:00Z"},"AssumedRoleUser":{"Arn":"arn:aws:sts::111122223333:assumed-role/r/s"}}`,
	`{"ProviderType":"sso","Credentials":{"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","Expiration":"2026-01-01T00:00:00+00:00","AccountId":"1"}}`,
	`{"Credentials":null,"credentials":{"accesskeyid":"A"}}`,
	`{"Credentials":[],"AssumedRoleUser":{"Arn":"a"}}`,
	`{"accessToken":"tok","expiresAt":"2026-01-01T00:00:00Z","refreshToken":"r"}`,
	`{"accessToken":5,"expiresAt":"x"}`,
	`{"message":"a","Message":"b"}`,
	`{"MESSAGE":"a","Message":"b"}`,
	`{"message":1,"Message":"kept despite the error"}`,
	`{"message":"x"`,
	`{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":1700000000000}}`,
	`{"roleCredentials":{"accessKeyId":"A"},"roleCredentials":null}`,
	`{"roleCredentials":{"accessKeyId":"A"},"roleCredentials":null,"roleCredentials":{"secretAccessKey":"S"}}`,
	`{"roleCredentials":{"accessKeyId":"A"},"roleCredentials":{"secretAccessKey":"S"}}`,
	`{"roleCredentials":{"expiration":1.5}}`,
	`{"roleCredentials":{"expiration":9223372036854775808}}`,
	`{"roleCredentials":{"expiration":-1}}`,
	`{"roleCredentials":[]}`,
	`{"roleCredentials":"x"}`,
	`{"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2026-01-01T00:00:00Z","AccountId":"1","RoleArn":"arn"}`,
	`{"code":"Throttled","message":"slow down"}`,
	`{"Code":"Success","LastUpdated":"2026-01-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2026-01-01T06:00:00Z"}`,
	`{"Code":"Success","code":"shadowed"}`,
	`{"Code":"Success"`,
	`null`,
	`[]`,
	`""`,
	`{} {}`,
}

func TestNetworkJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range networkJSONCorners {
		checkNetworkJSON(t, []byte(s))
	}
	files := testdataJSONFiles(t)
	if len(files) < 50 {
		t.Fatalf("only %d JSON files under testdata", len(files))
	}
	for _, b := range files {
		checkNetworkJSON(t, b)
	}
}

// testdataJSONFiles are the JSON files of the recorded exchanges and the
// SDKs' test data (and of ../shared when it is beside the work tree).
func testdataJSONFiles(t testing.TB) [][]byte {
	var files [][]byte
	for _, root := range []string{"testdata", awsTestdata, "../../shared/aws-config-testdata"} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
				if b, err := os.ReadFile(path); err == nil {
					files = append(files, b)
				}
			}
			return nil
		})
	}
	return files
}

// FuzzNetworkJSON: any bytes are read as encoding/json read them.
func FuzzNetworkJSON(f *testing.F) {
	for _, s := range networkJSONCorners {
		f.Add([]byte(s))
	}
	for _, b := range testdataJSONFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkNetworkJSON(t, b) })
}
