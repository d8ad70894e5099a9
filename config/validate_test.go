package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func problemLines(ps []Problem) []string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return lines
}

func TestValidateListsEveryProblem(t *testing.T) {
	c := loadString(t, `[main]
instant_registration = maybe
umask = 9
csv_field_size = -1
timezone = Mars/Olympus
database = %(nowhere)s/db

[tracker]
web = tracker.example.com

[web]
samesite_cookie_setting = sometimes
api_interval_in_sec = 0
allowed_api_origins = https://a.example *
jwt_secret = a-long-enough-first-secret-of-32-chars,short
secret_key =

[rdbms]
backend = mysql
port = 5432x

[logging]
format = %%(asctime)s %%(levelname) %%(message)s

[mailgw]
keep_quoted_text = sometimes
subject_prefix_parsing = lax
subject_content_match = sometimes
imap_after = archive
refwd_re = (re)\1:

[mail]
host = localhost
username = tracker
port = twenty-five

[irker]
server = localhost
mode = relay
announce_changes = perhaps

[nosy]
email_sending = each
`)
	want := []string{
		`config.ini:2: [main] instant_registration: "maybe" is not a boolean: use yes or no`,
		`config.ini:3: [main] umask: "9" is not an octal number`,
		`config.ini:4: [main] csv_field_size: -1 is too small: must be 0 or more`,
		`config.ini:5: [main] timezone: "Mars/Olympus" is neither a time zone name nor an offset in hours`,
		`config.ini:6: [main] database: %(nowhere)s refers to no option "nowhere" in [main] or [DEFAULT] (write %% for a literal %)`,
		`config.ini:9: [tracker] web: "tracker.example.com" must start with http:// or https:// and must end with /`,
		`config.ini:12: [web] samesite_cookie_setting: "sometimes" is not one of Strict, Lax, None`,
		`config.ini:13: [web] api_interval_in_sec: 0 is too small: must be 1 or more`,
		`config.ini:14: [web] allowed_api_origins: '*' must be the first origin if it is used`,
		`config.ini:15: [web] jwt_secret: 1 of the older secrets are shorter than 32 characters`,
		`config.ini:16: [web] secret_key: must not be empty`,
		`config.ini:19: [rdbms] backend: "mysql" is not one of sqlite, postgresql`,
		`config.ini:20: [rdbms] port: "5432x" is not a TCP port number`,
		`config.ini:23: [logging] format: "%(asctime)s %(levelname) %(message)s": every %(name) needs a format letter after the ), as in %(message)s (written %%(message)s in config.ini)`,
		`config.ini:26: [mailgw] keep_quoted_text: "sometimes" is not one of yes, no, new`,
		`config.ini:27: [mailgw] subject_prefix_parsing: "lax" is not one of strict, loose, none`,
		"config.ini:28: [mailgw] subject_content_match: \"sometimes\" is not always, never, `creation + INTERVAL` or `activity + INTERVAL`",
		`config.ini:29: [mailgw] imap_after: "archive" is not seen, delete or move:MAILBOX`,
		"config.ini:30: [mailgw] refwd_re: \"(re)\\\\1:\" is not a regular expression Go's RE2 accepts: error parsing regexp: invalid escape sequence: `\\1`",
		`config.ini:35: [mail] port: "twenty-five" is not an integer`,
		`config.ini:38: [irker] server: "localhost" is not HOST:PORT`,
		`config.ini:40: [irker] announce_changes: "perhaps" is not a boolean: use yes or no`,
		`config.ini:43: [nosy] email_sending: "each" is not one of single, multiple`,
		`config.ini: [mail] domain: not set and has no default`,
		`config.ini: [mail] password: not set; it is required when [mail] username is set`,
	}
	err := c.Validate()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Validate() = %v, want Problems", err)
	}
	if got := problemLines(ps); !slices.Equal(got, want) {
		t.Errorf("Validate() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := err.Error(), strings.Join(want, "\n"); got != want {
		t.Errorf("Validate().Error() =\n%s\nwant\n%s", got, want)
	}
	var one Problem
	if !errors.As(err, &one) || one.Line != 2 || one.Section != "main" || one.Option != "instant_registration" {
		t.Errorf("errors.As(Validate(), &Problem) = %+v, want the first problem", one)
	}
	// A bad value reads as the default.
	if c.Bool("main", "instant_registration") || c.String("nosy", "email_sending") != "multiple" {
		t.Errorf("getters on invalid values = %v, %q; want the defaults false, multiple",
			c.Bool("main", "instant_registration"), c.String("nosy", "email_sending"))
	}
}

