package jsonlite

import (
	"bytes"
	"encoding/json"
	"testing"
)

type writerInner struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type writerSample struct {
	N      int64         `json:"n"`
	S      string        `json:"s"`
	B      bool          `json:"b"`
	Null   *string       `json:"null"`
	Empty  []string      `json:"empty"`
	Nil    []string      `json:"nil"`
	List   []string      `json:"list"`
	Objs   []writerInner `json:"objs"`
	NoObjs []writerInner `json:"noObjs"`
	Inner  writerInner   `json:"inner"`
	Nested [][]string    `json:"nested"`
	Last   int64         `json:"last"`
}

// write is what a caller of Writer would write for v.
func (v *writerSample) write(w *Writer) {
	w.BeginObject()
	w.Key("n")
	w.Int(v.N)
	w.Key("s")
	w.String(v.S)
	w.Key("b")
	w.Bool(v.B)
	w.Key("null")
	w.Null()
	w.Key("empty")
	w.Strings(v.Empty)
	w.Key("nil")
	w.Strings(v.Nil)
	w.Key("list")
	w.Strings(v.List)
	for _, k := range []string{"objs", "noObjs"} {
		objs := v.Objs
		if k == "noObjs" {
			objs = v.NoObjs
		}
		w.Key(k)
		w.BeginArray()
		for _, o := range objs {
			w.BeginObject()
			w.Key("key")
			w.String(o.Key)
			w.Key("value")
			w.String(o.Value)
			w.EndObject()
		}
		w.EndArray()
	}
	w.Key("inner")
	w.BeginObject()
	w.Key("key")
	w.String(v.Inner.Key)
	w.Key("value")
	w.String(v.Inner.Value)
	w.EndObject()
	w.Key("nested")
	w.BeginArray()
	for _, l := range v.Nested {
		w.Strings(l)
	}
	w.EndArray()
	w.Key("last")
	w.Int(v.Last)
	w.EndObject()
}

// TestWriter: the same value written by Writer and by json.Marshal and
// json.MarshalIndent, compact and with several indents, is the same bytes.
func TestWriter(t *testing.T) {
	v := writerSample{
		N: -42, S: "a<b>&c\"\\\n\u2028\xff", B: true, Empty: []string{}, List: []string{"x", "y"},
		Objs: []writerInner{{"k", "v"}, {"", ""}}, NoObjs: []writerInner{}, Inner: writerInner{"ik", "iv"},
		Nested: [][]string{{}, {"a"}, nil}, Last: 1 << 62,
	}
	for _, indent := range []string{"", "  ", "\t", "    "} {
		w := Writer{Indent: indent}
		v.write(&w)
		var want []byte
		if indent == "" {
			want, _ = json.Marshal(v)
		} else {
			want, _ = json.MarshalIndent(v, "", indent)
		}
		if !bytes.Equal(w.Buf, want) {
			t.Errorf("indent %q:\n got  %s\n want %s", indent, w.Buf, want)
		}
	}
	// An empty top-level object and a scalar.
	for _, indent := range []string{"", "  "} {
		w := Writer{Indent: indent}
		w.BeginObject()
		w.EndObject()
		if string(w.Buf) != "{}" {
			t.Errorf("empty object: %q", w.Buf)
		}
		w = Writer{Indent: indent, Buf: []byte("prefix ")}
		w.String("x")
		if string(w.Buf) != `prefix "x"` {
			t.Errorf("scalar: %q", w.Buf)
		}
	}
}

// FuzzAppendString: AppendString escapes as json.Marshal (escapeHTML) and
// as an Encoder with SetEscapeHTML(false) do, for any string.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<a href=\"x\">&amp;</a>", "\x00\x01\x1f\x7f\b\f\n\r\t", "\u2028\u2029\u2027", "\xff\xfe\xed\xa0\x80", "é😀\ufffd", "k8s-aws-v1.abc_-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString([]byte("x"), s, true); string(got) != "x"+string(want) {
			t.Fatalf("%q: got %s, want %s", s, got[1:], want)
		}
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		e.Encode(s)
		want = bytes.TrimSuffix(b.Bytes(), []byte("\n"))
		if got := AppendString(nil, s, false); string(got) != string(want) {
			t.Fatalf("%q (no HTML escaping): got %s, want %s", s, got, want)
		}
		// What the writer writes, the reader reads back (as encoding/json does).
		var m mine
		in := append(append([]byte(`{"s":`), AppendString(nil, s, true)...), '}')
		if err := Unmarshal(in, m.fields()); err != nil {
			t.Fatalf("%q: reading back %s: %v", s, in, err)
		}
		var o oracleStruct
		json.Unmarshal(in, &o)
		if m.S != o.S {
			t.Fatalf("%q: read back %q, encoding/json %q", s, m.S, o.S)
		}
	})
}
