package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// installValues are the working local values `install` passes
// (DESIGN.md §2.1).
var installValues = map[string]string{
	"tracker_web":   "http://localhost:8080/demo/",
	"mail_domain":   "localhost",
	"mail_host":     "localhost",
	"rdbms_backend": "sqlite",
}

func writeFresh(t *testing.T, values map[string]string) string {
	t.Helper()
	var b strings.Builder
	if err := WriteFresh(&b, values); err != nil {
		t.Fatalf("WriteFresh() = %v", err)
	}
	return b.String()
}

// sameSettings compares every option Corral uses of two configurations.
func sameSettings(t *testing.T, got, want *Config) {
	t.Helper()
	for _, o := range Options() {
		if o.Ignored {
			continue
		}
		opt := table.option(o.Section, o.Name)
		g, w := got.settings[opt], want.settings[opt]
		gv, wv := opt.format(g.value), opt.format(w.value)
		if gv != wv || g.isSet() != w.isSet() && o.NoDefault {
			t.Errorf("[%s] %s = %q (set %v), want %q (set %v)", o.Section, o.Name, gv, g.isSet(), wv, w.isSet())
		}
	}
}

func TestWriteFreshRoundTrip(t *testing.T) {
	values := map[string]string{
		"logging_format":          "%(levelname)s 100% %(message)s",
		"mailgw_refwd_re":         `(\s*\W?\s*(fw|fwd|re)\W)+`,
		"tracker_name":            "Python tracker",
		"nosy_email_sending":      "single",
		"web_allowed_api_origins": "https://a.example https://b.example",
		"umask":                   "0o22",
	}
	for k, v := range installValues {
		values[k] = v
	}
	text := writeFresh(t, values)
	home := writeHome(t, text)
	got, err := Load(home)
	if err != nil {
		t.Fatalf("Load(written config) = %v\n%s", err, text)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Validate(written config) = %v", err)
	}
	if ws := got.Warnings(); len(ws) > 0 {
		t.Errorf("Warnings(written config) = %v", ws)
	}
	want, err := New(home)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		if err := want.SetByName(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := want.Set("web", "secret_key", got.String("web", "secret_key")); err != nil {
		t.Fatal(err)
	}
	sameSettings(t, got, want)
	if !got.IsSet("web", "secret_key") || len(got.String("web", "secret_key")) != 44 {
		t.Errorf("written secret_key = %q, want a 44-character random key", got.String("web", "secret_key"))
	}
	if got.String("logging", "format") != "%(levelname)s 100% %(message)s" {
		t.Errorf("String(logging, format) = %q, want the literal format back", got.String("logging", "format"))
	}
	// Every option Corral uses is written, none it ignores.
	for _, o := range Options() {
		_, _, inFile := got.File().Raw(o.Section, o.Name)
		if o.NoDefault && !got.IsSet(o.Section, o.Name) {
			continue // written commented out
		}
		if inFile == o.Ignored {
			t.Errorf("[%s] %s written = %v, want %v", o.Section, o.Name, inFile, !o.Ignored)
		}
	}
}

func TestWriteFreshFormat(t *testing.T) {
	text := writeFresh(t, installValues)
	snippets := []string{
		"# Roundup issue tracker configuration file\n# Written by Corral; sections and options are Roundup's.\n\n[main]\n\n# Database directory path (the SQLite file and anything local).\n# The path may be either absolute or relative\n# to the directory containing this config file.\n# Default: db\ndatabase = db\n",
		"# \"multiple\" sends a separate email to each recipient, so no one\n# sees another's address; \"single\" sends one email with every\n# recipient as Cc (Roundup's default).\n# Allowed values: single, multiple\n# Default: multiple\nemail_sending = multiple\n",
		"# Default: %%(asctime)s %%(trace_id)s %%(levelname)s %%(message)s\nformat = %%(asctime)s %%(trace_id)s %%(levelname)s %%(message)s\n",
		"\n# Outgoing email options.\n# Used for nosy messages, password reset and registration approval\n# requests.\n[mail]\n",
		"# Default: NO DEFAULT\ndomain = localhost\n",
		"# Default: NO DEFAULT\n#password = NO DEFAULT\n",
		"# Default:\nemail_from_tag =\n",
		"[irker]\n",
		"# Default: a random key, made when this file is written\nsecret_key = ",
	}
	for _, s := range snippets {
		if !strings.Contains(text, s) {
			t.Errorf("WriteFresh() output lacks\n%s", s)
		}
	}
	for _, s := range []string{"[pgp]", "[sessiondb]", "mysql_charset", "template_engine", "# WARNING!"} {
		if strings.Contains(text, s) {
			t.Errorf("WriteFresh() output contains %q, want it left out", s)
		}
	}
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimRight(line, " \t") != line {
			t.Errorf("WriteFresh() line %d has trailing white space: %q", i+1, line)
		}
	}
}

