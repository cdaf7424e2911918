//go:build !nonet

package token

import (
	"time"

	"github.com/ekstoken/ekstoken/internal/jsonlite"
)

// AppendJSON appends d as JSON: the bytes json.Marshal(d) gives (indent
// "") or json.MarshalIndent(d, "", indent), following the json tags of
// Decoded, without linking encoding/json. Like encoding/json it fails, and
// appends nothing, when a time cannot be written as RFC 3339 (a year after
// 9999: X-Amz-Date in the last 15 minutes of 9999 puts ValidUntil there).
func (d *Decoded) AppendJSON(dst []byte, indent string) ([]byte, error) {
	w := jsonlite.Writer{Buf: dst, Indent: indent}
	str := func(k, v string, omitEmpty bool) {
		if v != "" || !omitEmpty {
			w.Key(k)
			w.String(v)
		}
	}
	flag := func(k string, v bool) { // omitempty
		if v {
			w.Key(k)
			w.Bool(true)
		}
	}
	w.BeginObject()
	w.Key("length")
	w.Int(int64(d.Length))
	str("url", d.URL, false)
	str("scheme", d.Scheme, false)
	str("host", d.Host, false)
	str("path", d.Path, false)
	str("partition", d.Partition, true)
	str("region", d.Region, true)
	flag("global", d.Global)
	flag("fips", d.FIPS)
	flag("dualStack", d.DualStack)
	w.Key("params")
	appendPairs(&w, d.Params, "key", "value", func(p QueryParam) (string, string) { return p.Key, p.Value })
	str("action", d.Action, true)
	str("version", d.Version, true)
	str("algorithm", d.Algorithm, true)
	str("accessKeyId", d.AccessKeyID, true)
	str("scopeDate", d.ScopeDate, true)
	str("scopeRegion", d.ScopeRegion, true)
	str("scopeService", d.ScopeService, true)
	for _, t := range [...]struct {
		k string
		v time.Time
	}{{"signingTime", d.SigningTime}, {"validUntil", d.ValidUntil}} {
		if t.v.IsZero() { // omitzero
			continue
		}
		b, err := t.v.MarshalJSON()
		if err != nil {
			return dst, err
		}
		w.Key(t.k)
		w.Raw(b)
	}
	w.Key("ageSeconds")
	w.Int(d.AgeSec)
	w.Key("secondsLeft")
	w.Int(d.LeftSec)
	w.Key("xAmzExpires")
	w.Int(int64(d.ExpiresParam))
	if len(d.SignedHeaders) > 0 {
		w.Key("signedHeaders")
		w.Strings(d.SignedHeaders)
	}
	w.Key("sessionToken")
	w.Bool(d.SessionToken)
	w.Key("problems")
	appendPairs(&w, d.Problems, "rule", "message", func(p Problem) (string, string) { return p.Rule, p.Message })
	w.Key("warnings")
	w.Strings(d.Warnings)
	w.EndObject()
	return w.Buf, nil
}

// appendPairs writes list as an array of objects with the two string
// members k1 and k2 (null for a nil list, as encoding/json writes it).
func appendPairs[T any](w *jsonlite.Writer, list []T, k1, k2 string, members func(T) (string, string)) {
	if list == nil {
		w.Null()
		return
	}
	w.BeginArray()
	for _, e := range list {
		v1, v2 := members(e)
		w.BeginObject()
		w.Key(k1)
		w.String(v1)
		w.Key(k2)
		w.String(v2)
		w.EndObject()
	}
	w.EndArray()
}
