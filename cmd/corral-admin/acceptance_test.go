package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBPOAcceptance is the acceptance scenario: a python-dev
// home installed and initialised with corral-admin, then `create issue
// title=... components="Library (Lib)"` prints the new id and the
// detectors assign and nosy per the component, as on bugs.python.org.
func TestBPOAcceptance(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "demo")
	if r := runAdmin(t, "", "-i", home, "install", "python-dev", "sqlite"); r.code != 0 || !strings.Contains(r.out, "You MUST run the \"corral-admin initialise\" command") {
		t.Fatalf("install = %d, %q, %q", r.code, r.out, r.err)
	}
	if r := runAdmin(t, "", "-i", home, "initialise", "secret"); r.code != 0 || r.out != "" || r.err != "" {
		t.Fatalf("initialise = %d, %q, %q; want 0 and no output", r.code, r.out, r.err)
	}
	mustRun(t, home, "create", "user", "username=bob", "address=bob@example.com", "roles=Developer")
	mustRun(t, home, "create", "user", "username=alice", "address=alice@example.com")
	mustRun(t, home, "set", "component12", "assign_to=bob", "add_as_nosy=alice")
	if got := mustRun(t, home, "get", "name", "component12"); got != "Library (Lib)\n" {
		t.Fatalf("component12 = %q, want Library (Lib)", got)
	}
	if got := mustRun(t, home, "create", "issue", "title=json.loads crashes on deep nesting", `components=Library (Lib)`); got != "1\n" {
		t.Errorf("create issue printed %q, want the new id 1", got)
	}
	for _, c := range []struct{ prop, want string }{
		{"assignee", "3"},           // bob, the component's assign_to
		{"nosy", "['1', '3', '4']"}, // admin (author), bob (assignee), alice (add_as_nosy)
		{"status", "1"},             // open
		{"components", "['12']"},
		{"title", "json.loads crashes on deep nesting"},
	} {
		if got := strings.TrimSuffix(mustRun(t, home, "get", c.prop, "issue1"), "\n"); got != c.want {
			t.Errorf("get %s issue1 = %q, want %q", c.prop, got, c.want)
		}
	}
	if got := mustRun(t, home, "-d", "get", "assignee", "issue1"); got != "user3\n" {
		t.Errorf("-d get assignee issue1 = %q, want user3", got)
	}
}

// TestMessageRestoreOrder: `set issueN messages=-M` then `+M` puts the
// message back where it was (multilinks are kept in id order), and the
// history shows both changes.
func TestMessageRestoreOrder(t *testing.T) {
	home := newHome(t, "python-dev")
	mustRun(t, home, "create", "issue", "title=order")
	for i := 1; i <= 3; i++ {
		mustRun(t, home, "create", "msg", "content=message "+string(rune('0'+i)), "author=admin")
	}
	mustRun(t, home, "set", "issue1", "messages=1,2,3")
	steps := []struct{ edit, want string }{
		{"messages=-2", "['1', '3']"},
		{"messages=+2", "['1', '2', '3']"},
		{"messages=-1", "['2', '3']"},
		{"messages=+1", "['1', '2', '3']"},
	}
	for _, s := range steps {
		mustRun(t, home, "set", "issue1", s.edit)
		if got := strings.TrimSuffix(mustRun(t, home, "get", "messages", "issue1"), "\n"); got != s.want {
			t.Errorf("after set issue1 %s: messages = %s, want %s", s.edit, got, s.want)
		}
	}
	h := mustRun(t, home, "history", "issue1")
	for _, want := range []string{"modified messages: removed: msg2", "modified messages: added: msg2"} {
		if !strings.Contains(h, want) {
			t.Errorf("history issue1 lacks %q:\n%s", want, h)
		}
	}
}

// TestInitialiseExisting: an initialised database is not wiped without
// -y when stdin is not a terminal; -y (before or after the command) wipes
// it; a missing password without a terminal is a usage error.
func TestInitialiseExisting(t *testing.T) {
	home := newHome(t, "classic")
	mustRun(t, home, "create", "issue", "title=precious")
	r := runAdmin(t, "", "-i", home, "initialise", "other")
	if r.code != 1 || !strings.HasPrefix(r.err, "Error: The database is already initialised!") {
		t.Fatalf("initialise on existing db = %d, %q; want 1 and a refusal", r.code, r.err)
	}
	if got := mustRun(t, home, "list", "issue"); got != "   1: precious\n" {
		t.Fatalf("after refused initialise: list issue = %q", got)
	}
	r = runAdmin(t, "", "-i", home, "initialise")
	if r.code != 1 || !strings.Contains(r.err, "Error: no admin password given and stdin is not a terminal") || !strings.Contains(r.err, "Usage: initialise [adminpw]") {
		t.Errorf("initialise without password = %d, %q", r.code, r.err)
	}
	for _, args := range [][]string{{"-y", "-i", home, "initialise", "other"}, {"-i", home, "initialise", "-y", "again"}} {
		if r := runAdmin(t, "", args...); r.code != 0 {
			t.Fatalf("%v = %d, %q", args, r.code, r.err)
		}
		if got := mustRun(t, home, "list", "issue"); got != "" {
			t.Errorf("after %v: list issue = %q, want empty", args, got)
		}
	}
	if r := runAdmin(t, "", "-i", home, "-u", "admin:again", "list", "user"); r.code != 0 {
		t.Errorf("admin password after re-initialise: %d %q", r.code, r.err)
	}
}

// TestInstallRefusals: install into a missing parent, over an existing
// tracker (without -y), with an unknown template or bad settings.
func TestInstallRefusals(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"parent", []string{"-i", filepath.Join(dir, "no", "such"), "install", "classic", "sqlite"}, "Error: Instance home parent directory"},
		{"template", []string{"-i", filepath.Join(dir, "t"), "install", "nosuch", "sqlite"}, `Error: "nosuch" is not one of the templates`},
		{"backend", []string{"-i", filepath.Join(dir, "b"), "install", "classic", "anydbm"}, `Error: "anydbm" is not one of the back ends`},
		{"settings", []string{"-i", filepath.Join(dir, "s"), "install", "classic", "sqlite", "mail_domain"}, `Error: Error in configuration settings: "mail_domain"`},
		{"no template", []string{"-i", filepath.Join(dir, "n"), "install"}, "Error: Not enough arguments supplied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runAdmin(t, "", tt.args...)
			if r.code != 1 || !strings.HasPrefix(r.err, tt.want) {
				t.Errorf("%v = %d, %q; want 1, %q...", tt.args, r.code, r.err, tt.want)
			}
		})
	}
	home := filepath.Join(dir, "twice")
	mustRun(t, home, "install", "minimal", "sqlite", "mail_domain=example.org")
	r := runAdmin(t, "", "-i", home, "install", "classic", "sqlite")
	if r.code != 1 || !strings.Contains(r.err, "there appears to be a tracker in") {
		t.Errorf("second install without -y = %d, %q", r.code, r.err)
	}
	if r := runAdmin(t, "", "-y", "-i", home, "install", "classic", "sqlite"); r.code != 0 {
		t.Errorf("second install with -y = %d, %q", r.code, r.err)
	}
	if b, err := os.ReadFile(filepath.Join(home, "schema.py")); err != nil || !strings.Contains(string(b), "keyword") {
		t.Errorf("after -y install the home is not classic's: %v", err)
	}
}
