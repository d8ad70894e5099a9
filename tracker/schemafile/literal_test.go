package schemafile

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseLiteral(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		// Roundup export samples (specs/roundup.md §5.2)
		{`'4'`, "4"},
		{`None`, nil},
		{`True`, true},
		{`False`, false},
		{`['1', '6']`, []any{"1", "6"}},
		{`(2026, 11, 25, 15, 29, 41.458, 0, 0, 0)`, []any{int64(2026), int64(11), int64(25), int64(15), int64(29), 41.458, int64(0), int64(0), int64(0)}},
		{`'\xc3\x9cn\xc3\xafc\xc3\xb6d\xc3\xa9 titles'`, "Ünïcödé titles"},
		{`'\xc3\x9cn\xc3\xafc\xc3\xb6d\xc3\xa9'`, "Ünïcödé"},
		{`{'assignedto': None, 'status': '3'}`, map[string]any{"assignedto": nil, "status": "3"}},
		{`(('+', ['1']),)`, []any{[]any{"+", []any{"1"}}}},
		{`(('-', ['4']),)`, []any{[]any{"-", []any{"4"}}}},
		{`('issue', '1', 'keyword')`, []any{"issue", "1", "keyword"}},
		{`{}`, map[string]any{}},
		{`'{PBKDF2S5}250000$c2FsdA$aGFzaA'`, "{PBKDF2S5}250000$c2FsdA$aGFzaA"},
		// numbers
		{`42`, int64(42)},
		{`-7`, int64(-7)},
		{`+7`, int64(7)},
		{`- 7`, int64(-7)},
		{`5002L`, int64(5002)},
		{`0x1f`, int64(31)},
		{`1_000`, int64(1000)},
		{`-0.5`, -0.5},
		{`1e-05`, 1e-05},
		{`1e+16`, 1e16},
		{`.5`, 0.5},
		{`1.`, 1.0},
		// quoting
		{`"it's"`, "it's"},
		{`'both \' and "'`, `both ' and "`},
		{`'a\\b'`, `a\b`},
		{`'line\nbreak\ttab\r'`, "line\nbreak\ttab\r"},
		{`'\x00\x7f'`, "\x00\x7f"},
		{`''`, ""},
		{`""`, ""},
		{`'\101\0'`, "A\x00"},
		{`'unknown \q escape'`, `unknown \q escape`},
		{`'é'`, "é"},
		{`'a' 'b'`, "ab"},
		{`r'\n'`, `\n`},
		{`b'\xc3\xa9'`, "é"},
		// u'' is text: Python 2 wrote unicode as u'\xe9'
		{`u'caf\xe9'`, "café"},
		{`'\u00e9'`, "é"},
		// in a tuple or list, strings are Python 3 reprs (eval_import
		// converts only top-level strings and dict keys/values)
		{`['\xe9', 'é']`, []any{"é", "é"}},
		{`{'title': '\xc3\xa9'}`, map[string]any{"title": "é"}},
		{`{'a': {'b': '\xc3\xa9'}}`, map[string]any{"a": map[string]any{"b": "Ã©"}}},
		// whitespace and trailing commas
		{" [ 1 ,\n 2 , ] ", []any{int64(1), int64(2)}},
		{`(1,)`, []any{int64(1)}},
		{`()`, []any{}},
		{`(1)`, int64(1)},
		{`{'a': 1,}`, map[string]any{"a": int64(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLiteral(tt.in)
			if err != nil {
				t.Fatalf("ParseLiteral(%s) error %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseLiteral(%s) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseLiteralExact(t *testing.T) {
	got, err := ParseLiteralExact(`{'b': (1, [2]), 'a': ()}`)
	if err != nil {
		t.Fatal(err)
	}
	want := &Dict{Keys: []string{"b", "a"}, Values: map[string]any{"b": Tuple{int64(1), []any{int64(2)}}, "a": Tuple{}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseLiteralExact = %#v, want %#v", got, want)
	}
}

func TestParseLiteralErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "unexpected end"},
		{`'abc`, "unterminated string"},
		{`'''abc`, "unterminated triple-quoted"},
		{`[1, 2`, "never closed"},
		{`{'a' 1}`, "expected ':'"},
		{`{1: 2}`, "not a string"},
		{`foo`, "foo is not a literal"},
		{`inf`, "inf is not a literal"},
		{`1 2`, "after the value"},
		{`'a' x`, "after the value"},
		{`1j`, "complex"},
		{`0777`, "leading zeros"},
		{`99999999999999999999`, "64 bits"},
		{`'\x4'`, `\xXX`},
		{`'\N{BULLET}'`, `\N{...}`},
		{`-`, "sign without a number"},
		{`[1 2]`, "expected ','"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseLiteral(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseLiteral(%s) error = %v, want one containing %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestRepr(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `None`},
		{"true", true, `True`},
		{"false", false, `False`},
		{"int", 3, `3`},
		{"int64", int64(-12), `-12`},
		{"empty", "", `''`},
		{"apostrophe", "it's", `"it's"`},
		{"both quotes", `both ' and "`, `'both \' and "'`},
		{"double quotes", `say "hi"`, `'say "hi"'`},
		{"backslash", `a\b`, `'a\\b'`},
		{"controls", "line\nbreak\ttab\r", `'line\nbreak\ttab\r'`},
		{"nul del", "\x00\x7f", `'\x00\x7f'`},
		{"utf-8 bytes", "Ünïcödé", `'\xc3\x9cn\xc3\xafc\xc3\xb6d\xc3\xa9'`},
		{"nbsp", "\u00a0x\u2028", `'\xc2\xa0x\xe2\x80\xa8'`},
		{"date tuple", Tuple{2026, 11, 25, 15, 29, 41.458, 0, 0, 0}, `(2026, 11, 25, 15, 29, 41.458, 0, 0, 0)`},
		{"whole seconds", Tuple{2026, 1, 2, 3, 4, 5.0, 0, 0, 0}, `(2026, 1, 2, 3, 4, 5.0, 0, 0, 0)`},
		{"one tuple", Tuple{"x"}, `('x',)`},
		{"empty tuple", Tuple{}, `()`},
		{"multilink", []any{"1", "6"}, `['1', '6']`},
		{"string slice", []string{"1", "6"}, `['1', '6']`},
		{"empty list", []any{}, `[]`},
		{"set params", map[string]any{"status": "3", "assignedto": nil}, `{'assignedto': None, 'status': '3'}`},
		{"ordered dict sorted", &Dict{Keys: []string{"b", "a"}, Values: map[string]any{"a": 1, "b": 2}}, `{'a': 1, 'b': 2}`},
		{"string map", map[string]string{"b": "2", "a": "1"}, `{'a': '1', 'b': '2'}`},
		{"dict utf-8", map[string]any{"title": "é"}, `{'title': '\xc3\xa9'}`},
		{"multilink change", Tuple{Tuple{"+", []any{"1"}}}, `(('+', ['1']),)`},
		{"link params", Tuple{"issue", "1", "keyword"}, `('issue', '1', 'keyword')`},
		// Python 3 str repr inside lists: printable text stays
		{"list text", []any{"Ünïcödé", "\u00a0x\u2028", "it's", "\x00"}, `['Ünïcödé', '\xa0x\u2028', "it's", '\x00']`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Repr(tt.in); got != tt.want {
				t.Errorf("Repr(%#v) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// Float reprs checked against CPython 3.11's repr().
func TestReprFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1.0, "1.0"}, {0.1, "0.1"}, {1e-05, "1e-05"}, {1e16, "1e+16"},
		{1e15, "1000000000000000.0"}, {41.458, "41.458"}, {0.0001, "0.0001"},
		{123456789.123, "123456789.123"}, {-0.5, "-0.5"}, {1.5e-300, "1.5e-300"},
		{2.5e+300, "2.5e+300"}, {0.0, "0.0"}, {math.Copysign(0, -1), "-0.0"},
		{1.0 / 3, "0.3333333333333333"}, {100.0, "100.0"}, {1e22, "1e+22"},
		{12345678901234567.0, "1.2345678901234568e+16"}, {5e-324, "5e-324"},
		{0.001, "0.001"}, {9999999999999998.0, "9999999999999998.0"},
		{math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {math.NaN(), "nan"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Repr(tt.in); got != tt.want {
				t.Errorf("Repr(%v) = %s, want %s", tt.in, got, tt.want)
			}
			if math.IsInf(tt.in, 0) || math.IsNaN(tt.in) {
				return
			}
			back, err := ParseLiteral(tt.want)
			if err != nil || back != tt.in {
				t.Errorf("ParseLiteral(%s) = %v, %v, want %v", tt.want, back, err, tt.in)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	values := []any{
		nil, true, false, int64(0), int64(-1), int64(math.MaxInt64), int64(math.MinInt64 + 1),
		0.5, 41.458, -1e-7,
		"", "'", `"`, `'"`, `\`, `\'`, "\n\t\r\x00\x1b\x7f\x80\xff", "Ünïcödé",
		"emoji 😀 and \u2028", "not utf-8 \xc3\x28",
		"multi\nline 'quoted' \"text\" with \\ backslashes",
		Tuple{}, Tuple{"x"}, Tuple{int64(2026), int64(11), int64(25), int64(15), int64(29), 41.458, int64(0), int64(0), int64(0)},
		[]any{}, []any{"1", "6"}, []any{"é", "it's", Tuple{"+", []any{"1"}}},
		Tuple{Tuple{"+", []any{"1"}}, Tuple{"-", []any{"4"}}},
		&Dict{Keys: []string{"assignedto", "status", "title"}, Values: map[string]any{"assignedto": nil, "status": "3", "title": "Ünï 'q'"}},
		&Dict{},
	}
	for _, v := range values {
		r := Repr(v)
		t.Run(r, func(t *testing.T) {
			got, err := ParseLiteralExact(r)
			if err != nil {
				t.Fatalf("ParseLiteralExact(%s) error %v", r, err)
			}
			want := v
			if d, ok := v.(*Dict); ok && d.Values == nil {
				want = &Dict{Values: map[string]any{}}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseLiteralExact(Repr(%#v)) = %#v", v, got)
			}
			if r2 := Repr(got); r2 != r {
				t.Errorf("Repr(ParseLiteralExact(%s)) = %s", r, r2)
			}
		})
	}
}

func FuzzStringRoundTrip(f *testing.F) {
	for _, s := range []string{"", "it's", `'"`, "Ünïcödé", "\x00\xff", `\x41`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Repr(s)
		got, err := ParseLiteral(r)
		if err != nil || got != s {
			t.Fatalf("ParseLiteral(Repr(%q)) = %q, %v (repr %s)", s, got, err, r)
		}
		if !utf8.ValidString(s) {
			return
		}
		r = Repr([]any{s})
		got, err = ParseLiteral(r)
		if err != nil || !reflect.DeepEqual(got, []any{s}) {
			t.Fatalf("ParseLiteral(Repr([%q])) = %#v, %v (repr %s)", s, got, err, r)
		}
	})
}

func BenchmarkParseLiteral(b *testing.B) {
	for _, in := range []string{`'4'`, `(2026, 11, 25, 15, 29, 41.458, 0, 0, 0)`, `'\xc3\x9cn\xc3\xafc\xc3\xb6d\xc3\xa9 titles'`, `{'assignedto': None, 'status': '3'}`} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseLiteral(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRepr(b *testing.B) {
	for _, v := range []any{"4", "Ünïcödé titles", Tuple{2026, 11, 25, 15, 29, 41.458, 0, 0, 0}, map[string]any{"assignedto": nil, "status": "3"}} {
		b.Run(Repr(v), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Repr(v)
			}
		})
	}
}
