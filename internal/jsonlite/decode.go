package jsonlite

import (
	"strconv"
	"strings"
)

// Fields says where the members of a JSON object go, as the fields of a Go
// struct say it to encoding/json.
type Fields []Field

// A Field is one member name and its destination, Into, which is one of
//
//   - *string: a string field (null leaves it as it is);
//   - **string: a *string field (null sets it to nil, a string to a new
//     pointer);
//   - *int, *int64: an integer field: the number must be an integer
//     literal within the type's range ("1.0" and "1e0" are TypeErrors, as
//     encoding/json makes them);
//   - *Value: a json.RawMessage field: any value, nothing checked;
//   - *Any: an interface{} field: any value, but a number beyond float64's
//     range anywhere in it is a TypeError;
//   - Fields: a nested struct field (null leaves it as it is);
//   - Pointer: a pointer-to-struct field.
//
// Name is the field's JSON name (its json tag); it also names the field in
// a TypeError.
type Field struct {
	Name string
	Into any
}

// Pointer is the destination of a pointer-to-struct field: *Set says
// whether the pointer would be non-nil, Fields are the struct's. Null sets
// it to nil (Set false, the fields zeroed); any other value sets a pointer
// to a new, zeroed struct first if there is none, and an object is then
// decoded into it.
type Pointer struct {
	Set    *bool
	Fields Fields
}

// Kind is the kind of a JSON value.
type Kind uint8

const (
	None   Kind = iota // no value: the member was absent
	Null               // null
	Bool               // true or false
	Number             // a number
	String             // a string
	Array              // an array
	Object             // an object
)

// Value is what a *Value destination (json.RawMessage) receives.
type Value struct {
	Kind Kind
	// Text is a String's decoded text, a Number's literal, "true" or
	// "false" for a Bool, and empty otherwise.
	Text string
}

// Any is what an *Any destination (interface{}) receives; see Value.
type Any Value

// A TypeError is a value of the wrong type for its field, as
// json.UnmarshalTypeError: Field is the dotted path of field names from
// the top ("" for the top-level value itself), Value the kind of JSON value
// found: "string", "number", "bool", "array", "object", or "number " and
// the literal for a number out of the field's range.
type TypeError struct {
	Field string
	Value string
}

func (e *TypeError) Error() string {
	if e.Field == "" {
		return "json: cannot unmarshal " + e.Value + " into an object"
	}
	return "json: cannot unmarshal " + e.Value + " into field " + e.Field
}

// Unmarshal decodes data, which must be exactly one JSON value with
// optional white space around it, into fields, as json.Unmarshal decodes
// it into the struct they describe: null does nothing, an object fills the
// fields, any other value is a TypeError. A syntax error (a *SyntaxError)
// comes before anything is decoded; otherwise the error is the first
// TypeError, and every member of the right type is still decoded.
func Unmarshal(data []byte, fields Fields) error {
	if err := checkValid(data); err != nil {
		return err
	}
	d := decoder{data: data}
	d.top(fields)
	return d.err
}

// DecodeFirst decodes the first JSON value in data, after optional white
// space, into fields, as a json.Decoder's Decode does, and returns what
// follows the value. Errors are as Unmarshal's; empty or truncated input
// is a SyntaxError.
func DecodeFirst(data []byte, fields Fields) (rest []byte, err error) {
	end, err := scanValue(data, 0, nil)
	if err != nil {
		return nil, err
	}
	d := decoder{data: data[:end]}
	d.top(fields)
	return data[end:], d.err
}

// decoder walks data that scanValue has checked.
type decoder struct {
	data []byte
	i    int
	path []string // field names down to the value being decoded
	err  error    // the first TypeError
}

func (d *decoder) typeError(what string) {
	if d.err == nil {
		d.err = &TypeError{Field: strings.Join(d.path, "."), Value: what}
	}
}

