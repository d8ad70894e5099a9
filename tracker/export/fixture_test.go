package export

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// fixture is a Roundup 2.6 export of a classic tracker, written by
// testdata/gen_roundup_classic.py with Python's csv module and repr().
const fixture = "testdata/roundup-classic"

// display renders an item as `roundup-admin -P display_protected=1
// display` does: every property, automatic ones included, Roundup's
// value formatting.
func display(it *tracker.Item) map[string]string {
	m := map[string]string{}
	for _, p := range append(append([]*tracker.Property(nil), it.Class.Props...), tracker.ProtectedProps()...) {
		if p.Name == "content" {
			continue
		}
		m[p.Name] = tracker.FormatValue(p, it.Get(p.Name))
	}
	return m
}

// history renders an item's journal one line per entry: date, user id,
// action and the params (old values as display shows them, multilink
// changes as +ids/-ids, link targets as class id prop).
func history(c *tracker.Class, j []tracker.JournalEntry) []string {
	var out []string
	for _, e := range j {
		s := tracker.FormatDate(e.Date) + " " + e.User + " " + e.Action
		p := e.Params
		switch e.Action {
		case tracker.ActLink, tracker.ActUnlink:
			s += " " + p.LinkClass + p.LinkID + " " + p.LinkProp
		case tracker.ActSet:
			for _, k := range p.Changed() {
				s += " " + k
				if v, ok := p.Old[k]; ok {
					s += "=" + tracker.FormatValue(c.Prop(k), v)
				}
				if a := p.Added[k]; len(a) > 0 {
					s += " +" + strings.Join(a, ",")
				}
				if r := p.Removed[k]; len(r) > 0 {
					s += " -" + strings.Join(r, ",")
				}
			}
		}
		out = append(out, s)
	}
	return out
}

func importFixture(t *testing.T, backend string, opts Options) *tracker.Service {
	t.Helper()
	svc := newTracker(t, "classic", backend, "")
	if err := Import(context.Background(), svc, fixture, opts); err != nil {
		t.Fatalf("Import(%s) = %v", fixture, err)
	}
	return svc
}

