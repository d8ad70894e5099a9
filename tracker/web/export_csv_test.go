package web

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func parseCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("bad CSV: %v\n%s", err, body)
	}
	return rows
}

func TestExportCSV(t *testing.T) {
	e := newEnv(t)
	patch, easy := lookup(t, e, "keyword", "patch"), lookup(t, e, "keyword", "easy")
	a := e.tt.Issue(t, "bob", `Quote "me", please`, "x", tracker.Values{"keywords": []string{patch, easy}, "assignee": e.tt.Users["bob"]})
	b := e.tt.Issue(t, "alice", "second", "x", nil)
	bob, anon := e.client(t, "bob"), e.client(t, "")
	q := "/tracker/issue?@action=export_csv&@columns=id,title,status,keywords,assignee&@sort=id&@filter=status&status=-1,1"
	r := bob.get(q)
	must(t, r, 200)
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename=issue.csv` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !strings.HasPrefix(r.body, `"id","title","status","keywords","assignee"`+"\r\n") {
		t.Errorf("header line: %q", r.body)
	}
	rows := parseCSV(t, r.body)
	want := [][]string{{"id", "title", "status", "keywords", "assignee"},
		{a, `Quote "me", please`, "open", "easy;patch", "bob"}, {b, "second", "open", "", ""}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("export_csv =\n%q\nwant\n%q", rows, want)
	}
	// export_csv_id: Roundup's raw values.
	rows = parseCSV(t, bob.get(strings.Replace(q, "export_csv", "export_csv_id", 1)).body)
	if got := rows[1]; got[2] != "1" || got[3] != "['"+min(patch, easy)+"', '"+max(patch, easy)+"']" || got[4] != e.tt.Users["bob"] {
		t.Errorf("export_csv_id row %q", got)
	}
	if got := rows[2]; got[3] != "[]" || got[4] != "None" {
		t.Errorf("export_csv_id empty values %q", got)
	}
	// Anonymous may not see user names: those cells are hidden.
	rows = parseCSV(t, anon.get(q).body)
	if rows[1][4] != "[hidden]" || rows[1][1] != `Quote "me", please` {
		t.Errorf("anonymous row %q", rows[1])
	}
	// Per item: a User sees their own address, not others'.
	alice := e.client(t, "alice")
	rows = parseCSV(t, alice.get("/tracker/user?@action=export_csv&@columns=username,address&@sort=username").body)
	got := map[string]string{}
	for _, row := range rows[1:] {
		got[row[0]] = row[1]
	}
	if got["alice"] != "alice@example.com" || got["bob"] != "[hidden]" {
		t.Errorf("user export as alice: %q", rows)
	}
	// Unknown columns are refused before any output.
	must(t, bob.get("/tracker/issue?@action=export_csv&@columns=id,nonesuch"), 400, "nonesuch")
	// Full-text search and the index grammar apply; no paging.
	rows = parseCSV(t, bob.get("/tracker/issue?@action=export_csv&@columns=id&@pagesize=1&@sort=id").body)
	if len(rows) != 3 {
		t.Errorf("export ignored paging? %d rows", len(rows))
	}
	// The index offers it.
	must(t, bob.get("/tracker/issue?@columns=id,title"), 200, "Download as CSV", "export_csv")
}
