package config

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	_ "time/tzdata" // [main] timezone names must resolve without system tzdata
)

// writeHome makes a tracker home whose config.ini is text.
func writeHome(t *testing.T, text string) string {
	t.Helper()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, IniFile), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return home
}

func loadString(t *testing.T, text string) *Config {
	t.Helper()
	c, err := Load(writeHome(t, text))
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	return c
}

// copyFixture makes a tracker home with testdata/name as its config.ini.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return writeHome(t, string(data))
}

func TestDefaults(t *testing.T) {
	home := t.TempDir()
	c, err := New(home)
	if err != nil {
		t.Fatal(err)
	}
	strs := []struct{ section, option, want string }{
		{"tracker", "name", "Roundup issue tracker"},
		{"nosy", "email_sending", "multiple"}, // DESIGN.md §2.1 departure
		{"nosy", "add_author", "new"},
		{"rdbms", "backend", "sqlite"},
		{"rdbms", "isolation_level", "read committed"},
		{"mailgw", "smtp_refusal", "reject"},
		{"mailgw", "imap_after", "seen"},
		{"mailgw", "subject_prefix_parsing", "strict"},
		{"mailgw", "subject_suffix_delimiters", "[]"},
		{"irker", "server", "localhost:6659"},
		{"irker", "mode", "relay"},
		{"web", "samesite_cookie_setting", "Lax"},
		{"main", "timezone", "UTC"},
		{"main", "indexer", ""},
		{"mail", "charset", "utf-8"},
		{"mail", "domain", ""},
		{"logging", "format", "%(asctime)s %(trace_id)s %(levelname)s %(message)s"},
		{"logging", "level", "ERROR"},
		{"mailgw", "sign_re", `^[>|\s]*-- ?$`},
	}
	for _, tt := range strs {
		if got := c.String(tt.section, tt.option); got != tt.want {
			t.Errorf("String(%s, %s) = %q, want %q", tt.section, tt.option, got, tt.want)
		}
	}
	bools := []struct {
		section, option string
		want            bool
	}{
		{"web", "http_auth", true},
		{"web", "debug", false},
		{"irker", "announce_changes", false},
		{"main", "email_registration_confirmation", true},
		{"mail", "tls", false},
	}
	for _, tt := range bools {
		if got := c.Bool(tt.section, tt.option); got != tt.want {
			t.Errorf("Bool(%s, %s) = %v, want %v", tt.section, tt.option, got, tt.want)
		}
	}
	ints := []struct {
		section, option string
		want            int
	}{
		{"web", "login_attempts_min", 3},
		{"web", "api_interval_in_sec", 3600},
		{"mail", "port", 25},
		{"main", "umask", 0o002},
		{"main", "password_pbkdf2_default_rounds", 250000},
		{"nosy", "max_attachment_size", math.MaxInt64},
		{"rdbms", "sqlite_timeout", 30},
	}
	for _, tt := range ints {
		if got := c.Int(tt.section, tt.option); got != tt.want {
			t.Errorf("Int(%s, %s) = %d, want %d", tt.section, tt.option, got, tt.want)
		}
	}
	if got := c.Float("web", "registration_delay"); got != 4 {
		t.Errorf("Float(web, registration_delay) = %v, want 4", got)
	}
	if got := c.List("main", "new_web_user_roles"); !slices.Equal(got, []string{"User"}) {
		t.Errorf("List(main, new_web_user_roles) = %q, want [User]", got)
	}
	if got := c.List("web", "allowed_api_origins"); got == nil || len(got) != 0 {
		t.Errorf("List(web, allowed_api_origins) = %#v, want empty non-nil", got)
	}
	if got, want := c.Path("main", "database"), filepath.Join(home, "db"); got != want {
		t.Errorf("Path(main, database) = %q, want %q", got, want)
	}
	if got := c.Path("mail", "debug"); got != "" {
		t.Errorf("Path(mail, debug) = %q, want empty", got)
	}
	if got := c.Paths("main", "static_files"); got != nil {
		t.Errorf("Paths(main, static_files) = %q, want nil", got)
	}
	if re := c.Regexp("mailgw", "sign_re"); re == nil || !re.MatchString("-- ") {
		t.Errorf("Regexp(mailgw, sign_re) = %v, want a match for %q", re, "-- ")
	}
	if got := c.String("web", "secret_key"); len(got) != 44 {
		t.Errorf("String(web, secret_key) = %q, want a random 44-character key", got)
	}
	if c.IsSet("web", "secret_key") || c.IsSet("tracker", "name") {
		t.Errorf("IsSet() = true for defaults, want false")
	}
}

