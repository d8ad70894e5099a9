package web

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestExportJSON(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	a := e.tt.Issue(t, "alice", "First \"quoted\"", "x", nil)
	b := e.tt.Issue(t, "bob", "Second", "y", tracker.Values{"status": "2", "keywords": []string{restLookup(t, e, "keyword", "easy")}})
	anon := e.client(t, "")
	r := anon.get("/tracker/issue?@columns=id,title,status,keywords,activity&@sort=id&@filter=status&status=1,2&@pagesize=1&@action=export_json")
	must(t, r, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("Content-Type %q headers %v", ct, r.header)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.body), &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, r.body)
	}
	// All pages, in the query's order, labels for links.
	if len(rows) != 2 || rows[0]["id"] != a || rows[1]["id"] != b {
		t.Fatalf("rows %v", rows)
	}
	if rows[0]["title"] != `First "quoted"` || rows[0]["status"] != "open" || rows[1]["status"] != "closed" {
		t.Errorf("row values %v", rows)
	}
	if kw, _ := rows[1]["keywords"].([]any); len(kw) != 1 || kw[0] != "easy" {
		t.Errorf("keywords %v", rows[1]["keywords"])
	}
	if kw, _ := rows[0]["keywords"].([]any); kw == nil || len(kw) != 0 {
		t.Errorf("empty multilink %v, want []", rows[0]["keywords"])
	}
	if act, _ := rows[0]["activity"].(string); len(act) != len("2026-11-25.15:29:41") {
		t.Errorf("activity %v", rows[0]["activity"])
	}
	// The filter applies.
	r = anon.get("/tracker/issue?@columns=title&@filter=status&status=2&@action=export_json")
	if err := json.Unmarshal([]byte(r.body), &rows); err != nil || len(rows) != 1 || rows[0]["id"] != b {
		t.Errorf("filtered export %s", r.body)
	}
	// Cells are permission-checked: alice does not get others' addresses.
	alice := e.client(t, "alice")
	r = alice.get("/tracker/user?@columns=username,address&@sort=username&@action=export_json")
	if err := json.Unmarshal([]byte(r.body), &rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		_, has := row["address"]
		if own := row["username"] == "alice"; has != own {
			t.Errorf("alice's export row %v", row)
		}
	}
	// A class the visitor may not view.
	must(t, anon.get("/tracker/query?@action=export_json"), 403)
	if r := anon.get("/tracker/issue?@filter=status&status=nosuch&@action=export_json"); r.status != 400 {
		t.Errorf("bad query: %d", r.status)
	}
}

func TestOpenSearchDescription(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	e.tt.Issue(t, "alice", "Searchable words", "x", nil)
	anon := e.client(t, "")
	r := anon.get("/tracker/@@file/osd.xml")
	must(t, r, 200)
	var osd struct {
		XMLName   xml.Name
		ShortName string `xml:"ShortName"`
		Encoding  string `xml:"InputEncoding"`
		URLs      []struct {
			Type     string `xml:"type,attr"`
			Rel      string `xml:"rel,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Url"`
	}
	if err := xml.Unmarshal([]byte(r.body), &osd); err != nil {
		t.Fatal(err)
	}
	if osd.XMLName.Space != "http://a9.com/-/spec/opensearch/1.1/" || osd.ShortName != "Test tracker" || osd.Encoding != "UTF-8" {
		t.Errorf("OSD %+v", osd)
	}
	types := map[string]string{}
	for _, u := range osd.URLs {
		types[u.Type] = u.Template
	}
	for _, typ := range []string{"text/html", "application/atom+xml", "application/rss+xml", "application/json"} {
		tmpl := types[typ]
		if !strings.Contains(tmpl, "{searchTerms}") {
			t.Errorf("no %s search URL: %v", typ, types)
			continue
		}
		// Each template answers when filled in.
		u := strings.Replace(strings.TrimPrefix(tmpl, "http://localhost"), "{searchTerms}", "Searchable", 1)
		res := anon.get(u)
		if res.status != 200 && res.status != 303 {
			t.Errorf("%s: %s answers %d", typ, u, res.status)
		}
		if typ == "application/json" && !strings.Contains(res.body, "Searchable words") {
			t.Errorf("JSON search %s: %s", u, res.body)
		}
	}
	if !strings.Contains(anon.get("/tracker/").body, `rel="search" type="application/opensearchdescription+xml"`) {
		t.Error("pages do not link the OpenSearch description")
	}
}
