package schemafile

import (
	"fmt"
)

// Tuple is a Python tuple. ParseLiteralExact returns tuples as Tuple so
// they can be told from lists, and Repr writes a Tuple as `(a, b)` and a
// []any as `[a, b]` — Roundup's export writes dates as 9-tuples and
// multilinks as lists.
type Tuple []any

// Dict is a Python dict with string keys that keeps its insertion order
// (Python 3.7+ dicts do). ParseLiteralExact returns dicts as *Dict.
type Dict struct {
	Keys   []string
	Values map[string]any
}

// Set adds or replaces a key, keeping the first insertion's position.
func (d *Dict) Set(k string, v any) {
	if d.Values == nil {
		d.Values = map[string]any{}
	}
	if _, ok := d.Values[k]; !ok {
		d.Keys = append(d.Keys, k)
	}
	d.Values[k] = v
}

// ParseLiteral parses one Python literal as Roundup's export writes it
// (roundup/anypy/strings.py repr_export, read back by eval_import):
// str, int (a Python 2 `L` suffix is accepted), float, tuple, list,
// dict with string keys, None, True, False, with an optional sign on
// numbers. Tuples and lists both become []any, dicts map[string]any,
// ints int64, floats float64, None nil.
//
// Strings follow eval_import: a top-level string, and the string keys and
// values of a top-level dict, are the repr of UTF-8 bytes, so their \xNN
// and octal escapes are bytes ('\xc3\x9cn' is "Ün"); strings nested in a
// tuple or list are Python 3 str reprs, whose \xNN is the code point
// U+00NN. u-prefixed strings are always code points, as Python 2 wrote unicode.
func ParseLiteral(s string) (any, error) {
	p := litParser{s: s}
	return p.parse()
}

// ParseLiteralExact is ParseLiteral keeping Python's distinctions: tuples
// come back as Tuple and dicts as *Dict (insertion order kept), so that
// Repr(ParseLiteralExact(s)) == s for anything Repr writes.
func ParseLiteralExact(s string) (any, error) {
	p := litParser{s: s, exact: true}
	return p.parse()
}

type litParser struct {
	s     string
	i     int
	exact bool
}

func (p *litParser) parse() (any, error) {
	v, err := p.value(true, true)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.s) {
		return nil, p.errorf("unexpected %q after the value", p.s[p.i:])
	}
	return v, nil
}

func (p *litParser) errorf(format string, args ...any) error {
	return fmt.Errorf("python literal %q: "+format, append([]any{p.s}, args...)...)
}

func (p *litParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r', '\f':
			p.i++
		default:
			return
		}
	}
}

// value parses one value. byteStrs selects the export convention for
// strings (see ParseLiteral); top is true for the outermost value.
func (p *litParser) value(byteStrs, top bool) (any, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end")
	}
	c := p.s[p.i]
	switch {
	case c == '(' || c == '[':
		return p.seq(c)
	case c == '{':
		return p.dict(top)
	case isDigit(c) || c == '.':
		v, next, err := scanNumber(p.s, p.i, true)
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		p.i = next
		return v, nil
	case c == '-' || c == '+':
		p.i++
		p.space()
		if p.i >= len(p.s) || !(isDigit(p.s[p.i]) || p.s[p.i] == '.') {
			return nil, p.errorf("sign without a number")
		}
		v, next, err := scanNumber(p.s, p.i, true)
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		p.i = next
		if c == '-' {
			switch n := v.(type) {
			case int64:
				return -n, nil
			case float64:
				return -n, nil
			}
		}
		return v, nil
	}
	if pre, q, ok := scanPrefix(p.s, p.i); ok {
		var out []byte
		var first string
		n := 0
		for {
			body, next, _, err := scanQuoted(p.s, q)
			if err != nil {
				return nil, p.errorf("%v", err)
			}
			str, err := decodeLiteral(pre, body, byteStrs)
			if err != nil {
				return nil, p.errorf("%v", err)
			}
			if n == 0 {
				first = str
			} else {
				if n == 1 {
					out = append(out, first...)
				}
				out = append(out, str...)
			}
			n++
			p.i = next
			p.space()
			if pre, q, ok = scanPrefix(p.s, p.i); !ok {
				break
			}
		}
		if n == 1 {
			return first, nil
		}
		return string(out), nil
	}
	j := p.i
	for j < len(p.s) && isNameByte(p.s[j]) {
		j++
	}
	switch p.s[p.i:j] {
	case "None":
		p.i = j
		return nil, nil
	case "True":
		p.i = j
		return true, nil
	case "False":
		p.i = j
		return false, nil
	case "":
		return nil, p.errorf("unexpected %q", p.s[p.i:])
	}
	return nil, p.errorf("%s is not a literal", p.s[p.i:j])
}

// seq parses a tuple or list; strings inside are Python 3 str reprs.
func (p *litParser) seq(open byte) (any, error) {
	closeb := byte(')')
	if open == '[' {
		closeb = ']'
	}
	p.i++
	out := []any{}
	comma := false
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == closeb {
			p.i++
			break
		}
		v, err := p.value(false, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.space()
		if p.i >= len(p.s) {
			return nil, p.errorf("'%c' was never closed", open)
		}
		if p.s[p.i] == ',' {
			comma = true
			p.i++
			continue
		}
		if p.s[p.i] != closeb {
			return nil, p.errorf("expected ',' or '%c' at %q", closeb, p.s[p.i:])
		}
	}
	if open == '(' {
		if len(out) == 1 && !comma {
			return out[0], nil // parenthesized value
		}
		if p.exact {
			return Tuple(out), nil
		}
	}
	return out, nil
}

func (p *litParser) dict(top bool) (any, error) {
	p.i++
	var d *Dict
	var m map[string]any
	if p.exact {
		d = &Dict{Values: map[string]any{}}
	} else {
		m = map[string]any{}
	}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			break
		}
		k, err := p.value(top, false)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, p.errorf("dict key %v is not a string", k)
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("expected ':' after dict key %q", key)
		}
		p.i++
		v, err := p.value(top, false)
		if err != nil {
			return nil, err
		}
		if d != nil {
			d.Set(key, v)
		} else {
			m[key] = v
		}
		p.space()
		if p.i >= len(p.s) {
			return nil, p.errorf("'{' was never closed")
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.s[p.i] != '}' {
			return nil, p.errorf("expected ',' or '}' at %q", p.s[p.i:])
		}
	}
	if d != nil {
		return d, nil
	}
	return m, nil
}
