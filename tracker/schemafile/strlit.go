package schemafile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds the scanning of Python string and number literals shared
// by the schema.py tokenizer and ParseLiteral.

// strPrefix describes the letters before a string literal's quote.
type strPrefix struct {
	raw, bytes, unicode bool
}

// scanPrefix reports whether a string literal starts at src[i], that is
// zero to two prefix letters (r, b, u, rb, br in any case) and a quote.
// It returns the prefix and the index of the opening quote.
func scanPrefix(src string, i int) (p strPrefix, q int, ok bool) {
	j := i
	for ; j < len(src) && j-i < 3; j++ {
		switch src[j] {
		case 'r', 'R':
			if p.raw {
				return p, 0, false
			}
			p.raw = true
			continue
		case 'b', 'B':
			if p.bytes || p.unicode {
				return p, 0, false
			}
			p.bytes = true
			continue
		case 'u', 'U':
			if j != i || p.bytes {
				return p, 0, false
			}
			p.unicode = true
			continue
		case '\'', '"':
			if p.unicode && p.raw {
				return p, 0, false // ur'' is Python 2 only
			}
			return p, j, true
		}
		return p, 0, false
	}
	return p, 0, false
}

// scanQuoted finds the end of the literal whose opening quote is at
// src[q]. It returns the body between the quotes, the index after the
// closing quote and the number of newlines in the body.
func scanQuoted(src string, q int) (body string, next, lines int, err error) {
	quote := src[q]
	triple := q+2 < len(src) && src[q+1] == quote && src[q+2] == quote
	start := q + 1
	if triple {
		start = q + 3
	}
	for i := start; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\':
			if i+1 < len(src) && src[i+1] == '\n' {
				lines++
			}
			i++
		case c == '\n':
			if !triple {
				return "", 0, 0, errors.New("unterminated string literal")
			}
			lines++
		case c == quote:
			if !triple {
				return src[start:i], i + 1, lines, nil
			}
			if i+2 < len(src) && src[i+1] == quote && src[i+2] == quote {
				return src[start:i], i + 3, lines, nil
			}
		}
	}
	if triple {
		return "", 0, 0, errors.New("unterminated triple-quoted string literal")
	}
	return "", 0, 0, errors.New("unterminated string literal")
}

// decodeEscapes interprets the backslash escapes of a non-raw literal
// body. byteEsc makes \xNN and octal escapes produce single bytes (bytes
// literals, and Roundup's export strings, which are the repr of UTF-8
// bytes); otherwise they are code points as in a Python 3 str. uEsc
// enables \u, \U and \N (str literals, not bytes).
func decodeEscapes(body string, byteEsc, uEsc bool) (string, error) {
	i := strings.IndexByte(body, '\\')
	if i < 0 {
		return body, nil
	}
	b := make([]byte, 0, len(body))
	b = append(b, body[:i]...)
	for ; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		if i+1 >= len(body) {
			b = append(b, '\\')
			break
		}
		i++
		c = body[i]
		switch c {
		case '\n':
			// line continuation inside the literal
		case '\\', '\'', '"':
			b = append(b, c)
		case 'a':
			b = append(b, '\a')
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
		case 'v':
			b = append(b, '\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n, j := 0, i
			for ; j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7'; j++ {
				n = n*8 + int(body[j]-'0')
			}
			i = j - 1
			b = appendCode(b, rune(n), byteEsc)
		case 'x':
			n, err := hexDigits(body, i+1, 2)
			if err != nil {
				return "", fmt.Errorf("truncated \\xXX escape")
			}
			i += 2
			b = appendCode(b, rune(n), byteEsc)
		case 'u', 'U':
			if !uEsc {
				b = append(b, '\\', c)
				continue
			}
			w := 4
			if c == 'U' {
				w = 8
			}
			n, err := hexDigits(body, i+1, w)
			if err != nil || n > utf8.MaxRune {
				return "", fmt.Errorf("truncated or invalid \\%c escape", c)
			}
			i += w
			b = utf8.AppendRune(b, rune(n))
		case 'N':
			if !uEsc {
				b = append(b, '\\', c)
				continue
			}
			return "", errors.New(`\N{...} escapes are not supported: write the character itself or \uXXXX`)
		default:
			b = append(b, '\\', c) // Python keeps unknown escapes
		}
	}
	return string(b), nil
}

