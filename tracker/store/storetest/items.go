package storetest

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

func testPropertyRoundTrip(t *testing.T, f *Fixture) {
	deadline := time.Date(2027, 1, 31, 13, 45, 12, 345e6, time.UTC)
	est, _ := tracker.ParseInterval("- 1w 2d 3:04:05")
	pw, err := tracker.HashPassword("s3cret", 1000)
	if err != nil {
		t.Fatal(err)
	}
	kw1 := f.Create(t, "keyword", tracker.Values{"name": "easy"})
	kw2 := f.Create(t, "keyword", tracker.Values{"name": "patch"})
	title := "Ünïcödé title with 'quotes' and \"double\"\nand a newline"
	id := f.Create(t, "issue", tracker.Values{
		"title": title, "assignedto": "3", "status": "2", "keyword": []string{kw2, kw1},
		"deadline": deadline, "estimate": est, "effort": 2.5, "votes": int64(-7), "private": true,
		"nosy": []string{"4", "3"},
	})
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("user", "3", tracker.Values{"password": pw})
	})
	it := f.Get(t, "issue", id)
	want := tracker.Values{
		"title": title, "assignedto": "3", "status": "2", "keyword": []string{kw1, kw2},
		"deadline": deadline, "estimate": est, "effort": 2.5, "votes": int64(-7), "private": true,
		"nosy": []string{"3", "4"}, "messages": []string{}, "files": []string{}, "superseder": []string{},
	}
	for k, w := range want {
		if g := it.Values[k]; !tracker.Equal(g, w) || reflect.TypeOf(g) != reflect.TypeOf(w) {
			t.Errorf("issue%s.%s = %#v, want %#v", id, k, g, w)
		}
	}
	if _, ok := it.Values["priority"]; ok {
		t.Errorf("unset priority = %v, want absent", it.Values["priority"])
	}
	if it.Creator != "1" || it.Actor != "1" || it.Creation.IsZero() || !it.Activity.Equal(it.Creation) {
		t.Errorf("automatic properties = creator %q actor %q creation %v activity %v", it.Creator, it.Actor, it.Creation, it.Activity)
	}
	u := f.Get(t, "user", "3")
	if p, _ := u.Values["password"].(tracker.Password); !p.Verify("s3cret") || p.Verify("wrong") {
		t.Errorf("stored password %q does not verify", p)
	}
	// Emptying values.
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("issue", id, tracker.Values{"assignedto": nil, "keyword": []string{}, "deadline": nil, "estimate": nil, "private": false})
	})
	it = f.Get(t, "issue", id)
	for _, k := range []string{"assignedto", "deadline", "estimate"} {
		if v, ok := it.Values[k]; ok {
			t.Errorf("emptied %s = %v, want absent", k, v)
		}
	}
	if kw := it.IDs("keyword"); len(kw) != 0 {
		t.Errorf("emptied keyword = %v, want []", kw)
	}
	if it.Values["private"] != false {
		t.Errorf("private = %v, want false", it.Values["private"])
	}
	// File content, binary safe.
	blob := []byte{0, 1, 2, 255, 'x', '\n', 0}
	fid := f.Create(t, "file", tracker.Values{"name": "a.bin", "type": "application/octet-stream", "content": string(blob)})
	f.Read(t, func(tx *tracker.Tx) error {
		got, err := tx.Content("file", fid)
		if err != nil {
			return err
		}
		if !slices.Equal(got, blob) {
			t.Errorf("Content(file%s) = %v, want %v", fid, got, blob)
		}
		return nil
	})
	// Unknown property, wrong type, missing target.
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		for _, vals := range []tracker.Values{
			{"nonesuch": "x"}, {"votes": "many"}, {"status": "99"}, {"keyword": []string{"1", "abc"}}, {"creator": "1"},
		} {
			if _, err := tx.Create("issue", vals); err == nil {
				t.Errorf("Create(issue, %v) succeeded, want an error", vals)
			}
		}
		return nil
	})
	// Key uniqueness and lookup.
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		if _, err := tx.Create("keyword", tracker.Values{"name": "easy"}); !errors.Is(err, tracker.ErrConflict) {
			t.Errorf("duplicate key: err = %v, want ErrConflict", err)
		}
		if id, err := tx.Lookup("keyword", "patch"); err != nil || id != kw2 {
			t.Errorf("Lookup(keyword, patch) = %q, %v, want %q", id, err, kw2)
		}
		if _, err := tx.Lookup("keyword", "nope"); !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("Lookup(nope) err = %v, want ErrNotFound", err)
		}
		return nil
	})
	// GetMany keeps request order and skips unknown ids.
	f.Read(t, func(tx *tracker.Tx) error {
		items, err := tx.GetMany("keyword", []string{kw2, "999", kw1}, nil)
		if err != nil {
			return err
		}
		var got []string
		for _, it := range items {
			got = append(got, it.ID)
		}
		if !slices.Equal(got, []string{kw2, kw1}) {
			t.Errorf("GetMany ids = %v, want %v", got, []string{kw2, kw1})
		}
		return nil
	})
}

