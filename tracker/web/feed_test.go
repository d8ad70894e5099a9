package web

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Atom documents as RFC 4287 defines their elements, for checking.
type xAtomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type xAtomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type xAtomEntry struct {
	IDs       []string    `xml:"http://www.w3.org/2005/Atom id"`
	Titles    []xAtomText `xml:"http://www.w3.org/2005/Atom title"`
	Updated   []string    `xml:"http://www.w3.org/2005/Atom updated"`
	Published []string    `xml:"http://www.w3.org/2005/Atom published"`
	Authors   []struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Links   []xAtomLink `xml:"http://www.w3.org/2005/Atom link"`
	Content []xAtomText `xml:"http://www.w3.org/2005/Atom content"`
}

type xAtomFeed struct {
	XMLName xml.Name
	IDs     []string     `xml:"http://www.w3.org/2005/Atom id"`
	Titles  []xAtomText  `xml:"http://www.w3.org/2005/Atom title"`
	Updated []string     `xml:"http://www.w3.org/2005/Atom updated"`
	Links   []xAtomLink  `xml:"http://www.w3.org/2005/Atom link"`
	Authors []struct{}   `xml:"http://www.w3.org/2005/Atom author"`
	Entries []xAtomEntry `xml:"http://www.w3.org/2005/Atom entry"`
}

// parseAtom parses a feed and checks RFC 4287's element rules: the feed
// and each entry have exactly one id (an absolute IRI), title and
// updated (an RFC 3339 date); the feed has a self link; every entry has
// an author (the feed has none) and an alternate link; ids are unique.
func parseAtom(t *testing.T, body string) *xAtomFeed {
	t.Helper()
	var f xAtomFeed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("feed is not XML: %v\n%s", err, body)
	}
	if f.XMLName.Space != atomNS || f.XMLName.Local != "feed" {
		t.Fatalf("root element %v, want Atom feed", f.XMLName)
	}
	one := func(what string, n int) {
		if n != 1 {
			t.Errorf("%s occurs %d times, want once", what, n)
		}
	}
	date := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s %q is not an RFC 3339 date", what, s)
		}
	}
	one("feed id", len(f.IDs))
	one("feed title", len(f.Titles))
	one("feed updated", len(f.Updated))
	if len(f.Updated) == 1 {
		date("feed updated", f.Updated[0])
	}
	if len(f.IDs) == 1 && !strings.HasPrefix(f.IDs[0], "http") {
		t.Errorf("feed id %q is not an absolute IRI", f.IDs[0])
	}
	self := false
	for _, l := range f.Links {
		self = self || l.Rel == "self"
	}
	if !self {
		t.Error("feed has no self link")
	}
	seen := map[string]bool{}
	for i, e := range f.Entries {
		one("entry id", len(e.IDs))
		one("entry title", len(e.Titles))
		one("entry updated", len(e.Updated))
		if len(e.Updated) == 1 {
			date("entry updated", e.Updated[0])
		}
		for _, p := range e.Published {
			date("entry published", p)
		}
		if len(f.Authors) == 0 && (len(e.Authors) == 0 || e.Authors[0].Name == "") {
			t.Errorf("entry %d has no author", i)
		}
		if len(e.Links) == 0 || len(e.Content) > 1 {
			t.Errorf("entry %d: links %v content %d", i, e.Links, len(e.Content))
		}
		if len(e.IDs) == 1 {
			if seen[e.IDs[0]] {
				t.Errorf("entry id %q repeated", e.IDs[0])
			}
			seen[e.IDs[0]] = true
		}
	}
	return &f
}

// RSS 2.0 (the RSS Advisory Board's specification).
type xRSSItem struct {
	Title       []string `xml:"title"`
	Link        []string `xml:"link"`
	Description []string `xml:"description"`
	PubDate     []string `xml:"pubDate"`
	GUID        []struct {
		IsPermaLink string `xml:"isPermaLink,attr"`
		Text        string `xml:",chardata"`
	} `xml:"guid"`
	Creator []string `xml:"http://purl.org/dc/elements/1.1/ creator"`
}