func appendCode(b []byte, n rune, byteEsc bool) []byte {
	if byteEsc || n < utf8.RuneSelf {
		return append(b, byte(n))
	}
	return utf8.AppendRune(b, n)
}

func hexDigits(s string, i, n int) (int, error) {
	if i+n > len(s) {
		return 0, errors.New("short")
	}
	v, err := strconv.ParseUint(s[i:i+n], 16, 32)
	if err != nil || strings.ContainsAny(s[i:i+n], "+-_") {
		return 0, errors.New("bad hex")
	}
	return int(v), nil
}

// decodeLiteral turns a scanned literal body into its Go string.
// exportBytes applies Roundup's export convention to plain (unprefixed)
// strings: \xNN escapes are bytes of the UTF-8 text.
func decodeLiteral(p strPrefix, body string, exportBytes bool) (string, error) {
	if p.raw {
		return body, nil
	}
	if p.bytes {
		return decodeEscapes(body, true, false)
	}
	return decodeEscapes(body, exportBytes && !p.unicode, true)
}

// scanNumber reads a Python int or float literal at src[i] (a digit, or
// a '.' followed by a digit). Ints become int64, floats float64. pyLong
// accepts Python 2's L suffix (old Roundup exports wrote `5002L`).
func scanNumber(src string, i int, pyLong bool) (val any, next int, err error) {
	start := i
	isFloat := false
	if i+1 < len(src) && src[i] == '0' && strings.IndexByte("xXoObB", src[i+1]) >= 0 {
		i += 2
		for i < len(src) && (isHex(src[i]) || src[i] == '_') {
			i++
		}
		text := src[start:i]
		n, err := strconv.ParseInt(text, 0, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("invalid integer literal %s", text)
		}
		return finishInt(src, start, i, n, pyLong)
	}
	i = digitsEnd(src, i)
	if i < len(src) && src[i] == '.' {
		isFloat = true
		i = digitsEnd(src, i+1)
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			isFloat = true
			i = digitsEnd(src, j)
		}
	}
	text, clean := src[start:i], src[start:i]
	if strings.IndexByte(text, '_') >= 0 {
		if strings.Contains(text, "__") || strings.HasSuffix(text, "_") || strings.Contains(text, "_.") ||
			strings.Contains(text, "._") || strings.Contains(text, "_e") || strings.Contains(text, "_E") {
			return nil, 0, fmt.Errorf("invalid number literal %s", text)
		}
		clean = strings.ReplaceAll(text, "_", "")
	}
	if i < len(src) && (src[i] == 'j' || src[i] == 'J') {
		return nil, 0, fmt.Errorf("complex number %sj is not supported", text)
	}
	if isFloat {
		f, err := strconv.ParseFloat(clean, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("invalid float literal %s", text)
		}
		if i < len(src) && isNameByte(src[i]) {
			return nil, 0, fmt.Errorf("invalid float literal %s%c", text, src[i])
		}
		return f, i, nil
	}
	if len(clean) > 1 && clean[0] == '0' && strings.Trim(clean, "0") != "" {
		return nil, 0, fmt.Errorf("leading zeros in decimal integer literals are not permitted: %s", text)
	}
	n, err := strconv.ParseInt(clean, 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("integer literal %s does not fit in 64 bits", text)
	}
	return finishInt(src, start, i, n, pyLong)
}

func finishInt(src string, start, i int, n int64, pyLong bool) (any, int, error) {
	if pyLong && i < len(src) && (src[i] == 'L' || src[i] == 'l') {
		i++
	}
	if i < len(src) && isNameByte(src[i]) {
		return nil, 0, fmt.Errorf("invalid number literal %s", src[start:i+1])
	}
	return n, i, nil
}

func digitsEnd(src string, i int) int {
	for i < len(src) && (isDigit(src[i]) || src[i] == '_') {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isNameByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c >= utf8.RuneSelf
}
