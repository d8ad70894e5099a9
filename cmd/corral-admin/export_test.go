package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImport moves a python-dev tracker through export and
// import into a freshly installed (not initialised) home — Roundup's
// "Migrating backends" — and checks that items, ids, journals and
// message contents came along; exporttables leaves the contents out.
func TestExportImport(t *testing.T) {
	src := newHome(t, "python-dev")
	mustRun(t, src, "create", "user", "username=bob", "address=bob@example.com")
	mustRun(t, src, "create", "msg", "content=first line\nsecond line\n", "author=bob")
	mustRun(t, src, "create", "issue", "title=exported", "messages=1", "nosy=bob")
	mustRun(t, src, "retire", "user3")
	dir := filepath.Join(t.TempDir(), "export")
	if out := mustRun(t, src, "export", dir); out != "" {
		t.Errorf("export printed %q; want nothing off a terminal", out)
	}
	for _, f := range []string{"issue.csv", "issue-journals.csv", "msg-files/0/msg1"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("export wrote no %s: %v", f, err)
		}
	}
	dst := filepath.Join(t.TempDir(), "copy")
	mustRun(t, dst, "install", "python-dev", "sqlite")
	if out := mustRun(t, dst, "import", dir); out != "" {
		t.Errorf("import printed %q", out)
	}
	for _, args := range [][]string{
		{"display", "issue1"},
		{"get", "content", "msg1"},
		{"history", "issue1"},
		{"-P", "show_retired=both", "list", "user"},
		{"list", "status"},
	} {
		want, got := mustRun(t, src, args...), mustRun(t, dst, args...)
		if got != want {
			t.Errorf("%v after import = %q, want %q", args, got, want)
		}
	}
	// New ids continue after the imported ones.
	if got := mustRun(t, dst, "create", "issue", "title=next"); got != "2\n" {
		t.Errorf("first new issue after import = %q, want 2", got)
	}
	// Importing again into a tracker that has the items is refused.
	if r := runAdmin(t, "", "-i", dst, "import", dir); r.code != 1 || !strings.HasPrefix(r.err, "Error: ") {
		t.Errorf("second import = %d, %q; want a refusal", r.code, r.err)
	}

	tables := filepath.Join(t.TempDir(), "tables")
	mustRun(t, src, "exporttables", "-msg,file", tables)
	if _, err := os.Stat(filepath.Join(tables, "msg.csv")); err == nil {
		t.Error("exporttables -msg,file wrote msg.csv")
	}
	if _, err := os.Stat(filepath.Join(tables, "issue.csv")); err != nil {
		t.Errorf("exporttables -msg,file: %v", err)
	}
	r := runAdmin(t, "", "-i", src, "export", "nosuch", tables)
	if r.code != 1 || !strings.HasPrefix(r.err, "Error: no such class \"nosuch\"\n\nUsage: export") {
		t.Errorf("export nosuch = %d, %q", r.code, r.err)
	}
	if r := runAdmin(t, "", "-i", src, "-u", "anonymous", "export", tables); r.code != 1 || !strings.Contains(r.err, "permission") {
		t.Errorf("export as anonymous = %d, %q; want a permission error", r.code, r.err)
	}
}
