package jsonlite

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// grammarCases are inputs at the edges of the JSON grammar; want is
// json.Valid's answer (checked against encoding/json too).
var grammarCases = []struct {
	in   string
	want bool
}{
	{``, false},
	{` `, false},
	{`{}`, true},
	{" \t\r\n{} \t\r\n", true},
	{"\f{}", false},     // form feed is not JSON white space
	{"\v{}", false},     // nor vertical tab
	{"{}\u00a0", false}, // nor NBSP
	{"\ufeff{}", false}, // nor a byte order mark
	{`{} {}`, false},
	{`{}x`, false},
	{`{"a":1,}`, false},
	{`{"a":1 "b":2}`, false},
	{`{,}`, false},
	{`{"a"}`, false},
	{`{"a" : 1 , "b" : [ 1 , 2 ] }`, true},
	{`{a:1}`, false},
	{`{'a':1}`, false},
	{`[1,]`, false},
	{`[,1]`, false},
	{`[]`, true},
	{`[[]]`, true},
	{`[`, false},
	{`]`, false},
	{`[}`, false},
	{`{]`, false},
	{`true`, true},
	{`tru`, false},
	{`truex`, false},
	{`True`, false},
	{`nul`, false},
	{`null`, true},
	{`false`, true},
	{`0`, true},
	{`-0`, true},
	{`01`, false},
	{`-01`, false},
	{`00`, false},
	{`1.`, false},
	{`.1`, false},
	{`1.5`, true},
	{`1e`, false},
	{`1e+`, false},
	{`1e5`, true},
	{`1E-5`, true},
	{`1e+05`, true},
	{`-`, false},
	{`+1`, false},
	{`--1`, false},
	{`1.5e3.2`, false},
	{`0x10`, false},
	{`Infinity`, false},
	{`NaN`, false},
	{`1e400`, true}, // valid JSON, out of float64's range
	{`123456789012345678901234567890`, true},
	{`""`, true},
	{`"`, false},
	{`"abc`, false},
	{`"a\"b"`, true},
	{`"\/\\\b\f\n\r\t"`, true},
	{`"\a"`, false},
	{`"\x41"`, false},
	{`"\u00e9"`, true},
	{`"\u00E9"`, true},
	{`"\u00g9"`, false},
	{`"\u00e"`, false},
	{`"\u"`, false},
	{`"\U00e9"`, false},
	{"\"a\tb\"", false}, // raw control character
	{"\"a\x00b\"", false},
	{"\"a\x1fb\"", false},
	{"\"a\x7fb\"", true},   // DEL is allowed
	{"\"\xff\xfe\"", true}, // invalid UTF-8 is allowed (and replaced)
	{"\"\xed\xa0\x80\"", true},
	{`"\ud83d\ude00"`, true},
	{`"\ud83d"`, true},
	{"\"é\"", true},
	{`{"a":{"b":{"c":[1,{"d":null}]}}}`, true},
}

func TestGrammar(t *testing.T) {
	for _, tc := range grammarCases {
		if got := Valid([]byte(tc.in)); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.in, got, tc.want)
		}
		if ref := json.Valid([]byte(tc.in)); ref != tc.want {
			t.Errorf("json.Valid(%q) = %v: the table is wrong", tc.in, ref)
		}
		checkUnmarshal(t, []byte(tc.in))
		checkDecodeFirst(t, []byte(tc.in))
		checkScalar(t, []byte(tc.in))
	}
}

// TestDepth: encoding/json accepts 10000 nested arrays or objects and
// refuses 10001; a hundred thousand open brackets are an error, not a
// stack overflow.
func TestDepth(t *testing.T) {
	nest := func(n int, open, close string) []byte {
		return []byte(strings.Repeat(open, n) + strings.Repeat(close, n))
	}
	for _, tc := range []struct {
		in   []byte
		want bool
	}{
		{nest(10000, "[", "]"), true},
		{nest(10001, "[", "]"), false},
		{nest(3, `{"a":`, "}"), false}, // the innermost {"a":} lacks a value
		{[]byte(strings.Repeat(`{"a":`, 9999) + "{}" + strings.Repeat("}", 9999)), true},
		{[]byte(strings.Repeat(`{"a":`, 10000) + "{}" + strings.Repeat("}", 10000)), false},
		{[]byte(strings.Repeat("[", 100000)), false},
		{[]byte(strings.Repeat(`{"a":[`, 50000)), false},
	} {
		if got, ref := Valid(tc.in), json.Valid(tc.in); got != tc.want || ref != tc.want {
			t.Errorf("%d bytes starting %.12q: Valid %v, json.Valid %v, want %v", len(tc.in), tc.in, got, ref, tc.want)
		}
		checkUnmarshal(t, tc.in)
		checkDecodeFirst(t, tc.in)
	}
	// Decoding a deep value that is skipped (an unknown member) or held
	// as a RawMessage or interface{} walks it without recursion too.
	deep := strings.Repeat("[", 9999) + strings.Repeat("]", 9999)
	for _, k := range []string{"zz", "r", "a"} {
		checkUnmarshal(t, []byte(`{"`+k+`":`+deep+`}`))
	}
}

