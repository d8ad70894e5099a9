package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// describeJournal renders entries compactly for comparison:
// "user action detail".
func describeJournal(entries []tracker.JournalEntry) []string {
	var out []string
	for _, e := range entries {
		s := e.User + " " + e.Action
		switch e.Action {
		case tracker.ActSet:
			for _, k := range e.Params.Changed() {
				if v, ok := e.Params.Old[k]; ok {
					s += fmt.Sprintf(" %s=%v", k, tracker.FormatValue(nil, v))
				}
				if a := e.Params.Added[k]; len(a) > 0 {
					s += fmt.Sprintf(" %s+%v", k, a)
				}
				if r := e.Params.Removed[k]; len(r) > 0 {
					s += fmt.Sprintf(" %s-%v", k, r)
				}
			}
		case tracker.ActLink, tracker.ActUnlink:
			s += " " + e.Params.LinkClass + e.Params.LinkID + "." + e.Params.LinkProp
		}
		out = append(out, s)
	}
	return out
}

func testJournal(t *testing.T, f *Fixture) {
	kw := f.Create(t, "keyword", tracker.Values{"name": "easy"})
	id := f.Create(t, "issue", tracker.Values{"title": "first", "status": "1", "nosy": []string{"3"}, "keyword": []string{kw}})
	f.Update(t, "4", func(tx *tracker.Tx) error {
		return tx.Set("issue", id, tracker.Values{"title": "second", "status": "2", "assignedto": "4",
			"nosy": []string{"4"}, "keyword": []string{}, "counter": 3.0})
	})
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("issue", id, tracker.Values{"title": "second"}) // no change: no entry
	})
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Retire("issue", id) })
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Restore("issue", id) })
	for _, pw := range []string{"{plaintext}x", "{plaintext}y"} {
		f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
			return tx.Set("user", "3", tracker.Values{"password": tracker.Password(pw)})
		})
	}
	check := func(class, id string, want []string) {
		t.Helper()
		f.Read(t, func(tx *tracker.Tx) error {
			entries, err := tx.Journal(class, id)
			if err != nil {
				return err
			}
			got := describeJournal(entries)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("journal of %s%s =\n%s\nwant\n%s", class, id, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for i := 1; i < len(entries); i++ {
				if entries[i].Date.Before(entries[i-1].Date) {
					t.Errorf("journal of %s%s not in date order", class, id)
				}
			}
			return nil
		})
	}
	check("issue", id, []string{
		"1 create",
		"4 set assignedto=None counter=None keyword-[" + kw + "] nosy+[4] nosy-[3] status=1 title=first",
		"1 retired",
		"1 restored",
	})
	// keyword journals link/unlink; nosy (do_journal no) does not journal on users.
	check("keyword", kw, []string{"1 create", "1 link issue" + id + ".keyword", "4 unlink issue" + id + ".keyword"})
	check("status", "2", []string{"1 create", "4 link issue" + id + ".status"})
	check("user", "3", []string{"1 create", "1 set password=None", "1 set password={plaintext}*encrypted*"})
	// Retire/restore leave activity and actor alone (Roundup's
	// Class.retire); bob made the last change.
	it := f.Get(t, "issue", id)
	if it.Actor != "4" || it.Creator != "1" {
		t.Errorf("issue%s creator/actor = %s/%s, want 1/4", id, it.Creator, it.Actor)
	}
}

func testRetireRestore(t *testing.T, f *Fixture) {
	kw := f.Create(t, "keyword", tracker.Values{"name": "dup"})
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Retire("keyword", kw) })
	it := f.Get(t, "keyword", kw)
	if !it.Retired {
		t.Fatalf("keyword%s not retired", kw)
	}
	f.Read(t, func(tx *tracker.Tx) error {
		if _, err := tx.Lookup("keyword", "dup"); !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("Lookup of a retired key: err = %v, want ErrNotFound", err)
		}
		ids, _, err := tx.Filter("keyword", &tracker.Filter{})
		if err != nil {
			return err
		}
		for _, x := range ids {
			if x == kw {
				t.Errorf("retired keyword%s listed by Filter", kw)
			}
		}
		return nil
	})
	// The key is free again; restoring the old item then clashes.
	again := f.Create(t, "keyword", tracker.Values{"name": "dup"})
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		if err := tx.Restore("keyword", kw); !errors.Is(err, tracker.ErrConflict) {
			t.Errorf("Restore over a reused key: err = %v, want ErrConflict", err)
		}
		return nil
	})
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Retire("keyword", again) })
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Restore("keyword", kw) })
	if f.Get(t, "keyword", kw).Retired {
		t.Errorf("keyword%s still retired after Restore", kw)
	}
}

