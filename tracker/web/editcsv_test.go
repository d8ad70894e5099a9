package web

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// csvText returns the CSV editing textarea of a class index page.
func csvText(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<textarea name="rows"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestEditCSV(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.client(t, "alice"), e.client(t, "bob"), e.client(t, "carol")
	// Only who may edit the whole class is offered the form.
	if txt := csvText(t, alice.get("/tracker/status").body); txt != "" {
		t.Errorf("a User is offered CSV editing of statuses:\n%s", txt)
	}
	must(t, alice.post("/tracker/status", url.Values{"@action": {"editcsv"}, "rows": {"id,description,name,order\r\n"}}), 403)
	if csvText(t, bob.get("/tracker/keyword").body) == "" {
		t.Error("a Developer (Edit keyword) is not offered CSV editing of keywords")
	}
	txt := csvText(t, carol.get("/tracker/status").body)
	if !strings.HasPrefix(txt, "id,description,name,order\r\n1,") {
		t.Fatalf("status CSV:\n%s", txt)
	}
	pending := lookup(t, e, "status", "pending")
	// Edit one line, add one (X), remove the pending line (retire).
	var kept []string
	for _, line := range strings.Split(strings.TrimRight(txt, "\r\n"), "\r\n") {
		switch {
		case strings.HasPrefix(line, pending+","):
		case strings.HasPrefix(line, "1,"):
			kept = append(kept, `1,"Open, really",open,1.0`)
		default:
			kept = append(kept, line)
		}
	}
	kept = append(kept, "X,,triaged,9")
	r := carol.post("/tracker/status", url.Values{"@action": {"editcsv"}, "rows": {strings.Join(kept, "\n") + "\n"}})
	must(t, r, 303)
	if !strings.Contains(r.header.Get("Location"), "Items+edited+OK") {
		t.Errorf("redirect %q", r.header.Get("Location"))
	}
	if d := e.tt.Get(t, "status", "1").Str("description"); d != "Open, really" {
		t.Errorf("status1 description %q", d)
	}
	if !e.tt.Get(t, "status", pending).Retired {
		t.Error("removed line not retired")
	}
	tid := lookup(t, e, "status", "triaged")
	if o := e.tt.Get(t, "status", tid).Get("order"); o != 9.0 {
		t.Errorf("new status order %v", o)
	}
	// A bad line changes nothing, and the form keeps the text.
	r = carol.post("/tracker/status", url.Values{"@action": {"editcsv"},
		"rows": {"id,description,name,order\n1,,open,1\n" + tid + ",,triaged,notanumber\n"}})
	must(t, r, 400, "line 3", "notanumber")
	if e.tt.Get(t, "status", "2").Retired {
		t.Error("a refused CSV edit retired status2")
	}
	// Restoring by id; a Developer may edit keywords but not retire them.
	must(t, carol.post("/tracker/status", url.Values{"@action": {"editcsv"},
		"rows": {csvText(t, carol.get("/tracker/status").body) + pending + ",,pending,3\n"}}), 303)
	if e.tt.Get(t, "status", pending).Retired {
		t.Error("status not restored")
	}
	kw := csvText(t, bob.get("/tracker/keyword").body)
	lines := strings.Split(strings.TrimRight(kw, "\r\n"), "\r\n")
	must(t, bob.post("/tracker/keyword", url.Values{"@action": {"editcsv"}, "rows": {strings.Join(lines[:len(lines)-1], "\n")}}), 403)
	var n int
	e.tt.Svc.Read(e.tt.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter("keyword", &tracker.Filter{})
		n = len(ids)
		return err
	})
	if n != len(lines)-1 {
		t.Errorf("%d keywords after a refused retire, want %d", n, len(lines)-1)
	}
	must(t, bob.post("/tracker/keyword", url.Values{"@action": {"editcsv"}, "rows": {kw + "X,new keyword,newkw\n"}}), 303)
	lookup(t, e, "keyword", "newkw")
	// Issues are not edited as CSV.
	must(t, carol.post("/tracker/issue", url.Values{"@action": {"editcsv"}, "rows": {"id\n"}}), 400)
	must(t, carol.get("/tracker/editcsv"), 404)
}
