package export

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// extraSchema adds a class with every property type to the classic
// schema, so the round trip covers Boolean, Integer, Interval, Date and
// Password values in items and journals.
const extraSchema = `extra = Class(db, "extra", name=String(), flag=Boolean(), count=Integer(),
    span=Interval(), when=Date(), ratio=Number(), secret=Password(),
    owner=Link("user"), watchers=Multilink("user"))
extra.setkey("name")
`

// populate fills a freshly initialised classic+extra tracker with data
// exercising every value kind, retire/restore, keys reused by retired
// items, text and binary contents, and every journal action.
func populate(t *testing.T, svc *tracker.Service) {
	t.Helper()
	ctx := context.Background()
	step := func(fn func(tx *tracker.Tx) error) {
		t.Helper()
		if err := svc.Update(ctx, tracker.AdminID, fn); err != nil {
			t.Fatal(err)
		}
	}
	pw, err := tracker.HashPassword("alicepw", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var alice, bob, carol string
	step(func(tx *tracker.Tx) error {
		var err error
		if alice, err = tx.Create("user", tracker.Values{"username": "alice", "realname": "Alice Ünïcödé",
			"address": "alice@example.com", "roles": "User", "password": pw, "organisation": "Alice's \"Org\": Ltd"}); err != nil {
			return err
		}
		if bob, err = tx.Create("user", tracker.Values{"username": "bob", "realname": "Bob\nTwo lines\ttab", "roles": "User,Developer"}); err != nil {
			return err
		}
		if carol, err = tx.Create("user", tracker.Values{"username": "carol", "roles": "User"}); err != nil {
			return err
		}
		return tx.Retire("user", carol)
	})
	var carol2, kw1, kw2, m1, m2, f1, f2, i1, i2 string
	step(func(tx *tracker.Tx) error {
		var err error
		if carol2, err = tx.Create("user", tracker.Values{"username": "carol", "roles": "User", "timezone": "Europe/Berlin"}); err != nil {
			return err
		}
		if kw1, err = tx.Create("keyword", tracker.Values{"name": "needs review"}); err != nil {
			return err
		}
		if kw2, err = tx.Create("keyword", tracker.Values{"name": "späm"}); err != nil {
			return err
		}
		if m1, err = tx.Create("msg", tracker.Values{"author": alice, "content": "Hello,\nÜnïcödé body: \"quoted\" 'single'\n",
			"date": tx.Service().Now(), "recipients": []string{"1", bob}, "messageid": "<1@example.com>", "summary": "Hello,"}); err != nil {
			return err
		}
		if m2, err = tx.Create("msg", tracker.Values{"author": bob, "content": "second", "inreplyto": "<1@example.com>"}); err != nil {
			return err
		}
		if f1, err = tx.Create("file", tracker.Values{"name": "fix.patch", "type": "text/x-diff", "content": "--- a\n+++ b\n"}); err != nil {
			return err
		}
		if f2, err = tx.Create("file", tracker.Values{"name": "logo.png", "type": "image/png", "content": []byte("\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")}); err != nil {
			return err
		}
		if i1, err = tx.Create("issue", tracker.Values{"title": "Ünïcödé titles: it's \"fun\"", "status": "1", "priority": "3",
			"messages": []string{m1}, "nosy": []string{alice, "1"}, "keyword": []string{kw1}, "files": []string{f1, f2}}); err != nil {
			return err
		}
		i2, err = tx.Create("issue", tracker.Values{"title": "second", "status": "2", "superseder": []string{i1}})
		return err
	})
	step(func(tx *tracker.Tx) error {
		if err := tx.Set("issue", i1, tracker.Values{"status": "3", "assignedto": bob, "keyword": []string{kw2},
			"messages": []string{m1, m2}, "nosy": []string{bob, "1"}}); err != nil {
			return err
		}
		if err := tx.Set("user", alice, tracker.Values{"realname": "Alice", "password": tracker.Password("{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3")}); err != nil {
			return err
		}
		if err := tx.Retire("keyword", kw1); err != nil {
			return err
		}
		if err := tx.Retire("issue", i2); err != nil {
			return err
		}
		return tx.Restore("issue", i2)
	})
	when := time.Date(2025, 2, 3, 4, 5, 6, 789e6, time.UTC)
	var x1 string
	step(func(tx *tracker.Tx) error {
		var err error
		x1, err = tx.Create("extra", tracker.Values{"name": "x", "flag": true, "count": int64(-7),
			"span": tracker.Interval{Sign: -1, Day: 10, Hour: 3, Minute: 4, Second: 5}, "when": when, "ratio": 0.1,
			"secret": pw, "owner": alice, "watchers": []string{alice, bob}})
		if err != nil {
			return err
		}
		_, err = tx.Create("extra", tracker.Values{"name": "y:z", "flag": false, "count": int64(0), "span": tracker.Interval{Sign: 1}, "ratio": 1e20})
		return err
	})
	step(func(tx *tracker.Tx) error {
		return tx.Set("extra", x1, tracker.Values{"flag": false, "count": int64(3), "span": tracker.Interval{Sign: 1, Year: 1, Month: 2},
			"when": when.Add(time.Hour), "ratio": 2.5, "secret": tracker.Password("{plaintext}x"), "owner": nil, "watchers": []string{carol2}})
	})
}

// snapshot is everything a tracker holds, per class: items (all
// properties, automatic ones included), journals and contents.
type snapshot map[string]classSnap

type classSnap struct {
	items    []*tracker.Item
	journal  []tracker.JournalEntry
	contents map[string][]byte
}

func takeSnapshot(t *testing.T, svc *tracker.Service) snapshot {
	t.Helper()
	s := snapshot{}
	err := svc.Read(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
		for _, c := range svc.Schema.Classes {
			ids, _, err := tx.Filter(c.Name, &tracker.Filter{Retired: tracker.AnyRetired})
			if err != nil {
				return err
			}
			tracker.SortIDs(ids)
			items, err := tx.GetMany(c.Name, ids, nil)
			if err != nil {
				return err
			}
			j, err := tx.JournalClass(c.Name)
			if err != nil {
				return err
			}
			cs := classSnap{items: items, journal: j, contents: map[string][]byte{}}
			if c.HasContent() {
				for _, id := range ids {
					b, err := tx.Content(c.Name, id)
					if err != nil {
						return err
					}
					cs.contents[id] = b
				}
			}
			s[c.Name] = cs
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// compareSnapshots reports every difference between want and got.
func compareSnapshots(t *testing.T, want, got snapshot) {
	t.Helper()
	for class, w := range want {
		g := got[class]
		if len(g.items) != len(w.items) {
			t.Errorf("%s: %d items after import, want %d", class, len(g.items), len(w.items))
			continue
		}
		for i, wi := range w.items {
			gi := g.items[i]
			for _, p := range append(append([]*tracker.Property(nil), wi.Class.Props...), tracker.ProtectedProps()...) {
				if wv, gv := wi.Get(p.Name), gi.Get(p.Name); !tracker.Equal(wv, gv) {
					t.Errorf("%s%s.%s = %#v, want %#v", class, wi.ID, p.Name, gv, wv)
				}
			}
			if gi.Retired != wi.Retired {
				t.Errorf("%s%s retired = %v, want %v", class, wi.ID, gi.Retired, wi.Retired)
			}
			if wc, gc := w.contents[wi.ID], g.contents[wi.ID]; !bytes.Equal(wc, gc) {
				t.Errorf("content of %s%s = %q, want %q", class, wi.ID, gc, wc)
			}
		}
		sortJournal(w.journal)
		sortJournal(g.journal)
		if !reflect.DeepEqual(journalStrings(g.journal), journalStrings(w.journal)) {
			t.Errorf("%s journal after import:\n%s\nwant:\n%s", class,
				strings.Join(journalStrings(g.journal), "\n"), strings.Join(journalStrings(w.journal), "\n"))
		}
	}
}

func sortJournal(j []tracker.JournalEntry) {
	sort.SliceStable(j, func(a, b int) bool {
		x, y := tracker.IDInt(j[a].ItemID), tracker.IDInt(j[b].ItemID)
		if x != y {
			return x < y
		}
		return j[a].Date.Before(j[b].Date)
	})
}

// journalStrings renders entries with their typed params (%#v shows Go
// types, so a bool that came back as an int would differ).
func journalStrings(j []tracker.JournalEntry) []string {
	out := make([]string, len(j))
	for i, e := range j {
		var old []string
		for _, k := range sortedKeys(e.Params.Old) {
			old = append(old, fmt.Sprintf("%s=%#v", k, e.Params.Old[k]))
		}
		out[i] = fmt.Sprintf("%s%s %s user=%s %s old{%s} add%v rem%v link(%s,%s,%s)", e.Class, e.ItemID,
			e.Date.UTC().Format(time.RFC3339Nano), e.User, e.Action, strings.Join(old, " "),
			e.Params.Added, e.Params.Removed, e.Params.LinkClass, e.Params.LinkID, e.Params.LinkProp)
	}
	return out
}

func sortedKeys(m tracker.Values) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestRoundTrip exports a populated tracker, imports the export into a
// freshly installed home, and checks that every item, journal entry and
// content came back, and that exporting again gives the same bytes.
func TestRoundTrip(t *testing.T) {
	for _, backend := range backends() {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			src := newTracker(t, "classic", backend, extraSchema)
			initialise(t, src, "classic")
			populate(t, src)
			want := takeSnapshot(t, src)

			dirA := filepath.Join(t.TempDir(), "a")
			if err := Export(ctx, src, dirA, Options{Files: true}); err != nil {
				t.Fatalf("Export: %v", err)
			}
			dst := newTracker(t, "classic", backend, extraSchema)
			if err := Import(ctx, dst, dirA, Options{Files: true}); err != nil {
				t.Fatalf("Import: %v", err)
			}
			compareSnapshots(t, want, takeSnapshot(t, dst))

			dirB := filepath.Join(t.TempDir(), "b")
			if err := Export(ctx, dst, dirB, Options{Files: true}); err != nil {
				t.Fatalf("Export of the imported tracker: %v", err)
			}
			compareDirs(t, dirA, dirB)

			// New items continue after the imported ids.
			err := dst.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
				id, err := tx.Create("issue", tracker.Values{"title": "after import"})
				if err != nil {
					return err
				}
				if n := len(want["issue"].items); id != fmt.Sprint(n+1) {
					t.Errorf("new issue id after import = %s, want %d", id, n+1)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// compareDirs checks that two export directories hold the same files
// with the same bytes.
func compareDirs(t *testing.T, want, got string) {
	t.Helper()
	wf, gf := dirFiles(t, want), dirFiles(t, got)
	for name, wb := range wf {
		gb, ok := gf[name]
		if !ok {
			t.Errorf("%s: missing from %s", name, got)
			continue
		}
		if !bytes.Equal(gb, wb) {
			t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, gb, wb)
		}
	}
	for name := range gf {
		if _, ok := wf[name]; !ok {
			t.Errorf("%s: unexpected file in %s", name, got)
		}
	}
}

func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