func testPermissions(t *testing.T, f *Fixture) {
	own := ""
	f.Update(t, "3", func(tx *tracker.Tx) error {
		var err error
		own, err = tx.Create("issue", tracker.Values{"title": "alice's", "priority": "1"})
		return err
	})
	other := f.Create(t, "issue", tracker.Values{"title": "admin's"})
	cases := []struct {
		user  string
		id    string
		vals  tracker.Values
		allow bool
	}{
		{"3", own, tracker.Values{"title": "x"}, true},
		{"3", other, tracker.Values{"title": "y"}, true},
		{"3", own, tracker.Values{"status": "3"}, true},
		{"3", other, tracker.Values{"status": "3"}, false},
		{"3", other, tracker.Values{"assignedto": "3"}, false},
		{"3", own, tracker.Values{"priority": "2"}, false},
		{"4", other, tracker.Values{"assignedto": "4", "status": "3"}, true},
		{"2", other, tracker.Values{"title": "z"}, false},
		{"3", "3", tracker.Values{"realname": "A."}, false}, // issue3 does not exist: treated below as a user edit
	}
	for _, c := range cases[:len(cases)-1] {
		err := f.Svc.Update(f.Ctx, c.user, func(tx *tracker.Tx) error { return tx.Set("issue", c.id, c.vals) })
		var pe *tracker.PermissionError
		if c.allow && err != nil {
			t.Errorf("user%s Set(issue%s, %v) = %v, want allowed", c.user, c.id, c.vals, err)
		}
		if !c.allow && !errors.As(err, &pe) {
			t.Errorf("user%s Set(issue%s, %v) = %v, want a PermissionError", c.user, c.id, c.vals, err)
		}
	}
	// Own user record: may edit realname, not roles; not another user's.
	for _, c := range []struct {
		user, target string
		vals         tracker.Values
		allow        bool
	}{
		{"3", "3", tracker.Values{"realname": "A."}, true},
		{"3", "3", tracker.Values{"roles": "Admin"}, false},
		{"3", "4", tracker.Values{"realname": "B."}, false},
	} {
		err := f.Svc.Update(f.Ctx, c.user, func(tx *tracker.Tx) error { return tx.Set("user", c.target, c.vals) })
		if (err == nil) != c.allow {
			t.Errorf("user%s Set(user%s, %v) = %v, want allowed=%v", c.user, c.target, c.vals, err, c.allow)
		}
	}
	// Create limited to properties; Anonymous may not create.
	if err := f.Svc.Update(f.Ctx, "3", func(tx *tracker.Tx) error {
		_, err := tx.Create("issue", tracker.Values{"title": "t", "assignedto": "3"})
		return err
	}); err == nil {
		t.Error("User created an issue with assignedto, want refused")
	}
	if err := f.Svc.Update(f.Ctx, "2", func(tx *tracker.Tx) error {
		_, err := tx.Create("issue", tracker.Values{"title": "t"})
		return err
	}); err == nil {
		t.Error("Anonymous created an issue, want refused")
	}
	// Can answers per item for checked permissions.
	f.Svc.Read(f.Ctx, "3", func(tx *tracker.Tx) error {
		if !tx.Can("Edit", "issue", "status", own) || tx.Can("Edit", "issue", "status", other) {
			t.Errorf("Can(Edit issue status) own=%v other=%v, want true/false",
				tx.Can("Edit", "issue", "status", own), tx.Can("Edit", "issue", "status", other))
		}
		if !tx.Can("Edit", "issue", "", "") || !tx.Can("Web Access", "", "", "") || tx.Can("Retire", "issue", "", other) {
			t.Error("class-level Can answers wrong for User")
		}
		return nil
	})
	f.Svc.Read(f.Ctx, "1", func(tx *tracker.Tx) error {
		if !tx.Can("Retire", "issue", "", other) || !tx.Can("Edit", "user", "roles", "3") {
			t.Error("Admin may not do everything")
		}
		return nil
	})
}
