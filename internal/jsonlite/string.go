package jsonlite

import (
	"unicode/utf16"
	"unicode/utf8"
)

// unquote decodes the string literal data[i:end] (quotes included), which
// scanString has checked, as encoding/json does: escapes resolved, a \u
// surrogate pair combined, a surrogate escape that is not half of a pair
// and each byte of invalid UTF-8 replaced by U+FFFD. The result is a part
// of data when there was nothing to decode.
func unquote(data []byte, i, end int) []byte {
	s := data[i+1 : end-1]
	// Fast path: nothing to unescape or replace.
	k := 0
	for k < len(s) {
		c := s[k]
		if c == '\\' {
			break
		}
		if c < utf8.RuneSelf {
			k++
			continue
		}
		r, size := utf8.DecodeRune(s[k:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		k += size
	}
	if k == len(s) {
		return s
	}
	b := make([]byte, k, len(s)+2*utf8.UTFMax)
	copy(b, s[:k])
	for k < len(s) {
		c := s[k]
		switch {
		case c == '\\':
			k++
			switch s[k] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s[k+1:])
				k += 5
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if k+6 <= len(s) && s[k] == '\\' && s[k+1] == 'u' {
						r2 = hex4(s[k+2:])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						k += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
				continue
			default: // '"', '\\', '/'
				b = append(b, s[k])
			}
			k++
		case c < utf8.RuneSelf:
			b = append(b, c)
			k++
		default:
			r, size := utf8.DecodeRune(s[k:])
			b = utf8.AppendRune(b, r)
			k += size
		}
	}
	return b
}

// hex4 is the value of the four hexadecimal digits at the start of s, or
// -1 if there are not four.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		v := unhex(c)
		if v < 0 {
			return -1
		}
		r = r<<4 | v
	}
	return r
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string literal, escaped as encoding/json
// escapes it: \" \\ \n \r \t \b \f, other control characters as \u00XX,
// U+2028 and U+2029 as \u2028 and \u2029 (JavaScript line terminators),
// and each byte of invalid UTF-8 as \ufffd. With escapeHTML (json.Marshal's
// default) <, > and & become \u003c, \u003e and \u0026 too; without, they
// are kept (an Encoder with SetEscapeHTML(false)).
func AppendString(dst []byte, s string, escapeHTML bool) []byte {
	dst = append(dst, '"')
	start := 0 // s[start:i] is still to be copied
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!escapeHTML || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default: // other controls, and <, >, & when escaping HTML
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
