package jsonlite

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jsonSeeds are the JSON files of the repository and of ../shared (the
// shared conformance data, when it is beside the work tree), and inputs at
// the edges of the grammar.
func jsonSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, tc := range grammarCases {
		seeds = append(seeds, []byte(tc.in))
	}
	for _, s := range []string{
		`{"Version": 1, "AccessKeyId": "AK", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2999-01-01T00:00:00Z"}`,
		`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`,
		`{"s":"\ud83d\ude00\ud83d","p":null,"i":-0,"a":[1e400],"n":{"x":"\u00e9"},"ptr":{"Y":"y"},"MESSAGE":"m"}`,
		"{\"Access\u212aeyId\":\"\xff\"}",
		`{"i":9223372036854775808,"i64":1.0}`,
	} {
		seeds = append(seeds, []byte(s))
	}
	for _, root := range []string{"../..", "../../../shared"} {
		if _, err := os.Stat(root); err != nil {
			continue
		}
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".json") {
				if b, err := os.ReadFile(path); err == nil && len(b) < 1<<16 {
					seeds = append(seeds, b)
				}
			}
			return nil
		})
	}
	return seeds
}

// TestSeeds runs the differential checks over every seed, so that a plain
// `go test` covers the repository's JSON files.
func TestSeeds(t *testing.T) {
	seeds := jsonSeeds(t)
	if len(seeds) < 100 {
		t.Fatalf("only %d seeds: the repository's JSON files were not found", len(seeds))
	}
	for _, b := range seeds {
		checkUnmarshal(t, b)
		checkDecodeFirst(t, b)
		checkScalar(t, b)
	}
}

// FuzzUnmarshal: for any bytes, Valid agrees with json.Valid, and Unmarshal,
// DecodeFirst and the decoding of a top-level string or number agree with
// encoding/json (values, errors, where the first value ends). The bytes
// are also tried as the value of members of each kind of field.
func FuzzUnmarshal(f *testing.F) {
	for _, b := range jsonSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkUnmarshal(t, b)
		checkDecodeFirst(t, b)
		checkScalar(t, b)
		for _, k := range []string{"s", "p", "I64", "a", "r", "ptr"} {
			checkUnmarshal(t, append([]byte(`{"`+k+`":`), append(b, '}')...))
		}
	})
}