type xRSS struct {
	XMLName  xml.Name
	Version  string `xml:"version,attr"`
	Channels []struct {
		AtomLinks   []xAtomLink `xml:"http://www.w3.org/2005/Atom link"`
		Title       []string    `xml:"title"`
		Link        []string    `xml:"link"`
		Description []string    `xml:"description"`
		Items       []xRSSItem  `xml:"item"`
	} `xml:"channel"`
}

// parseRSS checks RSS 2.0's rules: <rss version="2.0"> with one channel
// having title, link and description; each item has a title or a
// description, an RFC 822 pubDate and a unique guid.
func parseRSS(t *testing.T, body string) []xRSSItem {
	t.Helper()
	var r xRSS
	if err := xml.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("RSS is not XML: %v\n%s", err, body)
	}
	if r.XMLName.Local != "rss" || r.Version != "2.0" || len(r.Channels) != 1 {
		t.Fatalf("root %v version %q channels %d", r.XMLName, r.Version, len(r.Channels))
	}
	ch := r.Channels[0]
	if len(ch.Title) != 1 || len(ch.Link) != 1 || len(ch.Description) != 1 {
		t.Errorf("channel title %v link %v description %v", ch.Title, ch.Link, ch.Description)
	}
	if len(ch.AtomLinks) != 1 || ch.AtomLinks[0].Rel != "self" {
		t.Errorf("channel atom:link %v", ch.AtomLinks)
	}
	guids := map[string]bool{}
	for i, it := range ch.Items {
		if len(it.Title)+len(it.Description) == 0 {
			t.Errorf("item %d has neither title nor description", i)
		}
		if len(it.PubDate) != 1 {
			t.Errorf("item %d pubDate %v", i, it.PubDate)
		} else if _, err := time.Parse(time.RFC1123Z, it.PubDate[0]); err != nil {
			t.Errorf("item %d pubDate %q: %v", i, it.PubDate[0], err)
		}
		if len(it.GUID) != 1 || guids[it.GUID[0].Text] {
			t.Errorf("item %d guid %v", i, it.GUID)
		} else {
			guids[it.GUID[0].Text] = true
		}
	}
	return ch.Items
}

func entryIDs(f *xAtomFeed) []string {
	var out []string
	for _, e := range f.Entries {
		out = append(out, e.IDs[0])
	}
	return out
}

// findEntry returns the entry whose id ends in suffix, or (for
// "#change-") contains it.
func findEntry(f *xAtomFeed, suffix string) *xAtomEntry {
	for i := range f.Entries {
		id := f.Entries[i].IDs[0]
		if strings.HasSuffix(id, suffix) || strings.HasPrefix(suffix, "#") && strings.Contains(id, suffix) {
			return &f.Entries[i]
		}
	}
	return nil
}