func TestTypedGetters(t *testing.T) {
	c := loadString(t, `[main]
instant_registration = TRUE
email_registration_confirmation = off
umask = 022
new_web_user_roles = User, Developer Coordinator
admin_email = admin@other.example
dispatcher_email = dispatch
indexer_stopwords = A,AND,,ARE

[tracker]
email = tracker
web = http://localhost:8080/demo/

[web]
samesite_cookie_setting = strict
csrf_enforce_header_X-Requested-With = LogFailure
http_auth = 1
debug = On
migrate_passwords = 0

[mail]
domain = example.org
host = localhost

[logging]
level = debug
format = %%(levelname)s: %%(message)s
`)
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	bools := []struct {
		section, option string
		want            bool
	}{
		{"main", "instant_registration", true},
		{"main", "email_registration_confirmation", false},
		{"web", "http_auth", true},
		{"web", "debug", true},
		{"web", "migrate_passwords", false},
	}
	for _, tt := range bools {
		if got := c.Bool(tt.section, tt.option); got != tt.want {
			t.Errorf("Bool(%s, %s) = %v, want %v", tt.section, tt.option, got, tt.want)
		}
	}
	strs := []struct{ section, option, want string }{
		{"web", "samesite_cookie_setting", "Strict"},
		{"web", "csrf_enforce_header_x-requested-with", "logfailure"},
		{"logging", "level", "DEBUG"},
		{"logging", "format", "%(levelname)s: %(message)s"},
		{"main", "dispatcher_email", "dispatch"},
	}
	for _, tt := range strs {
		if got := c.String(tt.section, tt.option); got != tt.want {
			t.Errorf("String(%s, %s) = %q, want %q", tt.section, tt.option, got, tt.want)
		}
	}
	addrs := []struct{ section, option, want string }{
		{"main", "admin_email", "admin@other.example"},
		{"main", "dispatcher_email", "dispatch@example.org"},
		{"tracker", "email", "tracker@example.org"},
	}
	for _, tt := range addrs {
		if got := c.Address(tt.section, tt.option); got != tt.want {
			t.Errorf("Address(%s, %s) = %q, want %q", tt.section, tt.option, got, tt.want)
		}
	}
	if got := c.Int("main", "umask"); got != 0o22 {
		t.Errorf("Int(main, umask) = %o, want 22 (octal)", got)
	}
	lists := []struct {
		section, option string
		want            []string
	}{
		{"main", "new_web_user_roles", []string{"User", "Developer", "Coordinator"}},
		{"main", "indexer_stopwords", []string{"A", "AND", "ARE"}},
	}
	for _, tt := range lists {
		if got := c.List(tt.section, tt.option); !slices.Equal(got, tt.want) {
			t.Errorf("List(%s, %s) = %q, want %q", tt.section, tt.option, got, tt.want)
		}
	}
	if got := c.Raw("main", "umask"); got != "022" {
		t.Errorf("Raw(main, umask) = %q, want %q", got, "022")
	}
	if !c.IsSet("main", "umask") || c.IsSet("main", "database") {
		t.Errorf("IsSet(main, umask), IsSet(main, database) = %v, %v; want true, false", c.IsSet("main", "umask"), c.IsSet("main", "database"))
	}
}

