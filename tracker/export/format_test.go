package export

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
)

// TestFieldRepr checks each value kind as export_list + repr_export
// write it, and that the field reads back to the same value.
func TestFieldRepr(t *testing.T) {
	date := time.Date(2026, 11, 25, 15, 29, 41, 458e6, time.UTC)
	tests := []struct {
		kind  tracker.Kind
		value any
		want  string
	}{
		{tracker.String, "plain", `'plain'`},
		{tracker.String, "Café Ünïcödé", `'Caf\xc3\xa9 \xc3\x9cn\xc3\xafc\xc3\xb6d\xc3\xa9'`},
		{tracker.String, "it's", `"it's"`},
		{tracker.String, `a "b" 'c'`, `'a "b" \'c\''`},
		{tracker.String, "tab\there\nline\r\\", `'tab\there\nline\r\\'`},
		{tracker.String, "\x00\x7f", `'\x00\x7f'`},
		{tracker.String, nil, `None`},
		{tracker.Link, "4", `'4'`},
		{tracker.Link, nil, `None`},
		{tracker.Multilink, []string{"1", "6", "12"}, `['1', '6', '12']`},
		{tracker.Multilink, nil, `[]`},
		{tracker.Date, date, `(2026, 11, 25, 15, 29, 41.458, 0, 0, 0)`},
		{tracker.Date, time.Date(2009, 2, 13, 23, 31, 30, 0, time.UTC), `(2009, 2, 13, 23, 31, 30.0, 0, 0, 0)`},
		{tracker.Date, time.Date(2000, 1, 1, 0, 0, 0, 1e8, time.UTC), `(2000, 1, 1, 0, 0, 0.1, 0, 0, 0)`},
		{tracker.Date, time.Date(2000, 1, 1, 0, 0, 59, 999e6, time.UTC), `(2000, 1, 1, 0, 0, 59.999, 0, 0, 0)`},
		{tracker.IntervalKind, tracker.Interval{Sign: -1, Day: 9, Hour: 3}, `(-1, 0, 0, 9, 3, 0, 0)`},
		{tracker.IntervalKind, tracker.Interval{Sign: 1, Year: 1, Month: 2, Second: 5}, `(1, 1, 2, 0, 0, 0, 5)`},
		{tracker.IntervalKind, tracker.Interval{Sign: 1}, `(1, 0, 0, 0, 0, 0, 0)`},
		{tracker.PasswordKind, tracker.Password("{PBKDF2S5}1000$c2FsdA$aGFzaA"), `'{PBKDF2S5}1000$c2FsdA$aGFzaA'`},
		{tracker.Number, 1.0, `1.0`},
		{tracker.Number, 0.1, `0.1`},
		{tracker.Number, -2.5, `-2.5`},
		{tracker.Number, 1e16, `1e+16`},
		{tracker.Number, 1e-05, `1e-05`},
		{tracker.Integer, int64(42), `42`},
		{tracker.Integer, int64(-7), `-7`},
		{tracker.Boolean, true, `1`},
		{tracker.Boolean, false, `0`},
	}
	for _, tc := range tests {
		p := &tracker.Property{Name: "p", Kind: tc.kind}
		t.Run(tc.kind.String()+"/"+tc.want, func(t *testing.T) {
			got := schemafile.Repr(pyValue(p, tc.value))
			if got != tc.want {
				t.Errorf("repr_export(%s %#v) = %s, want %s", tc.kind, tc.value, got, tc.want)
			}
			lit, err := parseField(got)
			if err != nil {
				t.Fatalf("parseField(%s) = %v", got, err)
			}
			back, err := goValue(p, lit)
			if err != nil {
				t.Fatalf("goValue(%s) = %v", got, err)
			}
			want := tc.value
			if tc.kind == tracker.Multilink && want == nil {
				want = []string{}
			}
			if !tracker.Equal(back, want) {
				t.Errorf("goValue(%s) = %#v, want %#v", got, back, want)
			}
		})
	}
}

