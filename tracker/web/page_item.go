package web

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// itemView is an item page: its fields and, for issues, messages,
// files and history.
type itemView struct {
	Class        string
	ID           string
	Designator   string
	Title        string
	Item         *tracker.Item
	Fields       []fieldView
	ByName       map[string]*fieldView
	Messages     []messageView
	Files        []fileView
	History      []historyRow
	CanEdit      bool
	CanRetire    bool
	Retired      bool
	Issue        bool
	NosyMe       bool // the visitor is on the nosy list
	CanNosy      bool // may add/remove themselves
	CanClaim     bool // may assign to themselves
	AssigneeProp string
	LastActivity string
	MailTo       string // "Reply by email" mailto: link
	FeedURL      string
	// Preview holds the note as previewed (not yet sent).
	Preview string
	Note    string
}

type messageView struct {
	ID, URL, Author, AuthorURL, Date string
	Content                          string
	Hidden                           bool // content not viewable (spam)
	Spam                             bool
	Files                            []fileView
	CanRemove                        bool
}

type fileView struct {
	ID, Name, URL, Type, Author, Date, ReviewURL string
	CanRemove                                    bool
}

type historyRow struct {
	Date, User, Action, Args string
	Links                    []linkView
}

// serveItem renders CLASSID (Roundup's CLASS.item.html).
func (s *Site) serveItem(q *rq, class, id, tmpl string) {
	c := s.svc.Schema.Class(class)
	it, err := q.tx.Get(class, id)
	if err != nil {
		s.fail(q, err)
		return
	}
	if !q.can("View", class, "", id) {
		if q.anonymous() {
			s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view this page; please log in."))
		} else {
			s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view this page."))
		}
		return
	}
	v := s.itemView(q, c, it)
	name := class + ".item"
	if tmpl != "" && tmpl != "item" && s.pages[class+"."+tmpl] != nil {
		name = class + "." + tmpl
	}
	if s.pages[name] == nil {
		name = "_generic.item"
	}
	s.render(q, http.StatusOK, name, &pageData{Title: v.Title, Body: v})
}

func (s *Site) itemView(q *rq, c *tracker.Class, it *tracker.Item) *itemView {
	v := &itemView{Class: c.Name, ID: it.ID, Designator: c.Name + it.ID, Item: it, Retired: it.Retired,
		Issue: c.Kind == tracker.IssueClass, ByName: map[string]*fieldView{}}
	v.CanEdit = q.can("Edit", c.Name, "", it.ID)
	v.CanRetire = q.can("Retire", c.Name, "", it.ID)
	v.LastActivity = tracker.FormatDate(it.Activity)
	v.Title = c.Name + it.ID
	if t := it.Str("title"); t != "" {
		v.Title = "Issue " + it.ID + ": " + t
		if !v.Issue {
			v.Title = c.Name + it.ID + ": " + t
		}
	} else if lbl := q.tx.Label(c.Name, it.ID); lbl != it.ID {
		v.Title = c.Name + it.ID + ": " + lbl
	}
	for _, name := range sortedProps(c) {
		p := c.Prop(name)
		if v.Issue && (name == "messages" || name == "files") {
			continue
		}
		if p.Quiet && !q.tx.HasRole("admin") {
			continue
		}
		v.Fields = append(v.Fields, q.field(c, it, name))
	}
	q.overlay(v.Fields)
	for i := range v.Fields {
		v.ByName[v.Fields[i].Name] = &v.Fields[i]
	}
	if v.Issue {
		s.issueExtras(q, c, it, v)
	}
	v.History = s.history(q, c, it)
	return v
}

// issueExtras fills what bpo's issue page shows beyond the fields.
func (s *Site) issueExtras(q *rq, c *tracker.Class, it *tracker.Item, v *itemView) {
	id := it.ID
	if c.Prop("nosy") != nil && !q.anonymous() {
		v.NosyMe = contains(it.IDs("nosy"), q.uid)
		v.CanNosy = q.can("Edit", c.Name, "nosy", id)
	}
	for _, a := range []string{"assignee", "assignedto"} {
		if c.Prop(a) != nil {
			v.AssigneeProp = a
			v.CanClaim = !q.anonymous() && it.Str(a) != q.uid && q.can("Edit", c.Name, a, id)
			break
		}
	}
	// The messages, files and their authors in one query per class
	// (the page costs the same round trips for 5 messages as for 50): the
	// authors' labels are filled in once all of them are known.
	_ = q.tx.Prefetch("msg", it.IDs("messages"))
	_ = q.tx.Prefetch("file", it.IDs("files"))
	var msgAuthors, fileAuthors []string
	canRemoveMsg := q.can("Edit", c.Name, "messages", id)
	for _, mid := range it.IDs("messages") {
		mv := messageView{ID: mid, URL: s.base.Path + "msg" + mid, CanRemove: canRemoveMsg}
		m, err := q.tx.Get("msg", mid)
		if err != nil {
			continue
		}
		when := m.Creation
		if d, ok := m.Values["date"].(time.Time); ok {
			when = d
		}
		mv.Date = when.In(s.loc).Format("2006-01-02 15:04")
		if score, ok := m.Values["spambayes_score"].(float64); ok && score > s.svc.Options().SpamCutoff {
			mv.Spam = true
		}
		if q.can("View", "msg", "content", mid) {
			b, err := q.tx.Content("msg", mid)
			if err == nil {
				mv.Content = string(b)
			}
		} else {
			mv.Hidden = true
		}
		v.Messages = append(v.Messages, mv)
		msgAuthors = append(msgAuthors, m.Str("author"))
	}
	canRemoveFile := q.can("Edit", c.Name, "files", id)
	for _, fid := range it.IDs("files") {
		f, err := q.tx.Get("file", fid)
		if err != nil {
			continue
		}
		fv := fileView{ID: fid, Name: f.Str("name"), URL: s.base.Path + "file" + fid + "/" + pathEscape(f.Str("name")),
			Type: f.Str("type"), Date: f.Creation.In(s.loc).Format("2006-01-02 15:04"), CanRemove: canRemoveFile}
		if isPatch(fv.Name, fv.Type) {
			fv.ReviewURL = s.base.Path + "file" + fid + "/review"
		}
		v.Files = append(v.Files, fv)
		fileAuthors = append(fileAuthors, f.Creator)
	}
	_ = q.tx.Prefetch("user", append(slices.Clone(msgAuthors), fileAuthors...))
	for i, a := range msgAuthors {
		if a != "" {
			v.Messages[i].Author, v.Messages[i].AuthorURL = q.tx.Label("user", a), s.base.Path+"user"+a
		}
	}
	for i, a := range fileAuthors {
		if a != "" {
			v.Files[i].Author = q.tx.Label("user", a)
		}
	}
	if s.cfg.Email != "" {
		title := it.Str("title")
		v.MailTo = "mailto:" + s.cfg.Email + "?subject=" + pathEscape("Re: ["+c.Name+id+"] "+title)
	}
	v.FeedURL = s.base.Path + c.Name + id + ".atom"
	v.Note = q.value("@note")
}

