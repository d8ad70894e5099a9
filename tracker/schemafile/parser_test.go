package schemafile

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// evalSrc parses and runs src with no built-ins and returns the names it
// assigned.
func evalSrc(src string) (map[string]any, error) {
	in := newInterp("test.py")
	stmts, err := parse(in.file, src)
	if err != nil {
		return nil, err
	}
	if err := in.run(stmts); err != nil {
		return nil, err
	}
	return in.names, nil
}

func TestSyntax(t *testing.T) {
	tests := []struct {
		name, src string
		want      any // value of x
	}{
		{"adjacent strings", `x = 'a' "b" '''c''' """d"""`, "abcd"},
		{"adjacent across lines", "x = ('a'\n     'b')", "ab"},
		{"classic i18n mark", `x = ''"critical"`, "critical"},
		{"raw", `x = r'\n\'' + R"\d"`, `\n\'\d`},
		{"escapes", `x = '\x41\u00e9\U0001F600\101\n\t\\\'\"\a\0'`, "Aé😀A\n\t\\'\"\a\x00"},
		{"str \\x is a code point", `x = '\xe9'`, "é"},
		{"bytes \\x is a byte", `x = b'\xc3\xa9'`, "é"},
		{"bytes keeps \\u", `x = b'\u00e9'`, `\u00e9`},
		{"unicode prefix", `x = u'caf\xe9'`, "café"},
		{"prefix case", `x = Rb'\x' + BR'\y'`, `\x\y`},
		{"unknown escape kept", `x = '\d'`, `\d`},
		{"continuation in string", "x = 'a\\\nb'", "ab"},
		{"triple with quotes", "x = '''it's \"q\"\nline'''", "it's \"q\"\nline"},
		{"non-ascii source", `x = 'Ünïcödé'`, "Ünïcödé"},
		{"int underscores hex", `x = 1_000 + 0x1F + 0o7 + 0b11`, int64(1041)},
		{"floats", `x = 1.5e3 + .5 + 1.`, 1501.5},
		{"negative", `x = -3`, int64(-3)},
		{"double negative", `x = - -3`, int64(3)},
		{"tuple trailing comma", `x = (1, 2,)`, Tuple{int64(1), int64(2)}},
		{"one tuple", `x = (1,)`, Tuple{int64(1)}},
		{"empty tuple", `x = ()`, Tuple{}},
		{"parentheses", `x = ((1))`, int64(1)},
		{"bare tuple", `x = 'a', 'b'`, Tuple{"a", "b"}},
		{"bare tuple trailing comma", `x = 'a',`, Tuple{"a"}},
		{"nested list", `x = [1, [2, 3],]`, []any{int64(1), []any{int64(2), int64(3)}}},
		{"empty list", `x = []`, []any{}},
		{"dict", `x = {'a': 1, 'b': (2,),}`, &Dict{Keys: []string{"a", "b"}, Values: map[string]any{"a": int64(1), "b": Tuple{int64(2)}}}},
		{"empty dict", `x = {}`, &Dict{Values: map[string]any{}}},
		{"tuple concat", `x = ('a', 'b') + ('c',)`, Tuple{"a", "b", "c"}},
		{"list concat", `x = ['a'] + ['b']`, []any{"a", "b"}},
		{"names", "a = ('x',)\nb = a + ('y',)\nx = b", Tuple{"x", "y"}},
		{"chained", `x = y = 'same'`, "same"},
		{"constants", `x = (True, False, None)`, Tuple{true, false, nil}},
		{"brackets join lines", "x = (  # comment\n    'a',  # more\n\n    'b')", Tuple{"a", "b"}},
		{"backslash joins lines", "x = 'a' + \\\n    'b'", "ab"},
		{"semicolons", "a = 1; x = 2;", int64(2)},
		{"crlf", "a = 1\r\nx = (1,\r\n 2)\r\n", Tuple{int64(1), int64(2)}},
		{"bom", "\ufeffx = 1", int64(1)},
		{"no final newline", "x = 1", int64(1)},
		{"comments and blank lines", "# c\n\n   # indented comment\n\t\nx = 1  # trailing\n# end", int64(1)},
		{"docstring and pass", "'''Doc\nstring.'''\npass\nx = 1", int64(1)},
		{"roundup imports ignored", "from roundup import date, password\nfrom roundup.password import Password\nfrom roundup.anypy import (a,\n   b as c)\nx = 1", int64(1)},
		{"reassign", "x = 1\nx = 2", int64(2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names, err := evalSrc(tt.src)
			if err != nil {
				t.Fatalf("eval(%q) error %v", tt.src, err)
			}
			if got := names["x"]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("eval(%q): x = %#v, want %#v", tt.src, got, tt.want)
			}
		})
	}
}

