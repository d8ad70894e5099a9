package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// detectorsHome makes a tracker home whose detectors/config.ini is text.
func detectorsHome(t *testing.T, text string) string {
	t.Helper()
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, "detectors"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "detectors", "config.ini"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return home
}

func TestDetectorsBPO(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "bpo-detectors-config.ini.template"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadDetectors(detectorsHome(t, string(data)))
	if err != nil {
		t.Fatal(err)
	}
	strs := []struct{ section, option, def, want string }{
		{"main", "triage_email", "", "triage@example.com"},
		{"main", "BUSYBODY_EMAIL", "", "busybody@example.com"},
		{"main", "spambayes_uri", "", "http://localhost/not_here"},
		{"main", "missing", "fallback", "fallback"},
		{"nosection", "x", "fallback", "fallback"},
	}
	for _, tt := range strs {
		if got, err := d.String(tt.section, tt.option, tt.def); err != nil || got != tt.want {
			t.Errorf("String(%s, %s, %q) = %q, %v; want %q", tt.section, tt.option, tt.def, got, err, tt.want)
		}
	}
	if got, err := d.Float("main", "spambayes_spam_cutoff", 0); err != nil || got != 0.85 {
		t.Errorf("Float(main, spambayes_spam_cutoff) = %v, %v; want 0.85", got, err)
	}
	if got, err := d.List("main", "spambayes_may_view_spam", nil); err != nil || !slices.Equal(got, []string{"User", "Coordinator", "Developer"}) {
		t.Errorf("List(main, spambayes_may_view_spam) = %q, %v", got, err)
	}
	if got, err := d.List("irker", "channels", nil); err != nil || !slices.Equal(got, []string{"irc://chat.freenode.net/python-dev"}) {
		t.Errorf("List(irker, channels) = %q, %v", got, err)
	}
	names := []struct{ name, section, option string }{
		{"IRKER_CHANNELS", "irker", "channels"},
		{"TRIAGE_EMAIL", "main", "triage_email"},
		{"spambayes_ham_cutoff", "main", "spambayes_ham_cutoff"},
	}
	for _, tt := range names {
		if sec, opt, ok := d.ByName(tt.name); !ok || sec != tt.section || opt != tt.option {
			t.Errorf("ByName(%q) = %s, %s, %v; want %s, %s, true", tt.name, sec, opt, ok, tt.section, tt.option)
		}
	}
	if _, _, ok := d.ByName("MAIN_TRIAGE_EMAIL"); ok {
		t.Errorf("ByName(MAIN_TRIAGE_EMAIL) found, want not: [main] options have no prefix")
	}
}

func TestDetectorsTyped(t *testing.T) {
	home := detectorsHome(t, `[busybody]
enabled = yes
count = 3
bad_bool = maybe
bad_int = three
path = %(HOME)s/spam.db
tracker = %(TRACKER_HOME)s
`)
	d, err := LoadDetectors(home)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := d.Bool("busybody", "enabled", false); err != nil || !got {
		t.Errorf("Bool(busybody, enabled, false) = %v, %v; want true", got, err)
	}
	if got, err := d.Bool("busybody", "absent", true); err != nil || !got {
		t.Errorf("Bool(busybody, absent, true) = %v, %v; want the default true", got, err)
	}
	if got, err := d.Int("busybody", "count", 0); err != nil || got != 3 {
		t.Errorf("Int(busybody, count, 0) = %v, %v; want 3", got, err)
	}
	errs := []struct {
		get  func() error
		want string
	}{
		{func() error { _, err := d.Bool("busybody", "bad_bool", true); return err },
			`detectors/config.ini:4: [busybody] bad_bool: "maybe" is not a boolean: use yes or no`},
		{func() error { _, err := d.Int("busybody", "BAD_INT", 1); return err },
			`detectors/config.ini:5: [busybody] bad_int: "three" is not an integer`},
	}
	for _, tt := range errs {
		if err := tt.get(); err == nil || err.Error() != tt.want {
			t.Errorf("getter error = %v, want %s", err, tt.want)
		}
	}
	abs, _ := filepath.Abs(home)
	strs := []struct{ option, want string }{
		{"path", filepath.Join(abs, "detectors", "spam.db")}, // Roundup's HOME is the detectors directory
		{"tracker", abs},
	}
	for _, tt := range strs {
		if got, err := d.String("busybody", tt.option, ""); err != nil || got != tt.want {
			t.Errorf("String(busybody, %s) = %q, %v; want %q", tt.option, got, err, tt.want)
		}
	}
}

func TestDetectorsMissingFile(t *testing.T) {
	d, err := LoadDetectors(t.TempDir())
	if err != nil {
		t.Fatalf("LoadDetectors(no file) = %v", err)
	}
	if got := d.File().Sections(); len(got) != 0 {
		t.Errorf("Sections() = %q, want none", got)
	}
	if got, err := d.List("irker", "channels", []string{"irc://x/y"}); err != nil || !slices.Equal(got, []string{"irc://x/y"}) {
		t.Errorf("List(irker, channels, default) = %q, %v; want the default", got, err)
	}
	if _, err := LoadDetectors(detectorsHome(t, "[a]\nx = 1\nx = 2\n")); err == nil || err.Error() != "detectors/config.ini:3: [a] x: option already set in this section (line 2)" {
		t.Errorf("LoadDetectors(duplicate) = %v", err)
	}
}