// isPatch: files offered for review (bpo's Rietveld "review" links).
func isPatch(name, typ string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".diff") || strings.HasSuffix(n, ".patch") || typ == "text/x-diff" || typ == "text/x-patch"
}

func pathEscape(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "?", "%3F", "#", "%23", "&", "%26", "\"", "%22", "<", "%3C", ">", "%3E", "+", "%2B").Replace(s)
}

// history renders the journal as Roundup's HTMLItem.history does:
// date, user, action and the changed properties with their old values;
// quiet properties are left out (Roundup 2.0), links point to items.
func (s *Site) history(q *rq, c *tracker.Class, it *tracker.Item) []historyRow {
	if !q.can("View", c.Name, "", it.ID) {
		return nil
	}
	entries, err := q.tx.Journal(c.Name, it.ID)
	if err != nil {
		return nil
	}
	var rows []historyRow
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		r := historyRow{Date: e.Date.In(s.loc).Format("2006-01-02 15:04:05"), Action: e.Action}
		if e.User != "" {
			r.User = q.tx.Label("user", e.User)
		}
		switch e.Action {
		case tracker.ActSet:
			var parts []string
			names := e.Params.Changed()
			sort.Strings(names)
			for _, n := range names {
				p := c.Prop(n)
				if p == nil || p.Quiet || !q.can("View", c.Name, n, it.ID) {
					continue
				}
				if old, ok := e.Params.Old[n]; ok {
					txt := tracker.FormatValue(p, old)
					if p.Kind == tracker.Link && old != nil {
						txt = q.tx.Label(p.Class, old.(string))
					}
					parts = append(parts, n+": "+txt)
				}
				var ml []string
				for _, a := range e.Params.Added[n] {
					ml = append(ml, "+"+historyLabel(q, p.Class, a))
				}
				for _, rm := range e.Params.Removed[n] {
					ml = append(ml, "-"+historyLabel(q, p.Class, rm))
				}
				if len(ml) > 0 {
					parts = append(parts, n+": "+strings.Join(ml, ", "))
					for _, a := range append(append([]string(nil), e.Params.Added[n]...), e.Params.Removed[n]...) {
						r.Links = append(r.Links, linkView{Label: historyLabel(q, p.Class, a), URL: s.base.Path + p.Class + a})
					}
				}
			}
			if len(parts) == 0 {
				continue
			}
			r.Args = strings.Join(parts, "; ")
		case tracker.ActLink, tracker.ActUnlink:
			r.Args = e.Params.LinkClass + e.Params.LinkID + " " + e.Params.LinkProp
		}
		rows = append(rows, r)
	}
	return rows
}

func historyLabel(q *rq, class, id string) string {
	c := q.s.svc.Schema.Class(class)
	if c != nil && (c.Label() == "id" || c.Label() == "title") {
		return class + id
	}
	return q.tx.Label(class, id)
}

// issueLayout is bpo's arrangement of the issue page's fields, two per
// row; fields a schema lacks are skipped and the rest follow.
var issueLayout = [][2]string{
	{"type", "stage"}, {"components", "versions"}, {"status", "resolution"},
	{"dependencies", "superseder"}, {"assignee", "nosy"}, {"assignedto", "nosy"},
	{"priority", "keywords"}, {"priority", "keyword"}, {"severity", "github"},
}

// Pairs returns the issue fields (not title) in bpo's two-column order.
func (v *itemView) Pairs() [][]*fieldView {
	used := map[string]bool{"title": true}
	var rows [][]*fieldView
	for _, pr := range issueLayout {
		var row []*fieldView
		for _, n := range pr {
			if f := v.ByName[n]; f != nil && !used[n] && f.Visible {
				row = append(row, f)
				used[n] = true
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	var rest []*fieldView
	for i := range v.Fields {
		f := &v.Fields[i]
		if !used[f.Name] && f.Visible {
			rest = append(rest, f)
		}
	}
	for i := 0; i < len(rest); i += 2 {
		rows = append(rows, rest[i:min(i+2, len(rest))])
	}
	return rows
}
