package schemafile

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repr writes v as Roundup's export writes a field (repr_export in
// roundup/anypy/strings.py), the inverse of ParseLiteral:
//
//   - a string is the Python 2 style repr of its UTF-8 bytes: quoted with
//     ' unless it holds ' and no ", \\ \' \t \n \r escaped, other bytes
//     below 0x20 or from 0x7f up as \xNN ('\xc3\x9cn' for "Ün");
//   - a dict (map[string]any, map[string]string, *Dict or Dict) has its
//     keys sorted and its keys and values written by the same rules;
//   - anything else is Python 3's repr(): nil None, bool True/False, ints,
//     floats as Python prints them (1.0, 0.1, 1e-05, 1e+16, inf), []any
//     and []string as lists, Tuple as a tuple (`(1,)` for one element);
//     strings inside them are Python 3 str reprs (printable non-ASCII
//     characters as themselves).
//
// Values of other types are written with fmt's %v.
func Repr(v any) string {
	var buf [64]byte
	return string(appendExport(buf[:0], v))
}

func appendExport(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return appendBytesRepr(b, x)
	case []byte:
		return appendBytesRepr(b, string(x))
	case map[string]any:
		return appendSortedDict(b, sortedKeys(x), func(k string) any { return x[k] }, true)
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return appendSortedDict(b, keys, func(k string) any { return x[k] }, true)
	case *Dict:
		keys := append([]string(nil), x.Keys...)
		sort.Strings(keys)
		return appendSortedDict(b, keys, func(k string) any { return x.Values[k] }, true)
	case Dict:
		return appendExport(b, &x)
	}
	return appendPy(b, v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func appendSortedDict(b []byte, keys []string, get func(string) any, export bool) []byte {
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		if export {
			b = appendBytesRepr(b, k)
			b = append(b, ": "...)
			b = appendExport(b, get(k))
		} else {
			b = appendStrRepr(b, k)
			b = append(b, ": "...)
			b = appendPy(b, get(k))
		}
	}
	return append(b, '}')
}

// appendPy writes Python 3's repr() of v.
func appendPy(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "None"...)
	case bool:
		if x {
			return append(b, "True"...)
		}
		return append(b, "False"...)
	case string:
		return appendStrRepr(b, x)
	case []byte:
		return appendStrRepr(b, string(x))
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case uint:
		return strconv.AppendUint(b, uint64(x), 10)
	case float64:
		return appendFloat(b, x)
	case float32:
		return appendFloat(b, float64(x))
	case Tuple:
		b = append(b, '(')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPy(b, e)
		}
		if len(x) == 1 {
			b = append(b, ',')
		}
		return append(b, ')')
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPy(b, e)
		}
		return append(b, ']')
	case []string:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendStrRepr(b, e)
		}
		return append(b, ']')
	case map[string]any:
		return appendSortedDict(b, sortedKeys(x), func(k string) any { return x[k] }, false)
	case *Dict:
		return appendSortedDict(b, x.Keys, func(k string) any { return x.Values[k] }, false)
	case Dict:
		return appendPy(b, &x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, rv.Uint(), 10)
	case reflect.String:
		return appendStrRepr(b, rv.String())
	}
	return fmt.Appendf(b, "%v", v)
}

// appendFloat writes Python's repr of a float: the shortest digits that
// read back the same, in positional notation when the decimal exponent is
// in [-4, 16), else as d.ddde±XX; integral values keep ".0".
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // -d.ddde±XX
	if e[0] == '-' {
		b = append(b, '-')
		e = e[1:]
	}
	ei := bytes.IndexByte(e, 'e')
	mant, exp := e[:ei], e[ei+1:]
	x := 0
	for _, c := range exp[1:] {
		x = x*10 + int(c-'0')
	}
	if exp[0] == '-' {
		x = -x
	}
	var dbuf [32]byte
	digits := dbuf[:0]
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	decpt := x + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			b = append(b, "0."...)
			b = append(b, strings.Repeat("0", -decpt)...)
			return append(b, digits...)
		case decpt >= len(digits):
			b = append(b, digits...)
			b = append(b, strings.Repeat("0", decpt-len(digits))...)
			return append(b, ".0"...)
		default:
			b = append(b, digits[:decpt]...)
			b = append(b, '.')
			return append(b, digits[decpt:]...)
		}
	}
	b = append(b, digits[0])
	if len(digits) > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	if x < 0 {
		b = append(b, '-')
		x = -x
	} else {
		b = append(b, '+')
	}
	if x < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(x), 10)
}

// quoteFor returns the quote Python's repr picks: ' unless s holds a '
// and no ".
func quoteFor(s string) byte {
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		return '"'
	}
	return '\''
}

const hexDigit = "0123456789abcdef"

// appendBytesRepr writes the repr of s's bytes without the b prefix.
func appendBytesRepr(b []byte, s string) []byte {
	q := quoteFor(s)
	b = append(b, q)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q || c == '\\':
			b = append(b, '\\', c)
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20 || c >= 0x7f:
			b = append(b, '\\', 'x', hexDigit[c>>4], hexDigit[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, q)
}

// appendStrRepr writes Python 3's repr of the text s. Bytes that are not
// UTF-8 are written as \xNN.
func appendStrRepr(b []byte, s string) []byte {
	q := quoteFor(s)
	b = append(b, q)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == q || c == '\\':
				b = append(b, '\\', c)
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'x', hexDigit[c>>4], hexDigit[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, '\\', 'x', hexDigit[c>>4], hexDigit[c&15])
		case unicode.IsPrint(r):
			b = append(b, s[i:i+n]...)
		case r < 0x100:
			b = append(b, '\\', 'x', hexDigit[r>>4], hexDigit[r&15])
		case r < 0x10000:
			b = fmt.Appendf(b, "\\u%04x", r)
		default:
			b = fmt.Appendf(b, "\\U%08x", r)
		}
		i += n
	}
	return append(b, q)
}

// reprText is Python 3's repr of a string, for messages.
func reprText(s string) string { return string(appendStrRepr(nil, s)) }
