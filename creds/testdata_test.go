package creds

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// awsTestdata is the copy of the shared conformance data (with upstream
// LICENSE/NOTICE files) at the repository root.
const awsTestdata = "../testdata/aws-config"

func readTestdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(awsTestdata, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadJSON(t testing.TB, rel string, v any) {
	t.Helper()
	if err := json.Unmarshal(readTestdata(t, rel), v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}