func TestWriteFreshUnsetRequired(t *testing.T) {
	text := writeFresh(t, nil)
	want := "\n# WARNING! Following options need adjustments:\n#  [tracker]: web\n#  [mail]: domain, host\n\n[main]\n"
	if !strings.Contains(text, want) {
		t.Errorf("WriteFresh(nil) lacks the warning\n%s", want)
	}
	for _, s := range []string{"#web = NO DEFAULT\n", "#domain = NO DEFAULT\n", "#host = NO DEFAULT\n"} {
		if !strings.Contains(text, s) {
			t.Errorf("WriteFresh(nil) lacks %q", s)
		}
	}
	c, err := Load(writeHome(t, text))
	if err != nil {
		t.Fatal(err)
	}
	wantProblems := []string{
		"config.ini: [tracker] web: not set and has no default",
		"config.ini: [mail] domain: not set and has no default",
		"config.ini: [mail] host: not set and has no default",
	}
	var got []string
	if err := c.Validate(); err != nil {
		got = problemLines(err.(Problems))
	}
	if !slices.Equal(got, wantProblems) {
		t.Errorf("Validate() = %q, want %q", got, wantProblems)
	}
}

func TestWriteFreshErrors(t *testing.T) {
	tests := []struct {
		values map[string]string
		want   string
	}{
		{map[string]string{"web_debug": "maybe"}, `writing a fresh configuration: setting [web] debug: "maybe" is not a boolean: use yes or no`},
		{map[string]string{"nope": "x"}, "writing a fresh configuration: setting nope: no option [main] nope (names are SECTION_OPTION, such as mail_domain, or a [main] option)"},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := WriteFresh(&b, tt.values); err == nil || err.Error() != tt.want {
			t.Errorf("WriteFresh(%v) = %v, want %s", tt.values, err, tt.want)
		}
	}
	// A file:// secret need not exist yet when the file is written.
	var b strings.Builder
	if err := WriteFresh(&b, map[string]string{"rdbms_password": "file://secrets/db"}); err != nil {
		t.Errorf("WriteFresh(rdbms_password=file://...) = %v", err)
	}
	if !strings.Contains(b.String(), "\npassword = file://secrets/db\n") {
		t.Errorf("WriteFresh(rdbms_password=file://...) lacks the reference")
	}
}