func testMultilinkEdits(t *testing.T, f *Fixture) {
	id := f.Create(t, "issue", tracker.Values{"title": "t", "nosy": []string{"3"}})
	cases := []struct {
		raw  string
		want []string
	}{
		{"+bob", []string{"3", "4"}},
		{"-alice", []string{"4"}},
		// Roundup: any +/- entry makes the whole value an edit of the
		// current list (hyperdb Multilink.from_raw).
		{"alice,+admin", []string{"1", "3", "4"}},
		{"+alice,-admin", []string{"3", "4"}},
		{"", []string{}},
		{"4, 3", []string{"3", "4"}},
	}
	for _, c := range cases {
		f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
			vals, err := tx.ParseValues("issue", id, map[string]string{"nosy": c.raw})
			if err != nil {
				return err
			}
			return tx.Set("issue", id, vals)
		})
		if got := f.Get(t, "issue", id).IDs("nosy"); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("nosy=%q -> %v, want %v", c.raw, got, c.want)
		}
	}
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		if _, err := tx.ParseValue("issue", "nosy", "+nobody", nil); err == nil || !strings.Contains(err.Error(), `property nosy: 'nobody' is not a user.`) {
			t.Errorf("ParseValue(+nobody) err = %v, want property nosy: 'nobody' is not a user.", err)
		}
		if v, err := tx.ParseValue("issue", "status", "closed", nil); err != nil || v != "3" {
			t.Errorf("ParseValue(status=closed) = %v, %v, want 3", v, err)
		}
		if v, err := tx.ParseValue("issue", "status", "-1", nil); err != nil || v != nil {
			t.Errorf("ParseValue(status=-1) = %v, %v, want nil", v, err)
		}
		return nil
	})
}

func testReverseMultilink(t *testing.T, f *Fixture) {
	kw := f.Create(t, "keyword", tracker.Values{"name": "rev"})
	a := f.Create(t, "issue", tracker.Values{"title": "a", "keyword": []string{kw}})
	b := f.Create(t, "issue", tracker.Values{"title": "b", "keyword": []string{kw}})
	if got := f.Get(t, "keyword", kw).IDs("issues"); !slices.Equal(got, []string{a, b}) {
		t.Errorf("keyword.issues = %v, want %v", got, []string{a, b})
	}
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Retire("issue", a) })
	if got := f.Get(t, "keyword", kw).IDs("issues"); !slices.Equal(got, []string{b}) {
		t.Errorf("keyword.issues after retiring issue%s = %v, want %v", a, got, []string{b})
	}
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		if err := tx.Set("keyword", kw, tracker.Values{"issues": []string{a}}); err == nil {
			t.Error("setting a computed reverse multilink succeeded")
		}
		return nil
	})
}
