//go:build !nonet

package creds

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/internal/jsonlite"
)

// The cache files were first written by encoding/json; these tests keep
// the jsonlite reader and writer to the same bytes and the same readings.

var cacheEntrySamples = []cacheEntry{
	{Version: 1, Key: "sts\x00arn:aws:iam::111122223333:role/r\x00sess\x00\x00111122223333", AccessKeyID: "ASIA1", SecretAccessKey: "s/+=", SessionToken: "t<&>", Expiration: "2026-06-01T13:00:00Z", AccountID: "111122223333"},
	{Version: 1, Key: "k", AccessKeyID: "A", SecretAccessKey: "S", Expiration: "2026-06-01T13:00:00Z"},
	{Version: 1, Key: "ünï\u2028\xff\"\\\n", AccessKeyID: "A", SecretAccessKey: "S", Expiration: "x"},
	{},
}

func TestCacheEntryJSONIsEncodingJSONs(t *testing.T) {
	for _, e := range cacheEntrySamples {
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.appendJSON(nil); string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		checkCacheEntry(t, want)
	}
}

// TestCacheReadsEncodingJSONFiles: a file written by the encoding/json
// version is read; a file written now is read by encoding/json alike.
func TestCacheReadsEncodingJSONFiles(t *testing.T) {
	c := newTestCache(t)
	if err := c.prepareDir(); err != nil {
		t.Fatal(err)
	}
	want := testIssued("ASIAOLD", cacheNow.Add(time.Hour))
	key := "sts\x00role<&>\x00é"
	old, _ := json.Marshal(cacheEntry{
		Version: 1, Key: key, AccessKeyID: want.AccessKeyID, SecretAccessKey: want.SecretAccessKey,
		SessionToken: want.SessionToken, Expiration: want.Expires.UTC().Format(time.RFC3339), AccountID: want.AccountID,
	})
	if err := os.WriteFile(c.path(key), old, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get(key); !ok || got != want {
		t.Fatalf("file written by encoding/json: got %v %v, want %v", got, ok, want)
	}

	if err := c.Put(key, want); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(c.path(key))
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != string(old) {
		t.Errorf("new file %s, encoding/json wrote %s", raw, old)
	}
	var e cacheEntry
	if err := json.Unmarshal(raw, &e); err != nil || e.Key != key || e.AccessKeyID != want.AccessKeyID {
		t.Errorf("encoding/json reads %+v, %v", e, err)
	}
}

// checkCacheEntry: jsonlite reads raw as encoding/json did.
func checkCacheEntry(t *testing.T, raw []byte) {
	t.Helper()
	var got, want cacheEntry
	err := jsonlite.Unmarshal(raw, got.fields())
	werr := json.Unmarshal(raw, &want)
	if (err == nil) != (werr == nil) || got != want {
		t.Fatalf("%q: got %+v, %v; encoding/json %+v, %v", raw, got, err, want, werr)
	}
}

// FuzzCacheEntry: any file content is read as encoding/json read it, and
// any entry is written as json.Marshal wrote it.
func FuzzCacheEntry(f *testing.F) {
	for _, e := range cacheEntrySamples {
		b, _ := json.Marshal(e)
		f.Add(b, e.Key, e.SessionToken)
	}
	f.Add([]byte(`{"version":1.0,"VERSION":1,"key":null,"accessKeyId":1}`), "", "")
	f.Add([]byte(`{"version":9223372036854775808}`), "", "")
	f.Fuzz(func(t *testing.T, raw []byte, key, token string) {
		checkCacheEntry(t, raw)
		e := cacheEntry{Version: 1, Key: key, AccessKeyID: "A", SecretAccessKey: "S", SessionToken: token, Expiration: "2026-06-01T13:00:00Z"}
		want, _ := json.Marshal(e)
		if got := e.appendJSON(nil); string(got) != string(want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