func TestValidateRequired(t *testing.T) {
	tests := []struct {
		name, ini string
		want      []string
	}{
		{"nothing set", "[main]\n", []string{
			"config.ini: [tracker] web: not set and has no default",
			"config.ini: [mail] domain: not set and has no default",
			"config.ini: [mail] host: not set and has no default",
		}},
		{"all set", "[tracker]\nweb = http://localhost:8080/t/\n[mail]\ndomain = localhost\nhost = localhost\n", nil},
		{"empty required", "[tracker]\nweb = http://localhost:8080/t/\n[mail]\ndomain =\nhost = localhost\n", []string{
			"config.ini:4: [mail] domain: must not be empty",
		}},
		{"password with username", "[tracker]\nweb = http://l/\n[mail]\ndomain = l\nhost = l\nusername = u\npassword = p\n", nil},
		{"empty password with username", "[tracker]\nweb = http://l/\n[mail]\ndomain = l\nhost = l\nusername = u\npassword =\n", []string{
			"config.ini:7: [mail] password: must not be empty",
		}},
		{"empty password without username", "[tracker]\nweb = http://l/\n[mail]\ndomain = l\nhost = l\npassword =\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := loadString(t, tt.ini)
			var got []string
			if err := c.Validate(); err != nil {
				got = problemLines(err.(Problems))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	c := loadString(t, `[DEFAULT]
site = /srv

[main]
html_version = xhtml
template_engine = jinja2
colour = blue

[web]
secret_key = fixed
domain = example.com

[pgp]
enable = no
encrypt = yes
keyring = x

[mail]
domain = NO DEFAULT
host = localhost
mysql_charset = utf8

[tracker]
web = http://localhost/

[django]
secret_key = 'x'
`)
	want := []string{
		`config.ini:5: [main] html_version: "xhtml" is no longer supported; "html4" is used`,
		`config.ini:6: [main] template_engine: Roundup option that Corral does not use; ignored`,
		`config.ini:7: [main] colour: unknown option; kept and ignored`,
		`config.ini:11: [web] domain: unknown option; kept and ignored (did you mean [mail] domain?)`,
		`config.ini:15: [pgp] encrypt: Roundup option that Corral does not use; ignored`,
		`config.ini:16: [pgp] keyring: unknown option; kept and ignored`,
		`config.ini:19: [mail] domain: "NO DEFAULT" looks like a placeholder left from a template`,
		`config.ini:21: [mail] mysql_charset: unknown option; kept and ignored (did you mean [rdbms] mysql_charset?)`,
		`config.ini:26: [django]: unknown section; kept and ignored`,
	}
	if got := problemLines(c.Warnings()); !slices.Equal(got, want) {
		t.Errorf("Warnings() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil: warnings are never errors", err)
	}
	if got := c.String("main", "html_version"); got != "html4" {
		t.Errorf("String(main, html_version) = %q, want html4", got)
	}
}

// TestRealConfigs loads config.ini files as Roundup writes them: the
// bugs.python.org template, and files written by Roundup 2.x's
// `roundup-admin install` (classic with settings, minimal without). No
// warnings for roundup-classic.ini means the registry knows every option
// of Roundup's SETTINGS.
func TestRealConfigs(t *testing.T) {
	tests := []struct {
		fixture  string
		problems []string
		warnings []string
	}{
		{fixture: "roundup-classic.ini"},
		{fixture: "bpo-config.ini.template", warnings: []string{
			`config.ini:72: [main] html_version: "xhtml" is no longer supported; "html4" is used`,
			`config.ini:236: [mail] domain: "NODEFAULT" looks like a placeholder left from a template`,
			`config.ini:396: [django]: unknown section; kept and ignored`,
			`config.ini: [web] secret_key: not set; a random key is used, so sessions and links do not survive a restart and are not shared between processes (updateconfig writes one)`,
		}},
		{fixture: "roundup-minimal-unset.ini", problems: []string{
			"config.ini: [tracker] web: not set and has no default",
			"config.ini: [mail] domain: not set and has no default",
			"config.ini: [mail] host: not set and has no default",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			c, err := Load(copyFixture(t, tt.fixture))
			if err != nil {
				t.Fatalf("Load() = %v", err)
			}
			var problems []string
			if err := c.Validate(); err != nil {
				problems = problemLines(err.(Problems))
			}
			if !slices.Equal(problems, tt.problems) {
				t.Errorf("Validate() =\n%s\nwant\n%s", strings.Join(problems, "\n"), strings.Join(tt.problems, "\n"))
			}
			if got := problemLines(c.Warnings()); !slices.Equal(got, tt.warnings) {
				t.Errorf("Warnings() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.warnings, "\n"))
			}
		})
	}
}

func TestBPOValues(t *testing.T) {
	c, err := Load(copyFixture(t, "bpo-config.ini.template"))
	if err != nil {
		t.Fatal(err)
	}
	strs := []struct{ section, option, want string }{
		{"rdbms", "backend", "postgresql"},
		{"tracker", "web", "http://localhost:9999/python-dev/"},
		{"tracker", "name", "Tracker"},
		{"nosy", "email_sending", "multiple"},
		{"nosy", "messages_to_author", "yes"},
		{"nosy", "add_author", "yes"},
		{"main", "indexer", "native"},
		{"mailgw", "subject_suffix_delimiters", "[]"},
	}
	for _, tt := range strs {
		if got := c.String(tt.section, tt.option); got != tt.want {
			t.Errorf("String(%s, %s) = %q, want %q", tt.section, tt.option, got, tt.want)
		}
	}
	if got := c.Int("main", "umask"); got != 2 {
		t.Errorf("Int(main, umask) = %d, want 2", got)
	}
	if !c.Bool("web", "debug") || c.Bool("web", "use_browser_language") {
		t.Errorf("Bool(web, debug), Bool(web, use_browser_language) = %v, %v; want true, false", c.Bool("web", "debug"), c.Bool("web", "use_browser_language"))
	}
	if got, want := c.Path("mail", "debug"), c.Home()+"/debugmail.txt"; got != want {
		t.Errorf("Path(mail, debug) = %q, want %q", got, want)
	}
	if got := c.Address("tracker", "email"); got != "issue_tracker@NODEFAULT" {
		t.Errorf("Address(tracker, email) = %q, want issue_tracker@NODEFAULT", got)
	}
	if !c.File().HasSection("django") {
		t.Errorf("File().HasSection(django) = false, want the unknown section kept")
	}
	if got, _, _ := c.File().Get("django", "secret_key"); !strings.HasPrefix(got, "'el@4s$") {
		t.Errorf("File().Get(django, secret_key) = %q, want the raw value", got)
	}
}