func TestOctal(t *testing.T) {
	o := table.option("main", "umask")
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"02", 2, true}, // bpo
		{"0o002", 2, true},
		{"0O22", 0o22, true},
		{"0002", 2, true},
		{"8", 0, false},
		{"0x2", 0, false},
	}
	for _, tt := range tests {
		v, err := o.parse(tt.in)
		if (err == nil) != tt.ok || (tt.ok && v.(int) != tt.want) {
			t.Errorf("parse(umask %q) = %v, %v; want %o, ok %v", tt.in, v, err, tt.want, tt.ok)
		}
	}
}

func TestPathResolution(t *testing.T) {
	c := loadString(t, `[main]
database = %(TRACKER_HOME)s/data/db
templates = html/../html2
static_files = static /srv/static - other

[logging]
filename = /var/log/corral.log
config = %(HOME)s/logging.ini

[mail]
debug = mail.mbox
tls_keyfile =
`)
	home := c.Home()
	if !filepath.IsAbs(home) {
		t.Fatalf("Home() = %q, want absolute", home)
	}
	tests := []struct{ section, option, want string }{
		{"main", "database", filepath.Join(home, "data/db")},
		{"main", "templates", filepath.Join(home, "html2")},
		{"logging", "filename", "/var/log/corral.log"},
		{"logging", "config", filepath.Join(home, "logging.ini")},
		{"mail", "debug", filepath.Join(home, "mail.mbox")},
		{"mail", "tls_keyfile", ""},
		{"mail", "tls_certfile", ""},
	}
	for _, tt := range tests {
		if got := c.Path(tt.section, tt.option); got != tt.want {
			t.Errorf("Path(%s, %s) = %q, want %q", tt.section, tt.option, got, tt.want)
		}
	}
	want := []string{filepath.Join(home, "static"), "/srv/static", "-", filepath.Join(home, "other")}
	if got := c.Paths("main", "static_files"); !slices.Equal(got, want) {
		t.Errorf("Paths(main, static_files) = %q, want %q", got, want)
	}
}

func TestRelativeHome(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "trk"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "trk", IniFile), []byte("[main]\ndatabase = db\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	c, err := Load("trk")
	if err != nil {
		t.Fatal(err)
	}
	// t.TempDir may be behind a symlink; compare with the cwd as Go sees it.
	wd, _ := os.Getwd()
	if got, want := c.Path("main", "database"), filepath.Join(wd, "trk", "db"); got != want {
		t.Errorf("Path(main, database) = %q, want %q", got, want)
	}
}

func TestSecretFromFile(t *testing.T) {
	home := writeHome(t, "")
	if err := os.WriteFile(filepath.Join(home, "db-password"), []byte("s3cret  \nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(abs, []byte("absolute-key"), 0o600); err != nil {
		t.Fatal(err)
	}
	text := "[rdbms]\npassword = file://db-password\n[web]\nsecret_key = file://" + abs + "\n" +
		"[tracker]\nweb = http://localhost/\n[mail]\ndomain = localhost\nhost = localhost\n"
	if err := os.WriteFile(filepath.Join(home, IniFile), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(home)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	tests := []struct{ section, option, want string }{
		{"rdbms", "password", "s3cret"},
		{"web", "secret_key", "absolute-key"},
	}
	for _, tt := range tests {
		if got := c.String(tt.section, tt.option); got != tt.want {
			t.Errorf("String(%s, %s) = %q, want %q", tt.section, tt.option, got, tt.want)
		}
	}
	if got := c.Raw("rdbms", "password"); got != "file://db-password" {
		t.Errorf("Raw(rdbms, password) = %q, want the reference", got)
	}

	c = loadString(t, "[rdbms]\npassword = file://missing\n[tracker]\nweb = http://localhost/\n[mail]\ndomain = localhost\nhost = localhost\n")
	err = c.Validate()
	if err == nil || !strings.HasPrefix(err.Error(), "config.ini:2: [rdbms] password: reading the secret: open ") {
		t.Errorf("Validate() = %v, want config.ini:2: [rdbms] password: reading the secret: open ...", err)
	}
}

func TestGetterPanics(t *testing.T) {
	c, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		get  func()
		want string
	}{
		{"unknown option", func() { c.String("main", "nope") }, "config: [main] nope is not a registered option"},
		{"unknown section", func() { c.Bool("django", "debug") }, "config: [django] debug is not a registered option"},
		{"wrong kind", func() { c.Bool("main", "database") }, "config: [main] database is a path option, not [bool]"},
		{"path as string", func() { c.String("mail", "debug") }, "config: [mail] debug is a path option, not [string choice address regexp]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got := recover(); got != tt.want {
					t.Errorf("panic = %v, want %q", got, tt.want)
				}
			}()
			tt.get()
		})
	}
}

