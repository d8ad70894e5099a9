package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/config"
)

// TestGenconfigUpdateconfig: genconfig writes a complete commented
// config.ini without needing a tracker; updateconfig rewrites the
// home's with its settings kept, and raises Roundup 1.x's old default
// of 10000 PBKDF2 rounds as Roundup's updateconfig does.
func TestGenconfigUpdateconfig(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.ini")
	if r := runAdmin(t, "", "genconfig", fresh); r.code != 0 || r.out != "" {
		t.Fatalf("genconfig = %d, %q, %q", r.code, r.out, r.err)
	}
	b, err := os.ReadFile(fresh)
	if err != nil || !strings.Contains(string(b), "[rdbms]") || !strings.Contains(string(b), "password_pbkdf2_default_rounds") {
		t.Fatalf("genconfig wrote %d bytes, %v", len(b), err)
	}
	if r := runAdmin(t, "", "genconfig"); r.code != 1 || !strings.HasPrefix(r.err, "Error: Not enough arguments supplied\n\nUsage: genconfig filename") {
		t.Errorf("genconfig without a file = %d, %q", r.code, r.err)
	}

	home := newHome(t, "python-dev")
	ini := filepath.Join(home, config.IniFile)
	old, err := os.ReadFile(ini)
	if err != nil {
		t.Fatal(err)
	}
	patched := strings.Replace(string(old), "\npassword_pbkdf2_default_rounds = 250000", "\npassword_pbkdf2_default_rounds = 10000", 1)
	if patched == string(old) {
		t.Fatal("config.ini has no password_pbkdf2_default_rounds = 250000 line to patch")
	}
	if err := os.WriteFile(ini, []byte(patched), 0o644); err != nil {
		t.Fatal(err)
	}
	updated := filepath.Join(dir, "updated.ini")
	r := runAdmin(t, "", "-i", home, "updateconfig", updated)
	want := "\nChanging option\n   'password_pbkdf2_default_rounds'\nfrom old default of 10000 to new default of 250000.\n"
	if r.code != 0 || r.out != want {
		t.Errorf("updateconfig = %d, %q, %q; want output %q", r.code, r.out, r.err, want)
	}
	b, err = os.ReadFile(updated)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"name = Python tracker", "password_pbkdf2_default_rounds = 250000"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("updated config lacks %q", s)
		}
	}
}

// TestMigrate: after schema.py changes, the first command to open the
// tracker brings the tables up to date and `migrate` reports what
// changed; run again it has nothing to do.
func TestMigrate(t *testing.T) {
	home := newHome(t, "classic")
	f, err := os.OpenFile(filepath.Join(home, "schema.py"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString("\ntopic = Class(db, \"topic\", name=String(), order=Number())\ntopic.setkey(\"name\")\n")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, home, "migrate")
	if !strings.Contains(out, "topic") || !strings.HasSuffix(out, "\n") || !strings.Contains(out, "Tracker updated to schema version ") {
		t.Errorf("migrate after a schema change printed %q", out)
	}
	if out := mustRun(t, home, "migrate"); !strings.HasPrefix(out, "No migration action required. At schema version ") {
		t.Errorf("second migrate printed %q", out)
	}
	if out := mustRun(t, home, "create", "topic", "name=docs"); out != "1\n" {
		t.Errorf("create topic = %q", out)
	}
}