// TestGoValueAccepts covers what import_list accepts besides what the
// exporter writes: Python 2 longs, True/False Booleans, ints for
// Numbers, date and interval spec strings, the old 6-tuple interval.
func TestGoValueAccepts(t *testing.T) {
	tests := []struct {
		kind  tracker.Kind
		field string
		want  any
	}{
		{tracker.Link, `5002L`, "5002"},
		{tracker.Multilink, `[1L, '2']`, []string{"1", "2"}},
		{tracker.Boolean, `True`, true},
		{tracker.Boolean, `False`, false},
		{tracker.Number, `3`, 3.0},
		{tracker.Integer, `3.0`, int64(3)},
		{tracker.Date, `(2026, 11, 25, 15, 29, 41, 0, 0, 0)`, time.Date(2026, 11, 25, 15, 29, 41, 0, time.UTC)},
		{tracker.Date, `(2026, 11, 25, 15, 29, 59.9999, 0, 0, 0)`, time.Date(2026, 11, 25, 15, 29, 59, 999e6, time.UTC)},
		{tracker.Date, `'2026-11-25.15:29:41'`, time.Date(2026, 11, 25, 15, 29, 41, 0, time.UTC)},
		{tracker.IntervalKind, `(0, 0, 3, 4, 0, 0)`, tracker.Interval{Sign: 1, Day: 3, Hour: 4}},
		{tracker.IntervalKind, `'- 1w 2d'`, tracker.Interval{Sign: -1, Day: 9}},
		{tracker.String, `u'\xdcn'`, "Ün"},
		{tracker.String, `'\xc3\x9cn'`, "Ün"},
	}
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			p := &tracker.Property{Name: "p", Kind: tc.kind}
			lit, err := parseField(tc.field)
			if err != nil {
				t.Fatalf("parseField(%s) = %v", tc.field, err)
			}
			got, err := goValue(p, lit)
			if err != nil || !tracker.Equal(got, tc.want) {
				t.Errorf("goValue(%s %s) = %#v, %v; want %#v", tc.kind, tc.field, got, err, tc.want)
			}
		})
	}
}