func TestSet(t *testing.T) {
	c, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set("web", "DEBUG", "yes"); err != nil {
		t.Fatalf("Set(web, DEBUG, yes) = %v", err)
	}
	if !c.Bool("web", "debug") || !c.IsSet("web", "debug") {
		t.Errorf("Bool(web, debug) after Set = false, want true")
	}
	tests := []struct{ section, option, value, want string }{
		{"web", "debug", "maybe", `setting [web] debug: "maybe" is not a boolean: use yes or no`},
		{"mail", "port", "smtp", `setting [mail] port: "smtp" is not an integer`},
		{"web", "api_interval_in_sec", "0", `setting [web] api_interval_in_sec: 0 is too small: must be 1 or more`},
		{"nosy", "email_sending", "some", `setting [nosy] email_sending: "some" is not one of single, multiple`},
		{"tracker", "web", "http://example.com", `setting [tracker] web: "http://example.com" must end with /`},
		{"tracker", "web", "example.com", `setting [tracker] web: "example.com" must start with http:// or https:// and must end with /`},
		{"main", "nope", "x", `setting [main] nope: no such option`},
	}
	for _, tt := range tests {
		err := c.Set(tt.section, tt.option, tt.value)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Set(%s, %s, %q) = %v, want %s", tt.section, tt.option, tt.value, err, tt.want)
		}
	}
	if !c.Bool("web", "debug") {
		t.Errorf("Bool(web, debug) after a refused Set = false, want the old true")
	}
	if err := c.Set("logging", "format", "%(message)s 100%"); err != nil {
		t.Fatalf("Set(logging, format) = %v", err)
	}
	if got := c.String("logging", "format"); got != "%(message)s 100%" {
		t.Errorf("String(logging, format) = %q, want the literal value", got)
	}
}

