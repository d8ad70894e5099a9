package schemafile

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a problem in a schema.py or initial_data.py file. Its text is
// "FILE:LINE: message" (FILE is the base name), the form Python and
// compilers use, so editors can jump to the line. Line is 0 when the
// problem concerns the whole file (a dangling reference found at the end).
type Error struct {
	File string
	Line int
	Msg  string
}

// Error formats the error as FILE:LINE: MESSAGE.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tNewline
	tName
	tNumber
	tString
	tOp
)

// token is one lexical token. For tString, val is the decoded Go string
// and bytes tells a bytes (b-prefixed) literal; for tNumber val is int64 or float64.
type token struct {
	kind   tokKind
	text   string // name or operator text, raw text of numbers
	val    any
	bytes  bool
	line   int
	indent bool // first token of a logical line that starts indented
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tNewline:
		return "end of line"
	case tString:
		return "string " + reprText(t.val.(string))
	}
	return strconvQuote(t.text)
}

func strconvQuote(s string) string { return "'" + s + "'" }

// Python's operators, longest first so the longest match wins.
var operators = []string{
	"**=", "//=", ">>=", "<<=", "...",
	"->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"==", "!=", "<=", ">=", "<<", ">>", "**", "//",
	"+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">",
	"(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
}

// lex splits a Python source file into tokens: names, numbers, strings
// (decoded), operators and logical-line ends. Comments and blank lines
// vanish; newlines inside brackets and after a backslash join lines, as
// in Python's tokenizer.
func lex(file, src string) ([]token, error) {
	src = strings.TrimPrefix(src, "\ufeff")
	if strings.IndexByte(src, '\r') >= 0 {
		src = strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n")
	}
	var (
		toks      []token
		line      = 1
		lineStart = true // at the start of a logical line
		indented  bool
		brackets  []token // open brackets, for depth and error lines
	)
	errf := func(l int, format string, args ...any) error {
		return &Error{File: file, Line: l, Msg: fmt.Sprintf(format, args...)}
	}
	add := func(t token) {
		t.line = line
		if lineStart {
			t.indent = indented
			lineStart = false
		}
		toks = append(toks, t)
	}
	for i := 0; i < len(src); {
		c := src[i]
		if lineStart && len(brackets) == 0 {
			// measure indentation; skip blank and comment-only lines
			j := i
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\f') {
				j++
			}
			if j < len(src) && src[j] == '#' {
				for j < len(src) && src[j] != '\n' {
					j++
				}
			}
			if j < len(src) && src[j] == '\n' {
				line++
				i = j + 1
				continue
			}
			if j >= len(src) {
				break
			}
			indented = j > i
			i = j
			c = src[i]
		}
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\n':
			if len(brackets) == 0 && !lineStart {
				add(token{kind: tNewline})
				lineStart = true
			}
			line++
			i++
		case c == '\\':
			if i+1 < len(src) && src[i+1] == '\n' {
				line++
				i += 2
				continue
			}
			return nil, errf(line, "unexpected character after line continuation character")
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			v, next, err := scanNumber(src, i, false)
			if err != nil {
				return nil, errf(line, "%v", err)
			}
			add(token{kind: tNumber, text: src[i:next], val: v})
			i = next
		case c == '"' || c == '\'' || isNameByte(c):
			if p, q, ok := scanPrefix(src, i); ok {
				body, next, nl, err := scanQuoted(src, q)
				if err != nil {
					return nil, errf(line, "%v", err)
				}
				s, err := decodeLiteral(p, body, false)
				if err != nil {
					return nil, errf(line, "%v", err)
				}
				add(token{kind: tString, text: src[i:next], val: s, bytes: p.bytes})
				line += nl
				i = next
				continue
			}
			if q := i + 1; q < len(src) && (src[q] == '"' || src[q] == '\'') && strings.IndexByte("fF", c) >= 0 {
				return nil, errf(line, "f-strings are not supported: use a plain string")
			}
			j := i
			for j < len(src) {
				r, n := utf8.DecodeRuneInString(src[j:])
				if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) && j > i {
					j += n
					continue
				}
				break
			}
			if j == i {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, errf(line, "invalid character %q", r)
			}
			add(token{kind: tName, text: src[i:j]})
			i = j
		default:
			op := ""
			for _, o := range operators {
				if strings.HasPrefix(src[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, errf(line, "invalid character %q", r)
			}
			switch op {
			case "(", "[", "{":
				brackets = append(brackets, token{text: op, line: line})
			case ")", "]", "}":
				if len(brackets) == 0 {
					return nil, errf(line, "unmatched '%s'", op)
				}
				open := brackets[len(brackets)-1]
				if closing[open.text] != op {
					return nil, errf(line, "closing parenthesis '%s' does not match opening parenthesis '%s' on line %d", op, open.text, open.line)
				}
				brackets = brackets[:len(brackets)-1]
			}
			add(token{kind: tOp, text: op})
			i += len(op)
		}
	}
	if len(brackets) > 0 {
		b := brackets[len(brackets)-1]
		return nil, errf(b.line, "'%s' was never closed", b.text)
	}
	if !lineStart {
		add(token{kind: tNewline})
	}
	toks = append(toks, token{kind: tEOF, line: line})
	return toks, nil
}

var closing = map[string]string{"(": ")", "[": "]", "{": "}"}
