package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// feed is a feed before it is written as Atom or RSS.
type feed struct {
	ID       string
	Title    string
	Subtitle string
	SelfURL  string // this feed (absolute)
	AltURL   string // the page it follows (absolute)
	Updated  time.Time
	Entries  []feedEntry
}

// feedEntry is one event: a new issue, a message, a change.
type feedEntry struct {
	// ID is stable: the item's URL for a new item or a message,
	// "ITEMURL#change-MILLIS-USER" for a change (journal entries never
	// change).
	ID        string
	Title     string
	Link      string
	Author    string
	Published time.Time
	Updated   time.Time
	Content   string // plain text
}

// maxFeedEntries is how many entries a feed carries by default.
const maxFeedEntries = 50

// serveFeed answers the feeds of DESIGN.md §2.1: CLASSID.atom|.rss is an
// item's feed (its messages and changes), CLASS.atom|.rss the class's
// global feed (new items and messages) narrowed by any index query —
// so a saved query has a feed. Roundup ships no feeds (its reference
// shows how a template could be one); the formats are Atom (RFC 4287)
// and RSS 2.0. Everything is permission-checked as the requesting user
// (session, Basic or bearer token); answers carry ETag and Last-Modified
// and honour If-None-Match / If-Modified-Since with 304.
func (s *Site) serveFeed(q *rq, base, ext string) {
	var f *feed
	var err error
	if class, id, ok := tracker.SplitDesignator(base); ok && s.svc.Schema.Class(class) != nil {
		f, err = s.itemFeed(q, class, id)
	} else if s.svc.Schema.Class(base) != nil {
		f, err = s.classFeed(q, base)
	} else {
		err = errStatus(http.StatusNotFound, "There is no class or item called "+base)
	}
	if err != nil {
		s.fail(q, err)
		return
	}
	self := s.absURL(q, q.path)
	if q.r.URL.RawQuery != "" {
		self += "?" + q.r.URL.RawQuery
	}
	f.SelfURL = self
	var buf bytes.Buffer
	ctype := "application/atom+xml; charset=utf-8"
	if ext == "rss" {
		ctype = "application/rss+xml; charset=utf-8"
		err = writeRSS(&buf, f)
	} else {
		err = writeAtom(&buf, f)
	}
	if err != nil {
		s.fail(q, err)
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	h := q.w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	// What a feed holds depends on who asks.
	h.Set("Vary", "Cookie, Authorization")
	h.Set("Cache-Control", "private, no-cache")
	http.ServeContent(q.w, q.r, "", f.Updated, bytes.NewReader(buf.Bytes()))
}

// absURL makes a URL below the site (rel has no leading "/") absolute
// with [tracker] web (an http or https URL ending in "/"), or else with
// the request's scheme and host, so mailed links work in a demo too.
func (s *Site) absURL(q *rq, rel string) string {
	if web := s.cfg.Web; strings.HasPrefix(web, "http://") || strings.HasPrefix(web, "https://") {
		return web + rel
	}
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + q.r.Host + s.base.Path + rel
}

// itemURL is an item's absolute page URL.
func (s *Site) itemURL(q *rq, class, id string) string { return s.absURL(q, class+id) }
