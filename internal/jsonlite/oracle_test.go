package jsonlite

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"testing"
)

// The oracle is encoding/json: every test decodes the same input into
// oracleStruct with it and into the matching Fields with this package, and
// the two must agree on validity, on the error and on every field.

type oracleInner struct {
	X string  `json:"x"`
	Y *string `json:"Y"`
	Z int64   `json:"z"`
}

type oracleStruct struct {
	S   string          `json:"s"`
	P   *string         `json:"p"`
	I   int             `json:"i"`
	I64 int64           `json:"i64"`
	R   json.RawMessage `json:"r"`
	A   any             `json:"a"`
	N   oracleInner     `json:"n"`
	Ptr *oracleInner    `json:"ptr"`
	// Two fields whose names fold to the same: an exact match picks one,
	// otherwise the first.
	M1 string `json:"message"`
	M2 string `json:"Message"`
	// A name with letters that fold outside ASCII (K: KELVIN SIGN, ſ:
	// LATIN SMALL LETTER LONG S).
	K string `json:"AccessKeyId"`
}

// mine is what this package decodes into.
type mine struct {
	S      string
	P      *string
	I      int
	I64    int64
	R      Value
	A      Any
	N      innerDst
	PtrSet bool
	Ptr    innerDst
	M1, M2 string
	K      string
}

type innerDst struct {
	X string
	Y *string
	Z int64
}

func (n *innerDst) fields() Fields {
	return Fields{{"x", &n.X}, {"Y", &n.Y}, {"z", &n.Z}}
}

func (m *mine) fields() Fields {
	return Fields{
		{"s", &m.S}, {"p", &m.P}, {"i", &m.I}, {"i64", &m.I64}, {"r", &m.R}, {"a", &m.A},
		{"n", m.N.fields()}, {"ptr", Pointer{Set: &m.PtrSet, Fields: m.Ptr.fields()}},
		{"message", &m.M1}, {"Message", &m.M2}, {"AccessKeyId", &m.K},
	}
}

func ptrString(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return strconv.Quote(*p)
}

func (n innerDst) String() string {
	return fmt.Sprintf("{x:%q Y:%s z:%d}", n.X, ptrString(n.Y), n.Z)
}

// describe renders both results in one form, so that they can be compared.
func (o *oracleStruct) describe() string {
	ptr := "<nil>"
	if o.Ptr != nil {
		ptr = innerDst{o.Ptr.X, o.Ptr.Y, o.Ptr.Z}.String()
	}
	return fmt.Sprintf("s=%q p=%s i=%d i64=%d r=%s a=%s n=%s ptr=%s m1=%q m2=%q k=%q",
		o.S, ptrString(o.P), o.I, o.I64, rawDescribe(o.R), anyDescribe(o.A),
		innerDst{o.N.X, o.N.Y, o.N.Z}, ptr, o.M1, o.M2, o.K)
}

func (m *mine) describe() string {
	ptr := "<nil>"
	if m.PtrSet {
		ptr = m.Ptr.String()
	}
	a := valueDescribe(Value(m.A))
	switch m.A.Kind {
	case None:
		a = "null" // an interface{} cannot tell absent from null
	case Number:
		a = "float:" + m.A.Text // see normalizeAny
	}
	return fmt.Sprintf("s=%q p=%s i=%d i64=%d r=%s a=%s n=%s ptr=%s m1=%q m2=%q k=%q",
		m.S, ptrString(m.P), m.I, m.I64, valueDescribe(m.R), a, m.N, ptr, m.M1, m.M2, m.K)
}

// rawDescribe says what a RawMessage holds in valueDescribe's terms.
func rawDescribe(r json.RawMessage) string {
	if r == nil {
		return "none"
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(r))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return "undecodable " + string(r)
	}
	return anyDescribe(v)
}

func anyDescribe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool:" + strconv.FormatBool(v)
	case json.Number:
		return "number:" + string(v)
	case float64:
		// encoding/json keeps no literal for an interface{}; the literal
		// is compared through its value.
		return "float:" + strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return "string:" + strconv.Quote(v)
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("? %T", v)
}