// TestImportRoundupFixture imports Roundup's export of a classic tracker
// into a freshly installed (not initialised) classic tracker and checks
// what `display`, `history`, `get content` and logins would show.
func TestImportRoundupFixture(t *testing.T) {
	items := []struct {
		designator string
		want       map[string]string
		retired    bool
	}{
		{"user1", map[string]string{"id": "1", "username": "admin", "roles": "Admin", "address": "roundup-admin@localhost",
			"realname": "None", "queries": "[]", "creation": "2026-11-25.15:29:41", "activity": "2026-11-25.15:29:41",
			"creator": "1", "actor": "1", "organisation": "None", "phone": "None", "timezone": "None", "alternate_addresses": "None"}, false},
		{"user3", map[string]string{"username": "alice", "realname": "Alice Ünïcödé", "organisation": "O'Reilly: Books",
			"queries": "['1']", "timezone": "Europe/Berlin", "creation": "2026-11-25.15:31:02", "activity": "2026-11-27.10:11:12",
			"creator": "1", "actor": "3"}, false},
		{"user4", map[string]string{"username": "bob", "realname": `Bob "the builder"`, "phone": "+1 555 0100"}, false},
		{"user5", map[string]string{"username": "carol", "address": "carol@example.com"}, true},
		{"user6", map[string]string{"username": "carol", "address": "carol@example.org", "creation": "2026-11-28.00:00:02"}, false},
		{"priority3", map[string]string{"name": "bug", "order": "3.0"}, false},
		{"status8", map[string]string{"name": "resolved", "order": "8.0"}, false},
		{"keyword2", map[string]string{"name": "Ünicode", "activity": "2026-11-25.15:31:02"}, false},
		{"keyword3", map[string]string{"name": "obsolete"}, true},
		{"query1", map[string]string{"klass": "issue", "private_for": "3", "url": "@columns=id,title&@filter=assignedto&assignedto=3"}, false},
		{"issue1", map[string]string{"title": "Ünïcödé titles", "assignedto": "4", "files": "['1', '2']", "keyword": "['1', '2']",
			"messages": "['1', '2']", "nosy": "['1', '3', '4']", "priority": "3", "status": "3", "superseder": "[]",
			"creation": "2026-11-25.15:40:12", "creator": "3", "activity": "2026-11-25.16:02:07", "actor": "4"}, false},
		{"issue2", map[string]string{"title": `it's: a "quoted" title`, "assignedto": "None", "priority": "None",
			"status": "1", "superseder": "['1']", "nosy": "['3']", "messages": "[]"}, true},
		{"msg1", map[string]string{"author": "3", "recipients": "['1', '4']", "date": "2026-11-25.15:40:12",
			"summary": "Hello, this is Ünïcödé.", "messageid": "<msg1@example.com>", "inreplyto": "None", "type": "text/plain", "files": "[]"}, false},
		{"msg2", map[string]string{"files": "['1']", "inreplyto": "<msg1@example.com>", "type": "None"}, false},
		{"msg3", map[string]string{"summary": "spam spam spam"}, true},
		{"file2", map[string]string{"name": "logo.png", "type": "image/png", "creator": "4"}, false},
	}
	journals := []struct {
		designator string
		want       []string
	}{
		{"issue1", []string{
			"2026-11-25.15:40:12 3 create",
			"2026-11-25.16:02:07 4 set assignedto=None files +1,2 keyword +2 -3 messages +2 nosy +1,4 status=1",
			"2026-11-27.10:11:12 3 link issue2 superseder",
		}},
		{"issue2", []string{"2026-11-27.10:11:12 3 create", "2026-11-28.00:00:01 1 retired"}},
		{"user3", []string{
			"2026-11-25.15:31:02 1 create",
			"2026-11-26.09:00:00 1 set password={PBKDF2S5}*encrypted* realname=Alice",
			"2026-11-27.10:11:12 3 link query1 private_for",
			"2026-11-27.10:11:12 3 set queries +1",
		}},
		{"keyword2", []string{
			"2026-11-25.15:31:02 1 create",
			"2026-11-25.16:02:07 4 link issue1 keyword",
			"2026-11-26.09:00:00 1 retired",
			"2026-11-26.09:00:00 1 restored",
		}},
		{"keyword3", []string{
			"2026-11-25.15:31:02 1 create",
			"2026-11-25.15:40:12 3 link issue1 keyword",
			"2026-11-25.16:02:07 4 unlink issue1 keyword",
			"2026-11-26.09:00:00 1 retired",
		}},
		{"status1", []string{
			"2026-11-25.15:29:41 1 create",
			"2026-11-25.15:40:12 3 link issue1 status",
			"2026-11-25.16:02:07 4 unlink issue1 status",
			"2026-11-27.10:11:12 3 link issue2 status",
		}},
		{"file1", []string{"2026-11-25.16:02:07 4 create", "2026-11-25.16:02:07 4 link msg2 files", "2026-11-25.16:02:07 4 link issue1 files"}},
		{"msg3", []string{"2026-11-28.00:00:01 1 create", "2026-11-28.00:00:01 1 retired"}},
	}
	contents := map[string]string{
		"msg1":  "Hello, this is Ünïcödé.\n\nSecond paragraph: with a colon and \"quotes\".\n",
		"msg3":  "spam spam spam\n",
		"file1": "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-old\n+new\n",
		"file2": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe:\"'\n",
	}
	passwords := map[string]string{"admin": "secret", "alice": "alicepw", "bob": "bobpw"}

	for _, backend := range backends() {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			svc := importFixture(t, backend, Options{Files: true})
			err := svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
				for _, tc := range items {
					class, id, _ := tracker.SplitDesignator(tc.designator)
					it, err := tx.Get(class, id)
					if err != nil {
						t.Errorf("Get(%s) = %v", tc.designator, err)
						continue
					}
					got := display(it)
					for k, w := range tc.want {
						if got[k] != w {
							t.Errorf("display %s: %s = %q, want %q", tc.designator, k, got[k], w)
						}
					}
					if it.Retired != tc.retired {
						t.Errorf("%s retired = %v, want %v", tc.designator, it.Retired, tc.retired)
					}
				}
				for _, tc := range journals {
					class, id, _ := tracker.SplitDesignator(tc.designator)
					j, err := tx.Journal(class, id)
					if err != nil {
						return err
					}
					if got := history(svc.Schema.Class(class), j); !reflect.DeepEqual(got, tc.want) {
						t.Errorf("history %s =\n%s\nwant\n%s", tc.designator, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
					}
				}
				for d, w := range contents {
					class, id, _ := tracker.SplitDesignator(d)
					if b, err := tx.Content(class, id); err != nil || string(b) != w {
						t.Errorf("Content(%s) = %q, %v; want %q", d, b, err, w)
					}
				}
				for name, pw := range passwords {
					id, err := tx.Lookup("user", name)
					if err != nil {
						return err
					}
					u, _ := tx.Get("user", id)
					if p, _ := u.Values["password"].(tracker.Password); !p.Verify(pw) {
						t.Errorf("password of %s (%s) does not verify %q", name, p, pw)
					}
				}
				if id, err := tx.Lookup("user", "carol"); err != nil || id != "6" {
					t.Errorf(`Lookup(user, "carol") = %q, %v; want 6 (5 is retired)`, id, err)
				}
				for _, q := range []struct{ class, text, want string }{
					{"msg", "paragraph", "1"}, {"issue", "titles", "1"}, {"file", "new", "1"},
				} {
					ids, _, err := tx.Filter(q.class, &tracker.Filter{Text: q.text, Retired: tracker.AnyRetired})
					if err != nil || !slices.Equal(ids, []string{q.want}) {
						t.Errorf("Filter(%s, text %q) = %v, %v; want [%s] (imported text is indexed)", q.class, q.text, ids, err, q.want)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Ids continue after the imported ones.
			err = svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
				for class, want := range map[string]string{"issue": "3", "user": "7", "msg": "4", "keyword": "4"} {
					vals := tracker.Values{"title": "new"}
					switch class {
					case "user":
						vals = tracker.Values{"username": "dave"}
					case "msg":
						vals = tracker.Values{"content": "x"}
					case "keyword":
						vals = tracker.Values{"name": "fresh"}
					}
					id, err := tx.Create(class, vals)
					if err != nil {
						return err
					}
					if id != want {
						t.Errorf("Create(%s) after import = %s, want %s", class, id, want)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestExportMatchesFixture imports the fixture and exports it again: the
// files must be Roundup's byte for byte (header, row order, quoting,
// repr of every value, journal order, content files).
func TestExportMatchesFixture(t *testing.T) {
	for _, backend := range backends() {
		t.Run(backend, func(t *testing.T) {
			svc := importFixture(t, backend, Options{Files: true})
			out := filepath.Join(t.TempDir(), "export")
			if err := Export(context.Background(), svc, out, Options{Files: true}); err != nil {
				t.Fatalf("Export = %v", err)
			}
			compareDirs(t, fixture, out)
		})
	}
}

// TestTablesOnly is exporttables/importtables: no content files are read
// or written, everything else is the same.
func TestTablesOnly(t *testing.T) {
	last := map[string][2]int{}
	svc := importFixture(t, "sqlite", Options{Progress: func(class string, done, total int) {
		last[class] = [2]int{done, total}
	}})
	for class, want := range map[string]int{"user": 6, "status": 8, "issue": 2, "msg": 3, "query": 1} {
		if got := last[class]; got != [2]int{want, want} {
			t.Errorf("import progress of %s ended at %d of %d, want %d of %d", class, got[0], got[1], want, want)
		}
	}
	err := svc.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		for _, d := range []string{"msg1", "file2"} {
			class, id, _ := tracker.SplitDesignator(d)
			if b, err := tx.Content(class, id); err != nil || len(b) != 0 {
				t.Errorf("importtables: Content(%s) = %q, %v; want empty", d, b, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tables")
	var classes []string
	err = Export(context.Background(), svc, out, Options{Progress: func(class string, done, total int) {
		if done == total && !slices.Contains(classes, class) {
			classes = append(classes, class)
		}
	}})
	if err != nil {
		t.Fatalf("Export = %v", err)
	}
	got := dirFiles(t, out)
	want := dirFiles(t, fixture)
	for name := range want {
		if strings.Contains(name, "-files/") {
			delete(want, name)
		}
	}
	var gotNames, wantNames []string
	for n := range got {
		gotNames = append(gotNames, n)
	}
	for n := range want {
		wantNames = append(wantNames, n)
		if string(got[n]) != string(want[n]) {
			t.Errorf("exporttables %s differs from the fixture", n)
		}
	}
	sort.Strings(gotNames)
	sort.Strings(wantNames)
	if !slices.Equal(gotNames, wantNames) {
		t.Errorf("exporttables wrote %v, want %v", gotNames, wantNames)
	}
	if want := svc.Schema.ClassNames(); !slices.Equal(classes, want) {
		t.Errorf("progress reported classes %v, want %v", classes, want)
	}
	if _, err := os.Stat(filepath.Join(out, "msg-files")); !os.IsNotExist(err) {
		t.Errorf("exporttables wrote msg-files (stat err %v)", err)
	}
}
