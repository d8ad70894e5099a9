package storetest

import (
	"slices"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func testSchemaMigration(t *testing.T, f *Fixture) {
	kw := f.Create(t, "keyword", tracker.Values{"name": "easy"})
	id := f.Create(t, "issue", tracker.Values{"title": "survives", "status": "2", "keyword": []string{kw},
		"votes": int64(3), "effort": 1.5, "nosy": []string{"3"}})
	// Change the schema: issue loses "effort", gains "component"
	// (Link), "tags" (Multilink) and "note" (String, key of nothing);
	// keyword gains "description"; a new class "component" appears;
	// "votes" changes type from Integer to String.
	s := Schema(t)
	s2 := tracker.NewSchema()
	for _, c := range s.Classes {
		var props []*tracker.Property
		for _, p := range c.Props {
			if p.Computed || (c.Kind == tracker.IssueClass && (p.Name == "title" || p.Name == "messages" || p.Name == "files" || p.Name == "nosy" || p.Name == "superseder")) ||
				(c.Kind == tracker.FileClass && (p.Name == "content" || p.Name == "type")) {
				continue
			}
			if c.Name == "issue" && p.Name == "effort" {
				continue
			}
			cp := *p
			if c.Name == "issue" && p.Name == "votes" {
				cp.Kind = tracker.String
			}
			props = append(props, &cp)
		}
		switch c.Name {
		case "issue":
			props = append(props, &tracker.Property{Name: "component", Kind: tracker.Link, Class: "component"},
				&tracker.Property{Name: "tags", Kind: tracker.Multilink, Class: "keyword"},
				&tracker.Property{Name: "note", Kind: tracker.String})
		case "keyword":
			props = append(props, &tracker.Property{Name: "description", Kind: tracker.String})
		}
		nc, err := s2.AddClass(c.Name, c.Kind, props)
		if err != nil {
			t.Fatal(err)
		}
		nc.KeyProp = c.KeyProp
	}
	comp, err := s2.AddClass("component", tracker.PlainClass, []*tracker.Property{{Name: "name", Kind: tracker.String}})
	if err != nil {
		t.Fatal(err)
	}
	comp.KeyProp = "name"
	if err := s2.Finish(); err != nil {
		t.Fatal(err)
	}
	changes, err := f.Store.Sync(f.Ctx, s2)
	if err != nil {
		t.Fatalf("Sync(changed schema): %v", err)
	}
	want := []string{
		"class issue: removed property effort",
		"class issue: property votes changed from Integer to String; old values dropped",
		"class issue: added property component",
		"class issue: added property tags",
		"class issue: added property note",
		"class keyword: added property description",
		"created class component",
	}
	for _, w := range want {
		if !slices.Contains(changes, w) {
			t.Errorf("Sync changes %q lack %q", changes, w)
		}
	}
	svc := tracker.New(s2, f.Store, tracker.Options{Now: f.Clock.Now, PasswordRounds: 1000}, nil)
	var it *tracker.Item
	err = svc.Update(f.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		c, err := tx.Create("component", tracker.Values{"name": "Lib"})
		if err != nil {
			return err
		}
		if err := tx.Set("issue", id, tracker.Values{"component": c, "tags": []string{kw}, "note": "n", "votes": "many"}); err != nil {
			return err
		}
		it, err = tx.Get("issue", id)
		return err
	})
	if err != nil {
		t.Fatalf("using the migrated schema: %v", err)
	}
	if it.Str("title") != "survives" || it.Str("status") != "2" || !slices.Equal(it.IDs("keyword"), []string{kw}) ||
		!slices.Equal(it.IDs("nosy"), []string{"3"}) || it.Str("votes") != "many" || it.Str("note") != "n" {
		t.Errorf("issue%s after migration = %v", id, it.Values)
	}
	if _, ok := it.Values["effort"]; ok {
		t.Errorf("removed property effort still present: %v", it.Values["effort"])
	}
	// A second Sync with the same schema changes nothing.
	if changes, err := f.Store.Sync(f.Ctx, s2); err != nil || len(changes) != 0 {
		t.Errorf("re-Sync = %v, %v, want no changes", changes, err)
	}
	// Journal entries written under the old schema still read.
	err = svc.Read(f.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		j, err := tx.Journal("issue", id)
		if err == nil && len(j) < 2 {
			t.Errorf("journal after migration has %d entries", len(j))
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
}