func valueDescribe(v Value) string {
	switch v.Kind {
	case None:
		return "none"
	case Null:
		return "null"
	case Bool:
		return "bool:" + v.Text
	case Number:
		return "number:" + v.Text
	case String:
		return "string:" + strconv.Quote(v.Text)
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "?"
}

// normalizeAny turns mine's A into what encoding/json keeps in an
// interface{} (numbers as float64), for comparison.
func (m *mine) normalizeAny() {
	if m.A.Kind == Number {
		f, err := strconv.ParseFloat(m.A.Text, 64)
		if err != nil || math.IsInf(f, 0) {
			m.A.Text = "bad " + m.A.Text
			return
		}
		m.A.Text = strconv.FormatFloat(f, 'g', -1, 64)
	}
}

func (m *mine) describeNormalized() string {
	m.normalizeAny()
	return m.describe()
}

// compareErrors checks that err (this package's) is the counterpart of
// ref (encoding/json's): both nil, both syntax errors, or type errors with
// the same field and value.
func compareErrors(t testing.TB, in []byte, err, ref error) {
	t.Helper()
	var se *SyntaxError
	var te *TypeError
	var rse *json.SyntaxError
	var rte *json.UnmarshalTypeError
	switch {
	case ref == nil:
		if err != nil {
			t.Fatalf("%q: encoding/json accepts, jsonlite: %v", in, err)
		}
	case errors.As(ref, &rse) || ref == io.EOF || ref == io.ErrUnexpectedEOF:
		if !errors.As(err, &se) {
			t.Fatalf("%q: encoding/json: %v, jsonlite: %v", in, ref, err)
		}
	case errors.As(ref, &rte):
		if !errors.As(err, &te) || te.Field != rte.Field || te.Value != rte.Value {
			t.Fatalf("%q: encoding/json: %v (field %q value %q), jsonlite: %v", in, ref, rte.Field, rte.Value, err)
		}
	default:
		t.Fatalf("%q: unexpected encoding/json error %v", in, ref)
	}
}

// checkUnmarshal decodes in with both and compares.
func checkUnmarshal(t testing.TB, in []byte) {
	t.Helper()
	if got, want := Valid(in), json.Valid(in); got != want {
		t.Fatalf("%q: Valid %v, json.Valid %v", in, got, want)
	}
	var o oracleStruct
	ref := json.Unmarshal(in, &o)
	var m mine
	err := Unmarshal(in, m.fields())
	compareErrors(t, in, err, ref)
	if got, want := m.describeNormalized(), o.describe(); got != want {
		t.Fatalf("%q:\n got  %s\n want %s", in, got, want)
	}
}

// checkDecodeFirst compares DecodeFirst with a json.Decoder's Decode.
func checkDecodeFirst(t testing.TB, in []byte) {
	t.Helper()
	var o oracleStruct
	dec := json.NewDecoder(bytes.NewReader(in))
	ref := dec.Decode(&o)
	var m mine
	rest, err := DecodeFirst(in, m.fields())
	compareErrors(t, in, err, ref)
	var se *SyntaxError
	if errors.As(err, &se) {
		return
	}
	if got, want := len(in)-len(rest), int(dec.InputOffset()); got != want {
		t.Fatalf("%q: value ends at %d, encoding/json: %d", in, got, want)
	}
	if got, want := m.describeNormalized(), o.describe(); got != want {
		t.Fatalf("%q:\n got  %s\n want %s", in, got, want)
	}
}

// checkScalar decodes a top-level value as a json.RawMessage member would
// hold it and compares the string or number with encoding/json's.
func checkScalar(t testing.TB, in []byte) {
	t.Helper()
	if checkValid(in) != nil {
		return
	}
	d := decoder{data: in}
	d.i = skipSpace(in, 0)
	got := d.any(in[d.i], false)
	var v any
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%q: valid, but encoding/json: %v", in, err)
	}
	if g, w := valueDescribe(got), anyDescribe(v); g != w {
		t.Fatalf("%q: got %s, encoding/json %s", in, g, w)
	}
}
