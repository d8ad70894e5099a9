package export

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// copyFixture copies the Roundup fixture to a temporary directory.
func copyFixture(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	for name, b := range dirFiles(t, fixture) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// editFile replaces old by new in dir/name (old must occur).
func editFile(t *testing.T, dir, name, old, new string) {
	t.Helper()
	p := filepath.Join(dir, name)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not hold %q", name, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, dir string)
		opts Options
		want string // the error text starts with or contains this
		is   error
	}{
		{"unknown class", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "bogus.csv"), []byte("id:is retired\n'1':False\n"), 0o644)
		}, Options{Files: true}, `bogus.csv: no such class "bogus" in schema.py`, tracker.ErrNotFound},
		{"unknown property", func(t *testing.T, dir string) {
			editFile(t, dir, "user.csv", ":timezone:", ":tz:")
		}, Options{Files: true}, `user.csv:1: class user has no property "tz"`, nil},
		{"no id column", func(t *testing.T, dir string) {
			editFile(t, dir, "query.csv", ":id:", ":name:")
		}, Options{Files: true}, `query.csv:1: no "id" column`, nil},
		{"bad literal", func(t *testing.T, dir string) {
			editFile(t, dir, "issue.csv", "'\\xc3\\x9cn\\xc3\\xafc\\xc3\\xb6d\\xc3\\xa9 titles'", "'unterminated")
		}, Options{Files: true}, `issue.csv:2: column title: python literal`, nil},
		{"wrong type", func(t *testing.T, dir string) {
			editFile(t, dir, "priority.csv", ":3.0:", ":'three':")
		}, Options{Files: true}, `priority.csv:2: property order: 'three' is not a Number value`, nil},
		{"field count", func(t *testing.T, dir string) {
			editFile(t, dir, "keyword.csv", "'needs review':False", "'needs review'")
		}, Options{Files: true}, `keyword.csv:2: 6 fields, the header has 7`, nil},
		{"bad journal date", func(t *testing.T, dir string) {
			editFile(t, dir, "user-journals.csv", "'3':(2026, 11, 26, 9, 0, 0.0, 0, 0, 0)", "'3':(2026, 13, 26, 9, 0, 0.0, 0, 0, 0)")
		}, Options{Files: true}, `user-journals.csv:4: date (2026, 13, 26, 9, 0, 0.0, 0, 0, 0) is out of range`, nil},
		{"unknown journal property", func(t *testing.T, dir string) {
			editFile(t, dir, "user-journals.csv", "'realname': 'Alice'", "'nick': 'Alice'")
		}, Options{Files: true}, `user-journals.csv:4: class user has no property "nick"`, nil},
		{"missing content", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "msg-files", "0", "msg2"))
		}, Options{Files: true}, `msg.csv:3: content of msg2: open`, nil},
		{"missing journal", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "status-journals.csv"))
		}, Options{Files: true}, `importing the journal of status: open`, nil},
		{"unknown class listed", func(t *testing.T, dir string) {}, Options{Classes: []string{"user", "bogus"}}, `no such class "bogus"`, tracker.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyFixture(t)
			tc.edit(t, dir)
			svc := newTracker(t, "classic", "sqlite", "")
			err := Import(context.Background(), svc, dir, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Import = %v, want an error holding %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Import = %v, want it to wrap %v", err, tc.is)
			}
			// One transaction: nothing of the export stays behind.
			for _, class := range svc.Schema.ClassNames() {
				if n := countItems(t, svc, class); n != 0 {
					t.Errorf("after the failed import %s holds %d items, want 0", class, n)
				}
			}
		})
	}
}

func countItems(t *testing.T, svc *tracker.Service, class string) int {
	t.Helper()
	var n int
	err := svc.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter(class, &tracker.Filter{Retired: tracker.AnyRetired})
		n = len(ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportIntoInitialised: an initialised tracker already has users and
// lookup values; the import is refused and changes nothing.
func TestImportIntoInitialised(t *testing.T) {
	svc := newTracker(t, "classic", "sqlite", "")
	initialise(t, svc, "classic")
	err := Import(context.Background(), svc, fixture, Options{Files: true})
	if err == nil || !errors.Is(err, tracker.ErrConflict) || !strings.Contains(err.Error(), "without initialise") {
		t.Fatalf("Import into an initialised tracker = %v, want ErrConflict saying to import without initialise", err)
	}
	for class, want := range map[string]int{"user": 2, "status": 8, "issue": 0} {
		if n := countItems(t, svc, class); n != want {
			t.Errorf("after the refused import %s holds %d items, want %d", class, n, want)
		}
	}
}

// TestSelection checks Roundup's [[-]class,...] argument both ways.
func TestSelection(t *testing.T) {
	ctx := context.Background()
	dir := copyFixture(t)
	os.WriteFile(filepath.Join(dir, "bogus.csv"), []byte("id:is retired\n'1':False\n"), 0o644)
	svc := newTracker(t, "classic", "sqlite", "")
	// Leaving out a class the schema lacks lets the rest import.
	if err := Import(ctx, svc, dir, Options{Classes: []string{"-bogus", "query"}, Files: true}); err != nil {
		t.Fatalf("Import(-bogus,query) = %v", err)
	}
	for class, want := range map[string]int{"user": 6, "issue": 2, "query": 0} {
		if n := countItems(t, svc, class); n != want {
			t.Errorf("Import(-bogus,query): %s holds %d items, want %d", class, n, want)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := Export(ctx, svc, out, Options{Classes: []string{"user", "status"}}); err != nil {
		t.Fatalf("Export(user,status) = %v", err)
	}
	var names []string
	for n := range dirFiles(t, out) {
		names = append(names, n)
	}
	if len(names) != 4 {
		t.Errorf("Export(user,status) wrote %v, want user and status .csv and -journals.csv", names)
	}
	out2 := filepath.Join(t.TempDir(), "out2")
	if err := Export(ctx, svc, out2, Options{Classes: []string{"-msg", "file", "issue"}}); err != nil {
		t.Fatalf("Export(-msg,file,issue) = %v", err)
	}
	files := dirFiles(t, out2)
	for _, n := range []string{"msg.csv", "file.csv", "issue.csv"} {
		if _, ok := files[n]; ok {
			t.Errorf("Export(-msg,file,issue) wrote %s", n)
		}
	}
	if _, ok := files["user.csv"]; !ok {
		t.Errorf("Export(-msg,file,issue) did not write user.csv")
	}
}
