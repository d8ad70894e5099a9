package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func parseString(t *testing.T, text string) *File {
	t.Helper()
	f, err := Parse("config.ini", strings.NewReader(text))
	if err != nil {
		t.Fatalf("Parse() error: %v", err)
	}
	return f
}

// TestParseMatchesConfigparser compares the reader with Python's
// configparser on fixtures; the golden files are configparser's output
// (testdata/configparser_golden.py).
func TestParseMatchesConfigparser(t *testing.T) {
	for _, name := range []string{"quirks.ini", "bpo-config.ini.template", "roundup-classic.ini"} {
		t.Run(name, func(t *testing.T) {
			f, err := ParseFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatalf("ParseFile(%s) error: %v", name, err)
			}
			data, err := os.ReadFile(filepath.Join("testdata", strings.TrimSuffix(name, ".ini")+".golden.json"))
			if strings.HasSuffix(name, ".template") {
				data, err = os.ReadFile(filepath.Join("testdata", strings.TrimSuffix(name, ".ini.template")+".golden.json"))
			}
			if err != nil {
				t.Fatal(err)
			}
			var golden map[string]map[string]struct {
				Value *string
				Error string
			}
			if err := json.Unmarshal(data, &golden); err != nil {
				t.Fatal(err)
			}
			var wantSections []string
			for sec := range golden {
				if sec != DefaultSection {
					wantSections = append(wantSections, sec)
				}
			}
			gotSections := f.Sections()
			slices.Sort(wantSections)
			slices.Sort(gotSections)
			if !slices.Equal(gotSections, wantSections) {
				t.Errorf("Sections() = %q, want %q", gotSections, wantSections)
			}
			for sec, opts := range golden {
				var wantOpts []string
				for opt, want := range opts {
					wantOpts = append(wantOpts, opt)
					got, ok, err := f.Get(sec, opt)
					switch {
					case !ok:
						t.Errorf("Get(%q, %q) not found", sec, opt)
					case want.Error != "" && err == nil:
						t.Errorf("Get(%q, %q) = %q, want an error (%s)", sec, opt, got, want.Error)
					case want.Error == "" && err != nil:
						t.Errorf("Get(%q, %q) error %v, want %q", sec, opt, err, *want.Value)
					case want.Value != nil && got != *want.Value:
						t.Errorf("Get(%q, %q) = %q, want %q", sec, opt, got, *want.Value)
					}
				}
				gotOpts := f.Options(sec)
				slices.Sort(wantOpts)
				slices.Sort(gotOpts)
				if !slices.Equal(gotOpts, wantOpts) {
					t.Errorf("Options(%q) = %q, want %q", sec, gotOpts, wantOpts)
				}
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	tests := []struct {
		name, text, section, option, want string
	}{
		{"equals", "[m]\nx = 1\n", "m", "x", "1"},
		{"colon", "[m]\nx: 1\n", "m", "x", "1"},
		{"first delimiter wins", "[m]\nx: a=b\n", "m", "x", "a=b"},
		{"first delimiter wins 2", "[m]\nx = a:b\n", "m", "x", "a:b"},
		{"inline hash kept", "[m]\nx = a # b\n", "m", "x", "a # b"},
		{"inline semicolon kept", "[m]\nx = a ; b\n", "m", "x", "a ; b"},
		{"option name lower-cased", "[m]\nMixed_Case = v\n", "m", "mixed_case", "v"},
		{"lookup case-insensitive", "[m]\nmixed = v\n", "m", "MIXED", "v"},
		{"continuation", "[m]\nx = a\n  b\n", "m", "x", "a\nb"},
		{"blank line inside value kept", "[m]\nx = a\n\n  b\n", "m", "x", "a\n\nb"},
		{"trailing blank lines dropped", "[m]\nx = a\n\n\n", "m", "x", "a"},
		{"comment inside value dropped", "[m]\nx = a\n  # c\n  b\n", "m", "x", "a\nb"},
		{"indented comment", "[m]\n   ; c\nx = a\n", "m", "x", "a"},
		{"crlf", "[m]\r\nx = a\r\n  b\r\n", "m", "x", "a\nb"},
		{"bom", "\ufeff[m]\nx = a\n", "m", "x", "a"},
		{"empty value", "[m]\nx =\n", "m", "x", ""},
		{"default inherited", "[DEFAULT]\nd = 1\n[m]\n", "m", "d", "1"},
		{"section overrides default", "[DEFAULT]\nd = 1\n[m]\nd = 2\n", "m", "d", "2"},
		{"interpolation", "[m]\na = x\nb = %(a)s/y\n", "m", "b", "x/y"},
		{"interpolation from default", "[DEFAULT]\nroot = /r\n[m]\nb = %(ROOT)s/y\n", "m", "b", "/r/y"},
		{"interpolation resolves in reading section", "[DEFAULT]\np = %(n)s!\n[m]\nn = m\n", "m", "p", "m!"},
		{"double percent", "[m]\nx = 100%%\n", "m", "x", "100%"},
		{"double percent in reference", "[m]\na = %%(b)s\nx = %(a)s\n", "m", "x", "%(b)s"},
		{"section name kept as written", "[Main]\nx = 1\n", "Main", "x", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseString(t, tt.text)
			got, ok, err := f.Get(tt.section, tt.option)
			if err != nil || !ok {
				t.Fatalf("Get(%q, %q) = %q, %v, %v; want %q", tt.section, tt.option, got, ok, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("Get(%q, %q) = %q, want %q", tt.section, tt.option, got, tt.want)
			}
		})
	}
}

func TestParseNotFound(t *testing.T) {
	f := parseString(t, "[DEFAULT]\nd = 1\n[m]\nx = 1\n")
	tests := []struct{ section, option string }{
		{"m", "y"},
		{"M", "x"},     // section names are case-sensitive
		{"other", "d"}, // [DEFAULT] only reaches sections that exist
	}
	for _, tt := range tests {
		if got, ok, _ := f.Get(tt.section, tt.option); ok {
			t.Errorf("Get(%q, %q) = %q, want not found", tt.section, tt.option, got)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"duplicate option", "[m]\nx = 1\ny = 2\nX = 3\n",
			[]string{"config.ini:4: [m] x: option already set in this section (line 2)"}},
		{"duplicate section", "[m]\nx = 1\n[n]\n[m]\n",
			[]string{"config.ini:4: section [m] already exists (line 1)"}},
		{"no section header", "# comment\nx = 1\n",
			[]string{`config.ini:2: no [section] header before this line: "x = 1"`}},
		{"no delimiter", "[m]\nx\n",
			[]string{"config.ini:2: cannot parse \"x\": want `name = value`, `[section]` or a # comment"}},
		{"empty name", "[m]\n= x\n",
			[]string{"config.ini:2: cannot parse \"= x\": want `name = value`, `[section]` or a # comment"}},
		{"all errors at once", "[m]\nx = 1\nx = 2\nbad\n[m]\n",
			[]string{
				"config.ini:3: [m] x: option already set in this section (line 2)",
				"config.ini:4: cannot parse \"bad\": want `name = value`, `[section]` or a # comment",
				"config.ini:5: section [m] already exists (line 1)",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("config.ini", strings.NewReader(tt.text))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse() error = %v, want Problems", err)
			}
			if got := strings.Split(ps.Error(), "\n"); !slices.Equal(got, tt.want) {
				t.Errorf("Parse() error =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestInterpolationErrors(t *testing.T) {
	tests := []struct {
		name, text, option, want string
	}{
		{"missing name", "[m]\n\nx = %(nope)s/db\n", "x",
			`config.ini:3: [m] x: %(nope)s refers to no option "nope" in [m] or [DEFAULT] (write %% for a literal %)`},
		{"lone percent", "[m]\nx = 100% sure\n", "x",
			`config.ini:2: [m] x: % must be followed by % or (name)s, found "% sure"`},
		{"unterminated reference", "[m]\nx = %(a\n", "x",
			`config.ini:2: [m] x: bad %(name)s reference at "%(a" (write %% for a literal %)`},
		{"reference without s", "[m]\na = 1\nx = %(a)d\n", "x",
			`config.ini:3: [m] x: bad %(name)s reference at "%(a)d" (write %% for a literal %)`},
		{"loop", "[m]\nx = %(y)s\ny = %(x)s\n", "x",
			`config.ini:2: [m] x: %(...)s references nest more than 10 deep (a reference loop?) in "%(y)s"`},
		{"error in referenced value", "[m]\ny = 5%\nx = %(y)s\n", "x",
			`config.ini:3: [m] x: % must be followed by % or (name)s, found "%"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseString(t, tt.text)
			got, _, err := f.Get("m", tt.option)
			if err == nil {
				t.Fatalf("Get(m, %s) = %q, want error %s", tt.option, got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Get(m, %s) error = %s, want %s", tt.option, err, tt.want)
			}
		})
	}
}

func TestSetDefault(t *testing.T) {
	f := parseString(t, "[DEFAULT]\nhome = /from/file\n[main]\na = %(home)s/x\nb = %(tracker_home)s/y\n")
	f.SetDefault("HOME", "/preset")
	f.SetDefault("TRACKER_HOME", "/50%/t")
	tests := []struct{ option, want string }{
		{"a", "/from/file/x"}, // the file's [DEFAULT] wins over presets
		{"b", "/50%/t/y"},     // a preset is literal
	}
	for _, tt := range tests {
		if got, _, err := f.Get("main", tt.option); err != nil || got != tt.want {
			t.Errorf("Get(main, %s) = %q, %v, want %q", tt.option, got, err, tt.want)
		}
	}
	if got := f.Options(DefaultSection); !slices.Equal(got, []string{"home", "tracker_home"}) {
		t.Errorf("Options(DEFAULT) = %q, want [home tracker_home]", got)
	}
}

func TestRawKeepsReferencesAndLines(t *testing.T) {
	f := parseString(t, "# c\n[main]\n\ndatabase = %(TRACKER_HOME)s/db\n  more\n")
	raw, line, ok := f.Raw("main", "DATABASE")
	if !ok || raw != "%(TRACKER_HOME)s/db\nmore" || line != 4 {
		t.Errorf("Raw(main, DATABASE) = %q, %d, %v; want %q, 4, true", raw, line, ok, "%(TRACKER_HOME)s/db\nmore")
	}
	if got := f.SectionLine("main"); got != 2 {
		t.Errorf("SectionLine(main) = %d, want 2", got)
	}
}