func TestIssueFeed(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "Feed <me>", "The first message & details.", nil)
	var reply string
	e.tt.Update(t, "bob", func(tx *tracker.Tx) error {
		m, err := tx.Create("msg", tracker.Values{"content": "I can reproduce it.", "author": tx.UserID()})
		if err != nil {
			return err
		}
		reply = m
		it, _ := tx.Get("issue", id)
		return tx.Set("issue", id, tracker.Values{"messages": append(append([]string(nil), it.IDs("messages")...), m),
			"status": "3", "assignee": e.tt.Users["bob"]})
	})
	anon := e.client(t, "")
	r := anon.get("/tracker/issue" + id + ".atom")
	must(t, r, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	f := parseAtom(t, r.body)
	if f.Titles[0].Text != "[issue"+id+"] Feed <me>" || f.IDs[0] != "http://localhost/tracker/issue"+id {
		t.Errorf("feed title %q id %q", f.Titles[0].Text, f.IDs[0])
	}
	created := findEntry(f, "/issue"+id)
	if created == nil || created.Content[0].Text != "The first message & details." || created.Authors[0].Name != "alice" {
		t.Fatalf("creation entry %+v", created)
	}
	msg := findEntry(f, "/msg"+reply)
	if msg == nil || msg.Content[0].Text != "I can reproduce it." || msg.Authors[0].Name != "bob" || msg.Links[0].Href != "http://localhost/tracker/issue"+id+"#msg"+reply {
		t.Fatalf("message entry %+v", msg)
	}
	change := findEntry(f, "#change-")
	if change == nil {
		t.Fatalf("no change entry in %v", entryIDs(f))
	}
	if c := change.Content[0].Text; !strings.Contains(c, "status: open → pending") || !strings.Contains(c, "assignee: (none) → bob") || strings.Contains(c, "messages") {
		t.Errorf("change entry content %q", c)
	}
	// Newest first; stable ids.
	if f.Entries[len(f.Entries)-1].IDs[0] != "http://localhost/tracker/issue"+id {
		t.Errorf("the creation is not the oldest entry: %v", entryIDs(f))
	}
	if again := parseAtom(t, anon.get("/tracker/issue"+id+".atom").body); strings.Join(entryIDs(again), " ") != strings.Join(entryIDs(f), " ") {
		t.Errorf("entry ids changed between fetches")
	}

	// Conditional GET.
	etag, lastMod := r.header.Get("ETag"), r.header.Get("Last-Modified")
	if etag == "" || lastMod == "" {
		t.Fatalf("ETag %q Last-Modified %q", etag, lastMod)
	}
	get := func(h ...string) response {
		req, _ := http.NewRequest("GET", e.srv.URL+"/tracker/issue"+id+".atom", nil)
		for i := 0; i+1 < len(h); i += 2 {
			req.Header.Set(h[i], h[i+1])
		}
		return anon.do(req)
	}
	if r := get("If-None-Match", etag); r.status != 304 || r.body != "" {
		t.Errorf("If-None-Match: %d", r.status)
	}
	if r := get("If-Modified-Since", lastMod); r.status != 304 {
		t.Errorf("If-Modified-Since: %d", r.status)
	}
	e.tt.Update(t, "alice", func(tx *tracker.Tx) error {
		return tx.Set("issue", id, tracker.Values{"title": "Feed changed"})
	})
	if r := get("If-None-Match", etag); r.status != 200 {
		t.Errorf("after a change If-None-Match: %d", r.status)
	}
	f2 := parseAtom(t, get().body)
	for _, old := range entryIDs(f) {
		if !strings.Contains(strings.Join(entryIDs(f2), " "), old) {
			t.Errorf("entry %s disappeared after a change", old)
		}
	}

	// RSS.
	r = anon.get("/tracker/issue" + id + ".rss")
	must(t, r, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/rss+xml; charset=utf-8" {
		t.Errorf("RSS Content-Type %q", ct)
	}
	items := parseRSS(t, r.body)
	if len(items) != len(f2.Entries) {
		t.Errorf("RSS has %d items, Atom %d entries", len(items), len(f2.Entries))
	}
	if strings.Contains(r.body, "<parser>") || !strings.Contains(parseAtom(t, get().body).Titles[0].Text, "Feed changed") {
		t.Error("escaping or title")
	}

	// The issue page links its feed; it works.
	page := anon.get("/tracker/issue" + id)
	m := regexp.MustCompile(`<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("issue page has no feed link")
	}
	must(t, anon.get(strings.ReplaceAll(m[1], "&amp;", "&")), 200, "<feed")

	must(t, anon.get("/tracker/issue999.atom"), 404)
	must(t, anon.get("/tracker/nosuch.atom"), 404)
}

func TestFeedPermissions(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "Spam target", "ham text", nil)
	var spam string
	e.tt.Update(t, "bob", func(tx *tracker.Tx) error {
		m, err := tx.Create("msg", tracker.Values{"content": "BUY PILLS", "author": tx.UserID(), "spambayes_score": 0.99})
		if err != nil {
			return err
		}
		spam = m
		it, _ := tx.Get("issue", id)
		return tx.Set("issue", id, tracker.Values{"messages": append(append([]string(nil), it.IDs("messages")...), m)})
	})
	anonFeed := parseAtom(t, e.client(t, "").get("/tracker/issue"+id+".atom").body)
	if en := findEntry(anonFeed, "/msg"+spam); en == nil || strings.Contains(en.Content[0].Text, "PILLS") {
		t.Errorf("anonymous sees spam content: %+v", en)
	}
	aliceFeed := parseAtom(t, e.client(t, "alice").get("/tracker/issue"+id+".atom").body)
	if en := findEntry(aliceFeed, "/msg"+spam); en == nil || en.Content[0].Text != "BUY PILLS" {
		t.Errorf("alice (User) cannot read the message: %+v", en)
	}
	// Classes anonymous may not view have no feed.
	must(t, e.client(t, "").get("/tracker/query.atom"), 403)
	// A user's feed shows only what the reader may see: no addresses
	// of others in changes.
	e.tt.Update(t, "carol", func(tx *tracker.Tx) error {
		return tx.Set("user", e.tt.Users["dave"], tracker.Values{"address": "dave@example.com", "realname": "Dave"})
	})
	body := e.client(t, "alice").get("/tracker/user" + e.tt.Users["dave"] + ".atom").body
	f := parseAtom(t, body)
	if strings.Contains(body, "dave@example.com") || findEntry(f, "#change-") == nil {
		t.Errorf("user feed for alice:\n%s", body)
	}
	if body := e.client(t, "bob").get("/tracker/user" + e.tt.Users["dave"] + ".atom").body; !strings.Contains(body, "dave@example.com") {
		t.Errorf("Developer bob does not see the address change:\n%s", body)
	}
}

func TestGlobalFeed(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	open := e.tt.Issue(t, "alice", "Open one", "first open", nil)
	closed := e.tt.Issue(t, "bob", "Closed one", "first closed", tracker.Values{"status": "2"})
	e.tt.Update(t, "bob", func(tx *tracker.Tx) error {
		m, _ := tx.Create("msg", tracker.Values{"content": "a reply", "author": tx.UserID()})
		it, _ := tx.Get("issue", open)
		return tx.Set("issue", open, tracker.Values{"messages": append(append([]string(nil), it.IDs("messages")...), m)})
	})
	anon := e.client(t, "")
	f := parseAtom(t, anon.get("/tracker/issue.atom").body)
	if findEntry(f, "/issue"+open) == nil || findEntry(f, "/issue"+closed) == nil || len(f.Entries) != 3 {
		t.Errorf("global feed entries %v", entryIDs(f))
	}
	if f.Entries[0].Content[0].Text != "a reply" {
		t.Errorf("newest entry %+v", f.Entries[0])
	}
	// Any index query narrows it: the feed of a saved query.
	f = parseAtom(t, anon.get("/tracker/issue.atom?@columns=id,title&@sort=title&@filter=status&status=closed&@dispname=Closed+ones").body)
	if ids := entryIDs(f); len(ids) != 1 || !strings.HasSuffix(ids[0], "/issue"+closed) || f.Titles[0].Text != "Test tracker: Closed ones" {
		t.Errorf("filtered feed %v %q", ids, f.Titles[0].Text)
	}
	f = parseAtom(t, anon.get("/tracker/issue.atom?@search_text=reply").body)
	if ids := entryIDs(f); len(ids) != 2 {
		t.Errorf("full-text feed %v", ids)
	}
	if r := anon.get("/tracker/issue.atom?@filter=status&status=nosuch"); r.status != 400 {
		t.Errorf("bad query: %d", r.status)
	}
	items := parseRSS(t, anon.get("/tracker/issue.rss?@pagesize=2").body)
	if len(items) != 2 {
		t.Errorf("@pagesize=2: %d items", len(items))
	}
	// The index page links its feed with the same query.
	page := anon.get("/tracker/issue?@filter=status&status=closed")
	m := regexp.MustCompile(`<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("index page has no feed link")
	}
	f = parseAtom(t, anon.get(strings.ReplaceAll(m[1], "&amp;", "&")).body)
	if ids := entryIDs(f); len(ids) != 1 {
		t.Errorf("index page's feed %v", ids)
	}
}