// TestStrings: escapes, surrogates and invalid UTF-8 decode as
// encoding/json decodes them.
func TestStrings(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`""`, ""},
		{`"plain"`, "plain"},
		{`"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{`"\u0041\u00e9\u20ac"`, "Aé€"},
		{`"\u0000"`, "\x00"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\uD83D\uDE00"`, "😀"},
		{`"\ud83d"`, "\ufffd"},              // lone high surrogate
		{`"\ude00"`, "\ufffd"},              // lone low surrogate
		{`"\ude00\ud83d"`, "\ufffd\ufffd"},  // reversed pair
		{`"\ud83dx"`, "\ufffdx"},            // high surrogate, then not an escape
		{`"\ud83d\n"`, "\ufffd\n"},          // then another escape
		{`"\ud83d\u0041"`, "\ufffdA"},       // then a non-surrogate \u
		{`"\ud83d\ud83d\ude00"`, "\ufffd😀"}, // high, then a pair
		{`"\ud83d\ude0"`, ""},               // invalid: three hex digits (checked below as invalid)
		{"\"\xff\"", "\ufffd"},
		{"\"a\xffb\xfe\"", "a\ufffdb\ufffd"},
		{"\"\xed\xa0\x80\"", "\ufffd\ufffd\ufffd"}, // UTF-8 encoded surrogate: three bad bytes
		{"\"\xc3\"", "\ufffd"},                     // truncated sequence
		{"\"\xe2\x82\"", "\ufffd\ufffd"},
		{"\"\xf4\x90\x80\x80\"", "\ufffd\ufffd\ufffd\ufffd"}, // above U+10FFFF
		{"\"\xc0\xaf\"", "\ufffd\ufffd"},                     // overlong
		{"\"\uFFFD\"", "\ufffd"},                             // a real U+FFFD stays
		{"\"\\u00e9\xff\"", "é\ufffd"},
	} {
		in := []byte(tc.in)
		checkScalar(t, in)
		checkUnmarshal(t, []byte(`{"s":`+tc.in+`}`))
		if !json.Valid(in) {
			if Valid(in) {
				t.Errorf("%q: accepted", tc.in)
			}
			continue
		}
		var m mine
		if err := Unmarshal([]byte(`{"s":`+tc.in+`}`), m.fields()); err != nil || m.S != tc.want {
			t.Errorf("%s: got %q (%v), want %q", tc.in, m.S, err, tc.want)
		}
	}
}

// TestFields: how members reach fields, against encoding/json.
func TestFields(t *testing.T) {
	for _, in := range []string{
		`{"s":"a","s":"b"}`, // the last wins
		`{"S":"a"}`,         // case-insensitive
		`{"s":"a","S":"b"}`, // both reach s; the last wins
		`{"message":"lower","Message":"upper"}`,
		`{"MESSAGE":"x"}`, // no exact match: the first field that folds
		`{"mEssage":"x","message":"y"}`,
		`{"accesskeyid":"x"}`,
		"{\"Access\u212aeyId\":\"kelvin\"}", // K (KELVIN SIGN) folds to k
		"{\"AcceſſKeyId\":\"long s\"}",      // ſ folds to s
		"{\"AccessKeyI\\u0064\":\"escaped key\"}",
		"{\"s\xff\":\"bad utf-8 in key\"}",
		`{"unknown":[1,{"x":2}],"s":"kept"}`,
		`{"s":null}`,
		`{"s":"a","s":null}`, // null leaves a string as it is
		`{"p":"a"}`,
		`{"p":null}`,
		`{"p":"a","p":null}`, // null resets a pointer
		`{"p":1}`,
		`{"p":{}}`,
		`{"p":[]}`,
		`{"p":true}`,
		`{"s":1}`,
		`{"s":true}`,
		`{"s":{}}`,
		`{"s":[]}`,
		`{"s":1,"p":2}`, // the first type error is reported
		`{"s":1,"message":"still decoded"}`,
		`{"i":1}`,
		`{"i":-0}`,
		`{"i":1.0}`,
		`{"i":1e0}`,
		`{"i":9223372036854775807}`,
		`{"i":9223372036854775808}`,
		`{"i":-9223372036854775808}`,
		`{"i":"1"}`,
		`{"i":null}`,
		`{"i":1,"i":null}`,
		`{"i64":123,"i64":1.5}`,
		`{"r":1.50}`,
		`{"r":"x"}`,
		`{"r":null}`,
		`{"r":{"a":[1e999]}}`,
		`{"r":true}`,
		`{"a":"client.authentication.k8s.io/v1"}`,
		`{"a":1}`,
		`{"a":1e400}`, // beyond float64: an error for interface{}
		`{"a":"x","a":1e400}`,
		`{"a":-1e400}`,
		`{"a":1e-400}`, // underflow is not an error
		`{"a":[1,2,1e400]}`,
		`{"a":{"b":{"c":1e999}}}`,
		`{"a":null}`,
		`{"a":"x","a":null}`,
		`{"a":false}`,
		`{"n":{"x":"a","Y":"b","z":3}}`,
		`{"n":null}`,
		`{"n":{"x":"a"},"n":null}`,
		`{"n":{"x":"a"},"n":{"Y":"b"}}`, // merged
		`{"n":"str"}`,
		`{"n":{"x":1}}`, // type error with the nested path
		`{"n":{"z":1.5}}`,
		`{"ptr":{"x":"a"}}`,
		`{"ptr":null}`,
		`{"ptr":{"x":"a"},"ptr":null}`,
		`{"ptr":{"x":"a"},"ptr":{"Y":"b"}}`,
		`{"ptr":{"x":"a"},"ptr":null,"ptr":{"Y":"b"}}`,
		`{"ptr":[]}`,
		`{"ptr":1}`,
		`{"ptr":{"Y":1}}`,
		`null`,
		`[]`,
		`"str"`,
		`1`,
		`true`,
		`{"s":"a"} `,
		`{"s":"a"}}`,
	} {
		checkUnmarshal(t, []byte(in))
		checkDecodeFirst(t, []byte(in))
	}
}

