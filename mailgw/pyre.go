package mailgw

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Roundup's [mailgw] expressions are Python regular expressions matched
// against str, where \w, \s and \d are Unicode classes; Go's RE2 classes
// are ASCII. pyClasses spell Python's classes out for RE2 so that, for
// instance, "Réf:" is not taken for a reply prefix ("é" is a word
// character in Python, not in Go's \W).
const (
	// pySpaceClass is what Python's \s and str.isspace() accept.
	pySpaceClass = `\t\n\v\f\r\x1c-\x1f\x{85}\p{Z}`
	// pyWordClass is Python's \w: letters, numbers and the underscore.
	pyWordClass = `\p{L}\p{N}_`
)

// pyIsSpace reports whether Python's str.isspace() holds for r.
func pyIsSpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

// pyStrip is Python's str.strip() without arguments.
func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// compilePy compiles a Python regular expression for RE2: \w \W \s \S \d
// \D get Python's Unicode meaning, \Z becomes \z, and with verbose
// (Python's re.VERBOSE) unescaped whitespace and #-comments outside
// character classes are dropped. flags is a Go flag group such as "i"
// ("" for none). Constructs RE2 lacks (look-around, backreferences) make
// it fail with the compile error.
func compilePy(pattern, flags string, verbose bool) (*regexp.Regexp, error) {
	tr := translatePy(pattern, verbose)
	if flags != "" {
		tr = "(?" + flags + ")" + tr
	}
	re, err := regexp.Compile(tr)
	if err != nil {
		return nil, fmt.Errorf("regular expression %q: %w", pattern, err)
	}
	return re, nil
}

func translatePy(p string, verbose bool) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			e := p[i]
			switch {
			case e == 'w' && !inClass:
				b.WriteString("[" + pyWordClass + "]")
			case e == 'w':
				b.WriteString(pyWordClass)
			case e == 'W' && !inClass:
				b.WriteString("[^" + pyWordClass + "]")
			case e == 's' && !inClass:
				b.WriteString("[" + pySpaceClass + "]")
			case e == 's':
				b.WriteString(pySpaceClass)
			case e == 'S' && !inClass:
				b.WriteString("[^" + pySpaceClass + "]")
			case e == 'd':
				b.WriteString(`\p{Nd}`)
			case e == 'D' && !inClass:
				b.WriteString(`\P{Nd}`)
			case e == 'Z':
				b.WriteString(`\z`)
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			inClass = true
			b.WriteByte(c)
			// A ']' right after '[' or '[^' is a literal in both syntaxes.
			if i+1 < len(p) && p[i+1] == '^' {
				i++
				b.WriteByte('^')
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++
				b.WriteString(`\]`)
			}
		case verbose && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'):
			// dropped
		case verbose && c == '#':
			for i < len(p) && p[i] != '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