func TestSetByName(t *testing.T) {
	tests := []struct {
		name, value     string
		section, option string
	}{
		{"mail_domain", "example.com", "mail", "domain"},
		{"tracker_web", "http://localhost:8080/demo/", "tracker", "web"},
		{"rdbms_name", "corral", "rdbms", "name"},
		{"rdbms_backend", "postgresql", "rdbms", "backend"},
		{"mailgw_keep_quoted_text", "new", "mailgw", "keep_quoted_text"},
		{"MAILGW_DEFAULT_CLASS", "bug", "mailgw", "default_class"},
		{"mail_host", "smtp.example.com", "mail", "host"},
		{"admin_email", "root", "main", "admin_email"},
		{"web_http_auth", "no", "web", "http_auth"},
		{"web_csrf_enforce_header_x-requested-with", "no", "web", "csrf_enforce_header_x-requested-with"},
		{"nosy_email_sending", "single", "nosy", "email_sending"},
		{"irker_mode", "direct", "irker", "mode"},
		{"MAILHOST", "mx.example.com", "mail", "host"},            // Roundup alias
		{"mail_default_class", "task", "mailgw", "default_class"}, // Roundup alias
		{"default_timezone", "Europe/Warsaw", "main", "timezone"}, // Roundup alias
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if err := c.SetByName(tt.name, tt.value); err != nil {
				t.Fatalf("SetByName(%q, %q) = %v", tt.name, tt.value, err)
			}
			if got := c.Raw(tt.section, tt.option); got != tt.value {
				t.Errorf("Raw(%s, %s) after SetByName(%q) = %q, want %q", tt.section, tt.option, tt.name, got, tt.value)
			}
			sec, opt, ok := LookupName(tt.name)
			if !ok || sec != tt.section || opt != tt.option {
				t.Errorf("LookupName(%q) = %s, %s, %v; want %s, %s, true", tt.name, sec, opt, ok, tt.section, tt.option)
			}
		})
	}
	errs := []struct{ name, value, want string }{
		{"mailgw_nope", "x", "setting mailgw_nope: no option [mailgw] nope (names are SECTION_OPTION, such as mail_domain, or a [main] option)"},
		{"mail_nope", "x", "setting mail_nope: no option [mail] nope (names are SECTION_OPTION, such as mail_domain, or a [main] option)"},
		{"domain", "x", "setting domain: no option [main] domain (names are SECTION_OPTION, such as mail_domain, or a [main] option)"},
		{"mail_port", "x", `setting [mail] port: "x" is not an integer`},
	}
	for _, tt := range errs {
		c, err := New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SetByName(tt.name, tt.value); err == nil || err.Error() != tt.want {
			t.Errorf("SetByName(%q, %q) = %v, want %s", tt.name, tt.value, err, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load(t.TempDir())
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no config.ini") {
		t.Errorf("Load(empty dir) = %v, want a not-exist error naming config.ini", err)
	}
	_, err = Load(writeHome(t, "[main]\ndatabase = a\ndatabase = b\n"))
	var ps Problems
	if !errors.As(err, &ps) || err.Error() != "config.ini:3: [main] database: option already set in this section (line 2)" {
		t.Errorf("Load(duplicate) = %v, want Problems with config.ini:3", err)
	}
}

func TestLegacyBackendName(t *testing.T) {
	tests := []struct {
		name, ini, legacy string
		want              string
		problem, warning  string
	}{
		{name: "legacy used", ini: "[main]\n", legacy: "postgresql\n", want: "postgresql",
			warning: `db/backend_name: [rdbms] backend: not set in config.ini; using "postgresql" from this legacy Roundup file (set [rdbms] backend instead)`},
		{name: "config.ini wins", ini: "[rdbms]\nbackend = sqlite\n", legacy: "postgresql\n", want: "sqlite"},
		{name: "legacy anydbm refused", ini: "[main]\n", legacy: "anydbm", want: "sqlite",
			problem: `db/backend_name: [rdbms] backend: "anydbm" is not one of sqlite, postgresql`},
		{name: "no legacy file", ini: "[main]\n", want: "sqlite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := writeHome(t, tt.ini+"[tracker]\nweb = http://x/\n[mail]\ndomain = x\nhost = x\n[web]\nsecret_key = k\n")
			if tt.legacy != "" {
				if err := os.MkdirAll(filepath.Join(home, "db"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(home, "db", "backend_name"), []byte(tt.legacy), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			c, err := Load(home)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.String("rdbms", "backend"); got != tt.want {
				t.Errorf("String(rdbms, backend) = %q, want %q", got, tt.want)
			}
			gotProblem := ""
			if err := c.Validate(); err != nil {
				gotProblem = err.Error()
			}
			if gotProblem != tt.problem {
				t.Errorf("Validate() = %q, want %q", gotProblem, tt.problem)
			}
			gotWarning := ""
			if ws := c.Warnings(); len(ws) > 0 {
				gotWarning = Problems(ws).Error()
			}
			if gotWarning != tt.warning {
				t.Errorf("Warnings() = %q, want %q", gotWarning, tt.warning)
			}
		})
	}
}