// TestDecodeFirst: the first value, then the rest, as a json.Decoder
// reads them.
func TestDecodeFirst(t *testing.T) {
	for _, tc := range []struct{ in, rest string }{
		{`{"s":"a"}`, ``},
		{` {"s":"a"}  `, `  `},
		{`{"s":"a"}x`, `x`},
		{`{"s":"a"}{}`, `{}`},
		{`null x`, ` x`},
		{`nullx`, `x`},
		{`1x`, `x`},
		{`01`, `1`},
		{`-0.5e3]`, `]`},
		{`truex`, `x`},
	} {
		var m mine
		rest, err := DecodeFirst([]byte(tc.in), m.fields())
		var se *SyntaxError
		if errors.As(err, &se) || string(rest) != tc.rest {
			t.Errorf("DecodeFirst(%q): rest %q, %v; want rest %q", tc.in, rest, err, tc.rest)
		}
		checkDecodeFirst(t, []byte(tc.in))
	}
	for _, in := range []string{``, ` `, `{`, `{"s":`, `1.`, `-`, `tru`, `x`} {
		var m mine
		if _, err := DecodeFirst([]byte(in), m.fields()); err == nil {
			t.Errorf("DecodeFirst(%q): no error", in)
		}
		checkDecodeFirst(t, []byte(in))
	}
}

func TestIsNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "1.0", "1e0", "-1.5E+10", "01", "1.", ".5", "+1", "", " 1", "1 ", "0x1", "1e", "NaN"} {
		var n json.Number
		ref := json.Unmarshal([]byte(`"`+s+`"`), &n) == nil
		if got := IsNumber(s); got != ref {
			t.Errorf("IsNumber(%q) = %v, encoding/json accepts it into a json.Number: %v", s, got, ref)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	var m mine
	err := Unmarshal([]byte(`{"n":{"x":[1]}}`), m.fields())
	if err == nil || err.Error() != "json: cannot unmarshal array into field n.x" {
		t.Errorf("got %v", err)
	}
	err = Unmarshal([]byte(`[]`), m.fields())
	if err == nil || err.Error() != "json: cannot unmarshal array into an object" {
		t.Errorf("got %v", err)
	}
	err = Unmarshal([]byte("{\"s\":\"a\x01\"}"), m.fields())
	if err == nil || err.Error() != "json: invalid character byte 0x1 in string literal (offset 7)" {
		t.Errorf("got %v", err)
	}
	err = Unmarshal([]byte(`{"s":`), m.fields())
	if err == nil || err.Error() != "json: unexpected end of input looking for beginning of value (offset 5)" {
		t.Errorf("got %v", err)
	}
	err = Unmarshal([]byte(`{"s":"a"} x`), m.fields())
	if err == nil || err.Error() != "json: invalid character 'x' after top-level value (offset 10)" {
		t.Errorf("got %v", err)
	}
}

// TestNoPartialDecode: after a syntax error nothing is decoded, as with
// encoding/json, which checks the whole input first.
func TestNoPartialDecode(t *testing.T) {
	var m mine
	if err := Unmarshal([]byte(`{"s":"a","message":"b",}`), m.fields()); err == nil || m.S != "" || m.M1 != "" {
		t.Errorf("got %+v, %v", m, err)
	}
}