// TestRefusals checks every refused construct: the first error, its line
// and its hint.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // full "file:line: ..." prefix or substring
	}{
		{"def", "x = 1\n\ndef own(db, userid, itemid):\n    return True\n",
			`test.py:3: def is not supported: Python functions are not run: use a named check, check="creator" — see docs/schema-files.md`},
		{"for", "x = 1\nfor r in 'User', 'Developer':\n    pass\n", "test.py:2: for is not supported: loops are not run: write the lines out"},
		{"while", "while True:\n  pass", "test.py:1: while is not supported: loops are not run"},
		{"if", "\n\nif x:\n  y = 1", "test.py:3: if is not supported: conditions are not run"},
		{"elif", "elif x: pass", "test.py:1: elif is not supported"},
		{"class", "class Foo:\n  pass", "test.py:1: class is not supported: declare classes with Class(db, NAME"},
		{"lambda", "x = (1,\n  lambda db: True)", "test.py:2: lambda is not supported: Python functions are not run"},
		{"import", "import os", "test.py:1: import is not supported: only `from roundup... import ...` lines are accepted"},
		{"from other", "from os import path", "test.py:1: import from os is not supported"},
		{"relative import", "from . import x", "test.py:1: import is not supported"},
		{"global", "global x", "test.py:1: global is not supported"},
		{"nonlocal", "nonlocal x", "test.py:1: nonlocal is not supported"},
		{"try", "try:\n  x = 1", "test.py:1: try statements are not supported"},
		{"with", "with x: pass", "test.py:1: with statements are not supported"},
		{"return", "return 1", "test.py:1: return statements are not supported"},
		{"del", "x = 1\ndel x", "test.py:2: del statements are not supported"},
		{"attribute assignment", "x = 1\nuser.label = 'x'", "test.py:2: attribute assignment is not supported"},
		{"tuple assignment", "a, b = 1, 2", "test.py:1: tuple assignment is not supported"},
		{"augmented", "x = 1\nx += 1", "test.py:2: augmented assignment += is not supported: write NAME = NAME + ..."},
		{"annotation", "x: int = 1", "test.py:1: annotations are not supported"},
		{"unknown function", "x = 1\nfoo(1)", "test.py:2: unknown function foo"},
		{"unknown method", "x = 'a'\nx.join(1)", "test.py:2: unknown function x.join"},
		{"unknown name", "x = (1,\n  y)", "test.py:2: name y is not defined"},
		{"subscript", "x = (1,)\ny = x[0]", "test.py:2: subscripts are not supported"},
		{"star args", "f(*a)", "test.py:1: *arguments are not supported"},
		{"double star args", "f(**a)", "test.py:1: **arguments are not supported"},
		{"conditional expression", "x = 1 if y else 2", "test.py:1: if inside an expression is not supported"},
		{"and", "x = a and b", "test.py:1: operator and is not supported"},
		{"not", "x = not a", "test.py:1: operator not is not supported"},
		{"minus", "x = 2 - 1", "test.py:1: operator - is not supported: only + between strings, tuples or lists"},
		{"times", "x = 'a' * 3", "test.py:1: operator * is not supported"},
		{"percent", "x = 'a%s' % 'b'", "test.py:1: operator % is not supported"},
		{"comparison", "x = 1 == 2", "test.py:1: operator == is not supported"},
		{"comprehension", "x = [c for c in y]", "test.py:1: comprehensions are not supported"},
		{"set", "x = {'a', 'b'}", "test.py:1: set literals are not supported"},
		{"f-string", "x = f'{y}'", "test.py:1: f-strings are not supported"},
		{"unexpected indent", "x = 1\n  y = 2", "test.py:2: unexpected indent"},
		{"unterminated string", "x = 1\ny = 'abc\n", "test.py:2: unterminated string literal"},
		{"unterminated triple", "x = '''abc\n\n", "test.py:1: unterminated triple-quoted string literal"},
		{"never closed", "x = 1\ny = f(1,\n  2\n", "test.py:2: '(' was never closed"},
		{"unmatched", "x = 1)", "test.py:1: unmatched ')'"},
		{"mismatched", "x = (1]", "test.py:1: closing parenthesis ']' does not match opening parenthesis '(' on line 1"},
		{"python 2 long", "x = 1L", "test.py:1: invalid number literal 1L"},
		{"leading zero", "x = 0777", "test.py:1: leading zeros"},
		{"complex", "x = 1j", "test.py:1: complex number"},
		{"bad continuation", "x = 1 \\ 2", "test.py:1: unexpected character after line continuation"},
		{"bad character", "x = $", "test.py:1: invalid character '$'"},
		{"two expressions", "x = 1 2", "test.py:1: invalid syntax: unexpected '2'"},
		{"keyword repeated", "f(a=1,\n  a=2)", "test.py:2: keyword argument repeated: a"},
		{"positional after keyword", "f(a=1, 2)", "test.py:1: positional argument follows keyword argument"},
		{"add mismatched", "x = 'a' + 1", "test.py:1: cannot add str and int"},
		{"add tuple list", "x = ('a',) + ['b']", "test.py:1: cannot add tuple and list"},
		{"mixed bytes", "x = b'a' 'b'", "test.py:1: cannot mix bytes and nonbytes literals"},
		{"print statement", "print 'x'", "test.py:1: invalid syntax: unexpected string 'x'"},
		{"first error wins", "x = y\ndef f(): pass", "test.py:2: def is not supported"},
		{"line after triple string", "x = '''a\nb\nc'''\ny = z", "test.py:4: name z is not defined"},
		{"line after continuation", "x = 'a' + \\\n 'b'\ny = z", "test.py:3: name z is not defined"},
		{"assign keyword", "None = 1", "test.py:1: cannot assign to None"},
		{"call result not callable", "x = 1\ny = x()", "test.py:2: x is not callable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := evalSrc(tt.src)
			if err == nil {
				t.Fatalf("eval(%q) = nil error, want %q", tt.src, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "test.py:") {
				t.Errorf("eval(%q) error = %q, want %q", tt.src, err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "test.py" || e.Line == 0 {
				t.Errorf("eval(%q) error %#v is not a positioned *Error", tt.src, err)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "schema.py", Line: 12, Msg: "def is not supported"}, "schema.py:12: def is not supported"},
		{Error{File: "schema.py", Msg: "security: bad"}, "schema.py: security: bad"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
