package jsonlite

import "strconv"

// maxDepth is encoding/json's limit on nested objects and arrays.
const maxDepth = 10000

// A SyntaxError says where data stops being JSON.
type SyntaxError struct {
	Offset int    // the byte at which the problem was found
	msg    string // what was wrong
}

func (e *SyntaxError) Error() string {
	return "json: " + e.msg + " (offset " + strconv.Itoa(e.Offset) + ")"
}

// badByte is the SyntaxError for an unexpected byte data[i] (or the end of
// the input) while looking for what.
func badByte(data []byte, i int, what string) error {
	if i >= len(data) {
		return &SyntaxError{Offset: i, msg: "unexpected end of input " + what}
	}
	c := data[i]
	var q string
	if c >= 0x20 && c < 0x7f && c != '\'' {
		q = "'" + string(rune(c)) + "'"
	} else {
		q = "byte 0x" + strconv.FormatUint(uint64(c), 16)
	}
	return &SyntaxError{Offset: i, msg: "invalid character " + q + " " + what}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// Valid reports whether data is one JSON value with optional white space
// around it, as json.Valid does.
func Valid(data []byte) bool { return checkValid(data) == nil }

func checkValid(data []byte) error {
	end, err := scanValue(data, 0, nil)
	if err != nil {
		return err
	}
	if i := skipSpace(data, end); i < len(data) {
		return badByte(data, i, "after top-level value")
	}
	return nil
}

// IsNumber reports whether s is a JSON number, as json.Number requires of
// a string it is decoded from.
func IsNumber(s string) bool {
	b := []byte(s)
	end, err := scanNumber(b, 0)
	return err == nil && end == len(b)
}

// scanValue checks the JSON value that starts at data[i], after optional
// white space, and returns the offset just past it. It does not recurse:
// open objects and arrays are kept on a stack of their opening bytes.
// onNumber, if not nil, is called with every number literal in the value.
func scanValue(data []byte, i int, onNumber func([]byte)) (int, error) {
	var open []byte // '{' or '[' of every object and array not yet closed
	for {
		// A value.
		i = skipSpace(data, i)
		if i >= len(data) {
			return i, badByte(data, i, "looking for beginning of value")
		}
		var err error
		switch c := data[i]; {
		case c == '{' || c == '[':
			if len(open) >= maxDepth {
				return i, &SyntaxError{Offset: i, msg: "exceeded max depth"}
			}
			open = append(open, c)
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == c+2 { // '}' or ']'
				open = open[:len(open)-1]
				i++
				break
			}
			if c == '{' {
				if i, err = scanKey(data, i); err != nil {
					return i, err
				}
			}
			continue
		case c == '"':
			i, err = scanString(data, i)
		case c == '-' || '0' <= c && c <= '9':
			start := i
			i, err = scanNumber(data, i)
			if err == nil && onNumber != nil {
				onNumber(data[start:i])
			}
		case c == 't':
			i, err = scanLiteral(data, i, "true")
		case c == 'f':
			i, err = scanLiteral(data, i, "false")
		case c == 'n':
			i, err = scanLiteral(data, i, "null")
		default:
			return i, badByte(data, i, "looking for beginning of value")
		}
		if err != nil {
			return i, err
		}
		// After a value: close containers until one continues with ','.
		for {
			if len(open) == 0 {
				return i, nil
			}
			i = skipSpace(data, i)
			top := open[len(open)-1]
			if i < len(data) && data[i] == top+2 {
				open = open[:len(open)-1]
				i++
				continue
			}
			if i >= len(data) || data[i] != ',' {
				if top == '{' {
					return i, badByte(data, i, "after object key:value pair")
				}
				return i, badByte(data, i, "after array element")
			}
			i++
			if top == '{' {
				if i, err = scanKey(data, skipSpace(data, i)); err != nil {
					return i, err
				}
			}
			break
		}
	}
}

// scanKey checks an object member's name and the colon after it, from
// data[i], and returns the offset past the colon.
func scanKey(data []byte, i int) (int, error) {
	if i >= len(data) || data[i] != '"' {
		return i, badByte(data, i, "looking for beginning of object key string")
	}
	i, err := scanString(data, i)
	if err != nil {
		return i, err
	}
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != ':' {
		return i, badByte(data, i, "after object key")
	}
	return i + 1, nil
}

// scanString checks the string literal at data[i] (a '"') and returns the
// offset past its closing quote.
func scanString(data []byte, i int) (int, error) {
	for i++; i < len(data); {
		switch c := data[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			i++
			if i >= len(data) {
				return i, badByte(data, i, "in string escape code")
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for k := 0; k < 4; k, i = k+1, i+1 {
					if i >= len(data) || unhex(data[i]) < 0 {
						return i, badByte(data, i, "in \\u hexadecimal character escape")
					}
				}
			default:
				return i, badByte(data, i, "in string escape code")
			}
		case c < 0x20:
			return i, badByte(data, i, "in string literal")
		default:
			i++
		}
	}
	return i, badByte(data, i, "in string literal")
}

// scanNumber checks the number literal at data[i] and returns the offset
// past it. The literal ends where the grammar does: "01" is the number 0
// followed by something else.
func scanNumber(data []byte, i int) (int, error) {
	digits := func(i int) (int, error) {
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return i, badByte(data, i, "in numeric literal")
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		return i, nil
	}
	if i < len(data) && data[i] == '-' {
		i++
	}
	var err error
	if i < len(data) && data[i] == '0' {
		i++
	} else if i, err = digits(i); err != nil {
		return i, err
	}
	if i < len(data) && data[i] == '.' {
		if i, err = digits(i + 1); err != nil {
			return i, err
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i, err = digits(i); err != nil {
			return i, err
		}
	}
	return i, nil
}

func scanLiteral(data []byte, i int, lit string) (int, error) {
	for k := 0; k < len(lit); k, i = k+1, i+1 {
		if i >= len(data) || data[i] != lit[k] {
			return i, badByte(data, i, "in literal "+lit)
		}
	}
	return i, nil
}

// unhex is the value of hexadecimal digit c, or -1.
func unhex(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}
