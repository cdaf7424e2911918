package jsonlite

import "strconv"

// A Writer builds one JSON value, laid out as json.Marshal (Indent "") or
// json.MarshalIndent(v, "", Indent) lays out the same value: members and
// elements one per line at one more Indent per level, "key": value with a
// space after the colon, and empty objects and arrays as {} and []. Strings
// are escaped as json.Marshal escapes them (HTML characters included).
//
// The caller says what comes in order: Key before each member's value,
// Begin and End around objects and arrays. A Writer does not check that
// the sequence makes sense.
type Writer struct {
	Buf    []byte // the output so far
	Indent string // "" for the compact form

	depth  int  // open objects and arrays
	empty  bool // the innermost of them has nothing in it yet
	member bool // a Key was written; its value follows on the same line
}

// next writes what goes before a value or a key: a comma after the
// previous one, and in the indented form a new line.
func (w *Writer) next() {
	if w.member {
		w.member = false
		return
	}
	if w.depth == 0 {
		return
	}
	if !w.empty {
		w.Buf = append(w.Buf, ',')
	}
	w.empty = false
	w.newline(w.depth)
}

func (w *Writer) newline(depth int) {
	if w.Indent == "" {
		return
	}
	w.Buf = append(w.Buf, '\n')
	for range depth {
		w.Buf = append(w.Buf, w.Indent...)
	}
}

// BeginObject starts an object, BeginArray an array.
func (w *Writer) BeginObject() { w.begin('{') }
func (w *Writer) BeginArray()  { w.begin('[') }

// EndObject ends the innermost object, EndArray the innermost array.
func (w *Writer) EndObject() { w.end('}') }
func (w *Writer) EndArray()  { w.end(']') }

func (w *Writer) begin(c byte) {
	w.next()
	w.Buf = append(w.Buf, c)
	w.depth++
	w.empty = true
}

func (w *Writer) end(c byte) {
	w.depth--
	if !w.empty {
		w.newline(w.depth)
	}
	w.Buf = append(w.Buf, c)
	w.empty = false
}

// Key starts an object member.
func (w *Writer) Key(k string) {
	w.next()
	w.Buf = AppendString(w.Buf, k, true)
	w.Buf = append(w.Buf, ':')
	if w.Indent != "" {
		w.Buf = append(w.Buf, ' ')
	}
	w.member = true
}

// String writes a string.
func (w *Writer) String(s string) {
	w.next()
	w.Buf = AppendString(w.Buf, s, true)
}

// Int writes an integer.
func (w *Writer) Int(n int64) {
	w.next()
	w.Buf = strconv.AppendInt(w.Buf, n, 10)
}

// Bool writes true or false.
func (w *Writer) Bool(b bool) {
	w.next()
	w.Buf = strconv.AppendBool(w.Buf, b)
}

// Null writes null.
func (w *Writer) Null() {
	w.next()
	w.Buf = append(w.Buf, "null"...)
}

// Raw writes raw, which must be one JSON value in the writer's layout (such
// as a json.Marshaler's answer that has no white space in it).
func (w *Writer) Raw(raw []byte) {
	w.next()
	w.Buf = append(w.Buf, raw...)
}

// Strings writes an array of strings; nil is null, as encoding/json
// writes a nil slice.
func (w *Writer) Strings(ss []string) {
	if ss == nil {
		w.Null()
		return
	}
	w.BeginArray()
	for _, s := range ss {
		w.String(s)
	}
	w.EndArray()
}