// TestCSVWriter checks Python csv QUOTE_MINIMAL with the ':' dialect.
func TestCSVWriter(t *testing.T) {
	tests := []struct {
		fields []string
		want   string
	}{
		{[]string{"'a'", "None", "[]"}, "'a':None:[]\n"},
		{[]string{"'a:b'"}, `"'a:b'"` + "\n"},
		{[]string{`'say "hi"'`, "1"}, `"'say ""hi""'":1` + "\n"},
		{[]string{`"it's"`}, `"""it's"""` + "\n"},
		{[]string{" leading space"}, " leading space\n"},
		{[]string{"a\nb", "c\rd"}, "\"a\nb\":\"c\rd\"\n"},
		{[]string{""}, `""` + "\n"},
		{[]string{"", "x"}, ":x\n"},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		w := newCSVWriter(&buf)
		w.write(tc.fields)
		if err := w.flush(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tc.want {
			t.Errorf("write(%q) = %q, want %q", tc.fields, buf.String(), tc.want)
		}
		r := newCSVReader("t.csv", buf.Bytes())
		rec, err := r.next()
		if tc.fields[0] == "" && len(tc.fields) == 1 {
			continue // a lone empty field reads back as [""] in Python, as an empty line here
		}
		if err != nil || !reflect.DeepEqual(rec, tc.fields) {
			t.Errorf("read(%q) = %q, %v; want %q", tc.want, rec, err, tc.fields)
		}
	}
}

var journalSchema = func() *tracker.Class {
	s := tracker.NewSchema()
	c, err := s.AddClass("thing", tracker.PlainClass, []*tracker.Property{
		{Name: "name", Kind: tracker.String},
		{Name: "when", Kind: tracker.Date},
		{Name: "span", Kind: tracker.IntervalKind},
		{Name: "secret", Kind: tracker.PasswordKind},
		{Name: "flag", Kind: tracker.Boolean},
		{Name: "n", Kind: tracker.Integer},
		{Name: "x", Kind: tracker.Number},
		{Name: "owner", Kind: tracker.Link, Class: "thing"},
		{Name: "tags", Kind: tracker.Multilink, Class: "thing"},
	})
	if err != nil {
		panic(err)
	}
	return c
}()

// TestJournalRows checks export_journals' row for each action, and
// parseJournalRow reading it back.
func TestJournalRows(t *testing.T) {
	date := time.Date(2026, 11, 25, 15, 29, 41, 458e6, time.UTC)
	const d = "(2026, 11, 25, 15, 29, 41.458, 0, 0, 0)"
	e := func(action string, p tracker.JournalParams) tracker.JournalEntry {
		return tracker.JournalEntry{Class: "thing", ItemID: "7", Date: date, User: "3", Action: action, Params: p}
	}
	tests := []struct {
		name  string
		entry tracker.JournalEntry
		want  string
	}{
		{"create", e("create", tracker.JournalParams{}), `'7':` + d + `:'3':'create':{}`},
		{"retired", e("retired", tracker.JournalParams{}), `'7':` + d + `:'3':'retired':None`},
		{"restored", e("restored", tracker.JournalParams{}), `'7':` + d + `:'3':'restored':None`},
		{"link", e("link", tracker.JournalParams{LinkClass: "issue", LinkID: "1", LinkProp: "keyword"}),
			`'7':` + d + `:'3':'link':('issue', '1', 'keyword')`},
		{"unlink", e("unlink", tracker.JournalParams{LinkClass: "issue", LinkID: "12", LinkProp: "nosy"}),
			`'7':` + d + `:'3':'unlink':('issue', '12', 'nosy')`},
		{"set", e("set", tracker.JournalParams{
			Old: tracker.Values{"name": "Ünï's", "when": date, "span": tracker.Interval{Sign: -1, Hour: 2}, "secret": "{PBKDF2S5}*encrypted*",
				"flag": true, "n": int64(5), "x": 0.5, "owner": nil},
			Added:   map[string][]string{"tags": {"1", "2"}},
			Removed: map[string][]string{"tags": {"4"}},
		}), `'7':` + d + `:'3':'set':"{'flag': 1, 'n': 5, 'name': ""\xc3\x9cn\xc3\xaf's"", 'owner': None, 'secret': '{PBKDF2S5}*encrypted*', ` +
			`'span': (-1, 0, 0, 0, 2, 0, 0), 'tags': (('+', ['1', '2']), ('-', ['4'])), 'when': ` + d + `, 'x': 0.5}"`},
		{"set removed only", e("set", tracker.JournalParams{Removed: map[string][]string{"tags": {"4"}}}),
			`'7':` + d + `:'3':'set':"{'tags': (('-', ['4']),)}"`},
		{"no user", tracker.JournalEntry{Class: "thing", ItemID: "7", Date: date, Action: "create"}, `'7':` + d + `:None:'create':{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := newCSVWriter(&buf)
			w.write(journalRow(journalSchema, &tc.entry, nil))
			w.flush()
			if got := strings.TrimSuffix(buf.String(), "\n"); got != tc.want {
				t.Errorf("journal row =\n%s\nwant\n%s", got, tc.want)
			}
			rec, err := newCSVReader("j.csv", buf.Bytes()).next()
			if err != nil {
				t.Fatal(err)
			}
			back, err := parseJournalRow(journalSchema, rec)
			if err != nil {
				t.Fatalf("parseJournalRow = %v", err)
			}
			if g, w := journalStrings([]tracker.JournalEntry{back}), journalStrings([]tracker.JournalEntry{tc.entry}); !reflect.DeepEqual(g, w) {
				t.Errorf("parseJournalRow =\n%s\nwant\n%s", g, w)
			}
		})
	}
}

// TestJournalOldForms reads journal rows older Roundups wrote.
func TestJournalOldForms(t *testing.T) {
	const d = "(2006, 1, 2, 3, 4, 5, 0, 0, 0)"
	tests := []struct {
		name, row string
		want      tracker.JournalParams
	}{
		{"python 2 long in link", `'7':` + d + `:'3':'link':"('issue', 5002L, 'status')"`,
			tracker.JournalParams{LinkClass: "issue", LinkID: "5002", LinkProp: "status"}},
		{"create with values", `'7':` + d + `:'3':'create':"{'name': 'x'}"`, tracker.JournalParams{}},
		{"multilink old list", `'7':` + d + `:'3':'set':"{'tags': ['1', '2'], 'n': 4}"`,
			tracker.JournalParams{Old: tracker.Values{"n": int64(4)}}},
		{"password hash", `'7':` + d + `:'3':'set':"{'secret': '{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'}"`,
			tracker.JournalParams{Old: tracker.Values{"secret": "{SHA}*encrypted*"}}},
		{"boolean as int", `'7':` + d + `:'3':'set':"{'flag': 0}"`, tracker.JournalParams{Old: tracker.Values{"flag": false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := newCSVReader("j.csv", []byte(tc.row+"\n")).next()
			if err != nil {
				t.Fatal(err)
			}
			e, err := parseJournalRow(journalSchema, rec)
			if err != nil {
				t.Fatalf("parseJournalRow(%s) = %v", tc.row, err)
			}
			if !reflect.DeepEqual(e.Params, tc.want) {
				t.Errorf("parseJournalRow(%s).Params = %#v, want %#v", tc.row, e.Params, tc.want)
			}
		})
	}
}
