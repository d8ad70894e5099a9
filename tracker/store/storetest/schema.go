// Package storetest is the conformance suite every tracker.Store passes:
// the same tests drive the SQLite and PostgreSQL stores through a
// tracker.Service (so they check what users see: values, filters,
// journals, permissions, transactions, schema migration, the outbox).
package storetest

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// Schema builds a Roundup-classic-like test schema with every property
// type and a few permissions: role User may create issues and edit
// title, nosy, messages, and status only on issues it created.
func Schema(t testing.TB) *tracker.Schema {
	t.Helper()
	s := tracker.NewSchema()
	must := func(c *tracker.Class, err error) *tracker.Class {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	str := func(n string) *tracker.Property { return &tracker.Property{Name: n, Kind: tracker.String} }
	num := func(n string) *tracker.Property { return &tracker.Property{Name: n, Kind: tracker.Number} }
	link := func(n, c string) *tracker.Property { return &tracker.Property{Name: n, Kind: tracker.Link, Class: c} }
	ml := func(n, c string) *tracker.Property {
		return &tracker.Property{Name: n, Kind: tracker.Multilink, Class: c}
	}
	st := must(s.AddClass("status", tracker.PlainClass, []*tracker.Property{str("name"), num("order")}))
	st.KeyProp = "name"
	pr := must(s.AddClass("priority", tracker.PlainClass, []*tracker.Property{str("name"), num("order")}))
	pr.KeyProp = "name"
	kw := must(s.AddClass("keyword", tracker.PlainClass, []*tracker.Property{str("name")}))
	kw.KeyProp = "name"
	u := must(s.AddClass("user", tracker.PlainClass, []*tracker.Property{
		str("username"), {Name: "password", Kind: tracker.PasswordKind}, str("address"), str("realname"),
		str("roles"), str("alternate_addresses"),
	}))
	u.KeyProp = "username"
	must(s.AddClass("msg", tracker.FileClass, []*tracker.Property{
		{Name: "author", Kind: tracker.Link, Class: "user", NoJournal: true},
		{Name: "recipients", Kind: tracker.Multilink, Class: "user", NoJournal: true},
		{Name: "date", Kind: tracker.Date}, str("summary"), ml("files", "file"), str("messageid"), str("inreplyto"),
	}))
	must(s.AddClass("file", tracker.FileClass, []*tracker.Property{str("name"), {Name: "description", Kind: tracker.String, Indexme: true}}))
	must(s.AddClass("issue", tracker.IssueClass, []*tracker.Property{
		link("assignedto", "user"), link("status", "status"), link("priority", "priority"),
		{Name: "keyword", Kind: tracker.Multilink, Class: "keyword", RevMultilink: "issues"},
		{Name: "deadline", Kind: tracker.Date}, {Name: "estimate", Kind: tracker.IntervalKind},
		num("effort"), {Name: "votes", Kind: tracker.Integer}, {Name: "private", Kind: tracker.Boolean},
		{Name: "counter", Kind: tracker.Number, Quiet: true},
	}))
	sec := s.Security
	sec.AddRole("Developer", "A developer")
	grant := func(role, perm, class string) {
		t.Helper()
		p, err := sec.FindPermission(perm, class)
		if err != nil {
			t.Fatal(err)
		}
		if err := sec.AddPermissionToRole(role, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"issue", "status", "priority", "keyword", "msg", "file", "user"} {
		grant("User", "View", c)
		grant("Developer", "View", c)
		grant("Anonymous", "View", c)
	}
	grant("User", "Web Access", "")
	grant("User", "Create", "msg")
	grant("User", "Create", "file")
	userIssue := sec.AddPermission(&tracker.Permission{Name: "Create", Class: "issue",
		Properties: []string{"title", "nosy", "messages", "files", "keyword", "priority"}})
	grantP := func(role string, p *tracker.Permission) {
		t.Helper()
		if err := sec.AddPermissionToRole(role, p); err != nil {
			t.Fatal(err)
		}
	}
	grantP("User", userIssue)
	grantP("User", sec.AddPermission(&tracker.Permission{Name: "Edit", Class: "issue",
		Properties: []string{"title", "nosy", "messages", "files"}}))
	grantP("User", sec.AddPermission(&tracker.Permission{Name: "Edit", Class: "issue",
		Properties: []string{"status"}, Check: "creator"}))
	grantP("User", sec.AddPermission(&tracker.Permission{Name: "Edit", Class: "user", Check: "own_record",
		Properties: []string{"realname", "address", "password"}}))
	for _, c := range []string{"issue", "msg", "file", "keyword"} {
		grant("Developer", "Create", c)
		grant("Developer", "Edit", c)
	}
	grant("Developer", "Retire", "issue")
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	return s
}