func TestUpdateCarriesSettingsOver(t *testing.T) {
	for _, fixture := range []string{"bpo-config.ini.template", "roundup-classic.ini"} {
		t.Run(fixture, func(t *testing.T) {
			old, err := Load(copyFixture(t, fixture))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := old.Update(&b); err != nil {
				t.Fatal(err)
			}
			got, err := Load(writeHome(t, b.String()))
			if err != nil {
				t.Fatalf("Load(updated) = %v\n%s", err, b.String())
			}
			sameSettings(t, got, old)
			if err := got.Validate(); err != nil {
				t.Errorf("Validate(updated) = %v", err)
			}
			// Unknown sections and options, and ignored ones, survive.
			for _, sec := range old.File().Sections() {
				for _, opt := range old.File().Options(sec) {
					if o := table.option(sec, opt); o != nil && !o.Ignored {
						continue
					}
					want, _, _ := old.File().Raw(sec, opt)
					if v, _, ok := got.File().Raw(sec, opt); !ok || v != want {
						t.Errorf("updated Raw(%s, %s) = %q, %v; want %q", sec, opt, v, ok, want)
					}
				}
			}
			if got.Raw("main", "html_version") != "html4" || len(got.Warnings()) > len(old.Warnings()) {
				t.Errorf("updated html_version = %q, warnings %v; want html4 and no new warnings", got.Raw("main", "html_version"), got.Warnings())
			}
			// The random secret in use became permanent.
			if !got.IsSet("web", "secret_key") || got.String("web", "secret_key") != old.String("web", "secret_key") {
				t.Errorf("updated secret_key = %q, want the one in use %q", got.String("web", "secret_key"), old.String("web", "secret_key"))
			}
		})
	}
}

func TestUpdateKeepsReferences(t *testing.T) {
	c := loadString(t, `[DEFAULT]
data = %(TRACKER_HOME)s/data

[main]
database = %(data)s/db
colour = blue

[tracker]
web = http://localhost/
notes = first
  second

[mail]
domain = localhost
host = localhost

[custom]
x = 1
`)
	if err := c.Set("mail", "port", "2525"); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := c.Update(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, s := range []string{
		"\n[DEFAULT]\ndata = %(TRACKER_HOME)s/data\n",
		"\ndatabase = %(data)s/db\n",
		"\n# Not used by Corral; kept as found.\ncolour = blue\n",
		"\n# Not used by Corral; kept as found.\nnotes = first\n\tsecond\n",
		"\nport = 2525\n",
		"\n[custom]\nx = 1\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("Update() output lacks %q", s)
		}
	}
	got, err := Load(writeHome(t, text))
	if err != nil {
		t.Fatal(err)
	}
	if got.Path("main", "database") != filepath.Join(got.Home(), "data", "db") {
		t.Errorf("Path(main, database) after Update = %q, want under the new home", got.Path("main", "database"))
	}
}

func TestDump(t *testing.T) {
	home := writeHome(t, `[tracker]
web = http://localhost/
[mail]
domain = example.org
host = localhost
password = hunter2
[rdbms]
password = file://dbpw
[web]
secret_key = not-so-secret
`)
	if err := os.WriteFile(filepath.Join(home, "dbpw"), []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(home)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		redact     bool
		want, lack []string
	}{
		{true,
			[]string{"\nsecret_key = ***\n", "\npassword = ***\n", "\ndatabase = " + filepath.Join(c.Home(), "db") + "\n",
				"\nadmin_email = roundup-admin@example.org\n", "\nemail_sending = multiple\n", "\nhttp_auth = yes\n",
				"\nformat = %%(asctime)s %%(trace_id)s %%(levelname)s %%(message)s\n", "\njwt_secret = ***\n", "\numask = 0o2\n"},
			[]string{"hunter2", "not-so-secret", "from-file", "[pgp]", "mysql"}},
		{false,
			[]string{"\nsecret_key = not-so-secret\n", "\npassword = hunter2\n", "\npassword = from-file\n"},
			[]string{"***"}},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := c.Dump(&b, tt.redact); err != nil {
			t.Fatal(err)
		}
		for _, s := range tt.want {
			if !strings.Contains(b.String(), s) {
				t.Errorf("Dump(redact=%v) lacks %q", tt.redact, s)
			}
		}
		for _, s := range tt.lack {
			if strings.Contains(b.String(), s) {
				t.Errorf("Dump(redact=%v) contains %q", tt.redact, s)
			}
		}
	}
	// Unset required options show as comments, and the dump parses.
	c2, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := c2.Dump(&b, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\n#domain = NO DEFAULT (not set)\n") {
		t.Errorf("Dump() lacks the unset [mail] domain comment")
	}
	if _, err := Parse("dump", strings.NewReader(b.String())); err != nil {
		t.Errorf("Parse(Dump()) = %v", err)
	}
}