// kindName is how a TypeError names the value starting with c.
func kindName(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

func (d *decoder) top(fields Fields) {
	d.i = skipSpace(d.data, d.i)
	d.object(fields)
}

// skip steps over the value at d.i.
func (d *decoder) skip() { d.i, _ = scanValue(d.data, d.i, nil) }

// str decodes the string at d.i.
func (d *decoder) str() string { return string(d.strBytes()) }

// strBytes decodes the string at d.i; the result may be a part of d.data.
func (d *decoder) strBytes() []byte {
	start := d.i
	d.i, _ = scanString(d.data, d.i)
	return unquote(d.data, start, d.i)
}

// literal steps over the number, true, false or null at d.i and returns it.
func (d *decoder) literal() string {
	start := d.i
	d.skip()
	return string(d.data[start:d.i])
}

// object decodes the value at d.i into a struct described by fields: null
// leaves it as it is, an object fills it, anything else is a TypeError.
func (d *decoder) object(fields Fields) {
	switch d.data[d.i] {
	case 'n':
		d.i += len("null")
		return
	case '{':
	default:
		d.typeError(kindName(d.data[d.i]))
		d.skip()
		return
	}
	d.i = skipSpace(d.data, d.i+1)
	if d.data[d.i] == '}' {
		d.i++
		return
	}
	for {
		key := d.strBytes()
		d.i = skipSpace(d.data, d.i)
		d.i = skipSpace(d.data, d.i+1) // ':'
		if f := fields.find(key); f != nil {
			d.path = append(d.path, f.Name)
			d.value(f.Into)
			d.path = d.path[:len(d.path)-1]
		} else {
			d.skip()
		}
		d.i = skipSpace(d.data, d.i)
		d.i++
		if d.data[d.i-1] == '}' {
			return
		}
		d.i = skipSpace(d.data, d.i) // after ','

	}
}

// find is the field for member key: the one named exactly key, else the
// first whose name equals key under Unicode case folding.
func (fs Fields) find(key []byte) *Field {
	for i := range fs {
		if fs[i].Name == string(key) {
			return &fs[i]
		}
	}
	for i := range fs {
		if strings.EqualFold(fs[i].Name, string(key)) {
			return &fs[i]
		}
	}
	return nil
}

// zero sets every destination in fs to its zero value, as a newly
// allocated struct has them.
func (fs Fields) zero() {
	for _, f := range fs {
		switch p := f.Into.(type) {
		case *string:
			*p = ""
		case **string:
			*p = nil
		case *int:
			*p = 0
		case *int64:
			*p = 0
		case *Value:
			*p = Value{}
		case *Any:
			*p = Any{}
		case Fields:
			p.zero()
		case Pointer:
			*p.Set = false
			p.Fields.zero()
		}
	}
}

// value decodes the value at d.i into the destination into.
func (d *decoder) value(into any) {
	c := d.data[d.i]
	switch p := into.(type) {
	case *string:
		switch c {
		case '"':
			*p = d.str()
		case 'n':
			d.i += len("null")
		default:
			d.typeError(kindName(c))
			d.skip()
		}
	case **string:
		switch c {
		case '"':
			s := d.str()
			*p = &s
		case 'n':
			*p = nil
			d.i += len("null")
		default:
			if *p == nil {
				*p = new(string)
			}
			d.typeError(kindName(c))
			d.skip()
		}
	case *int:
		if n, ok := d.integer(c, strconv.IntSize); ok {
			*p = int(n)
		}
	case *int64:
		if n, ok := d.integer(c, 64); ok {
			*p = n
		}
	case *Value:
		*p = d.any(c, false)
	case *Any:
		if v := d.any(c, true); v.Kind != None {
			*p = Any(v)
		}
	case Fields:
		d.object(p)
	case Pointer:
		if c == 'n' {
			*p.Set = false
			p.Fields.zero()
			d.i += len("null")
			return
		}
		if !*p.Set {
			*p.Set = true
			p.Fields.zero()
		}
		d.object(p.Fields)
	default:
		panic("jsonlite: unsupported destination type")
	}
}

// integer decodes an integer of the given size at d.i. ok is false for
// null (nothing to store) and after a TypeError.
func (d *decoder) integer(c byte, bits int) (n int64, ok bool) {
	switch {
	case c == 'n':
		d.i += len("null")
		return 0, false
	case c == '-' || '0' <= c && c <= '9':
		lit := d.literal()
		n, err := strconv.ParseInt(lit, 10, bits)
		if err != nil {
			d.typeError("number " + lit)
			return 0, false
		}
		return n, true
	}
	d.typeError(kindName(c))
	d.skip()
	return 0, false
}

// any decodes any value at d.i. With floats (decoding into interface{}),
// a number that does not fit a float64, at the top or nested, is a
// TypeError, and such a number at the top is not stored (Kind None).
func (d *decoder) any(c byte, floats bool) Value {
	switch c {
	case '"':
		return Value{Kind: String, Text: d.str()}
	case 'n':
		d.i += len("null")
		return Value{Kind: Null}
	case 't', 'f':
		return Value{Kind: Bool, Text: d.literal()}
	case '{', '[':
		var onNumber func([]byte)
		if floats {
			onNumber = func(lit []byte) {
				if _, err := strconv.ParseFloat(string(lit), 64); err != nil {
					d.typeError("number " + string(lit))
				}
			}
		}
		d.i, _ = scanValue(d.data, d.i, onNumber)
		if c == '{' {
			return Value{Kind: Object}
		}
		return Value{Kind: Array}
	}
	lit := d.literal()
	if floats {
		if _, err := strconv.ParseFloat(lit, 64); err != nil {
			d.typeError("number " + lit)
			return Value{}
		}
	}
	return Value{Kind: Number, Text: lit}
}
