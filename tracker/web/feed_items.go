package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// itemFeed is an item's feed: its creation (with the first message),
// each later message and each change of properties the user may see,
// newest first. Changes show old and new values ("status: open →
// closed"); messages are not repeated as "messages" changes, quiet
// properties are left out as in the history.
func (s *Site) itemFeed(q *rq, class, id string) (*feed, error) {
	c := s.svc.Schema.Class(class)
	it, err := q.tx.Get(class, id)
	if err != nil {
		return nil, err
	}
	if !q.can("View", class, "", id) {
		return nil, errStatus(http.StatusForbidden, "You are not allowed to view this page.")
	}
	url := s.itemURL(q, class, id)
	title := class + id
	if t := it.Str("title"); t != "" && q.can("View", class, "title", id) {
		title = "[" + class + id + "] " + t
	} else if lbl := q.tx.Label(class, id); lbl != id && q.can("View", class, c.Label(), id) {
		title = class + id + ": " + lbl
	}
	f := &feed{ID: url, Title: title, AltURL: url, Updated: it.Activity,
		Subtitle: "Messages and changes of " + class + id + " in the " + s.cfg.TrackerName}

	msgs, first := s.feedMessages(q, c, it, 0)
	journal, err := q.tx.Journal(class, id)
	if err != nil {
		return nil, err
	}
	// Walk the journal newest first, keeping the values after each
	// entry, to show what each change changed to.
	state := map[string]any{}
	for _, p := range c.Props {
		state[p.Name] = it.Get(p.Name)
	}
	var entries []feedEntry
	for i := len(journal) - 1; i >= 0; i-- {
		e := journal[i]
		author := ""
		if e.User != "" {
			author = q.tx.Label("user", e.User)
		}
		switch e.Action {
		case tracker.ActCreate:
			fe := feedEntry{ID: url, Title: title, Link: url, Author: author, Published: e.Date, Updated: e.Date,
				Content: class + id + " created."}
			if first != nil {
				fe.Content = first.Content
				fe.Updated = maxTime(e.Date, first.Updated)
			}
			entries = append(entries, fe)
		case tracker.ActSet:
			lines := s.changeLines(q, c, id, e, state)
			if len(lines) == 0 {
				continue
			}
			names := e.Params.Changed()
			shown := []string{}
			for _, n := range names {
				if p := c.Prop(n); p != nil && !p.Quiet && n != "messages" && q.can("View", class, n, id) {
					shown = append(shown, n)
				}
			}
			entries = append(entries, feedEntry{
				ID:    url + "#change-" + strconv.FormatInt(e.Date.UnixMilli(), 10) + "-" + e.User,
				Title: title + " changed: " + strings.Join(shown, ", "), Link: url, Author: author,
				Published: e.Date, Updated: e.Date, Content: strings.Join(lines, "\n"),
			})
		case tracker.ActRetired, tracker.ActRestored:
			entries = append(entries, feedEntry{
				ID:    url + "#" + e.Action + "-" + strconv.FormatInt(e.Date.UnixMilli(), 10) + "-" + e.User,
				Title: title + " " + e.Action, Link: url, Author: author, Published: e.Date, Updated: e.Date,
				Content: class + id + " was " + e.Action + ".",
			})
		}
	}
	entries = append(entries, msgs...)
	sortEntries(entries)
	if len(entries) > 100 {
		entries = entries[:100]
	}
	f.Entries = entries
	for _, e := range entries {
		f.Updated = maxTime(f.Updated, e.Updated)
	}
	return f, nil
}

// changeLines describes a "set" journal entry and steps state back to
// the values before it.
func (s *Site) changeLines(q *rq, c *tracker.Class, id string, e tracker.JournalEntry, state map[string]any) []string {
	var lines []string
	for _, n := range e.Params.Changed() {
		p := c.Prop(n)
		if p == nil {
			continue
		}
		visible := !p.Quiet && n != "messages" && q.can("View", c.Name, n, id)
		if old, ok := e.Params.Old[n]; ok {
			if visible {
				lines = append(lines, n+": "+s.feedValue(q, p, old)+" → "+s.feedValue(q, p, state[n]))
			}
			state[n] = old
			continue
		}
		added, removed := e.Params.Added[n], e.Params.Removed[n]
		if visible {
			var parts []string
			for _, a := range added {
				parts = append(parts, "+"+s.feedLabel(q, p.Class, a))
			}
			for _, r := range removed {
				parts = append(parts, "-"+s.feedLabel(q, p.Class, r))
			}
			if len(parts) > 0 {
				lines = append(lines, n+": "+strings.Join(parts, ", "))
			}
		}
		cur := append([]string(nil), idsOf(state[n])...)
		var back []string
		for _, x := range cur {
			if !contains(added, x) {
				back = append(back, x)
			}
		}
		back = append(back, removed...)
		tracker.SortIDs(back)
		state[n] = back
	}
	return lines
}

// feedValue shows a value as the history does: labels for links.
func (s *Site) feedValue(q *rq, p *tracker.Property, v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		if p.Kind == tracker.Link {
			return s.feedLabel(q, p.Class, x)
		}
		return x
	case []string:
		l := make([]string, len(x))
		for i, id := range x {
			l[i] = s.feedLabel(q, p.Class, id)
		}
		return strings.Join(l, ", ")
	case tracker.Password:
		return "(password)"
	}
	return tracker.FormatValue(p, v)
}

func (s *Site) feedLabel(q *rq, class, id string) string {
	c := s.svc.Schema.Class(class)
	if c == nil || c.Label() == "id" || c.Label() == "title" || !q.can("View", class, "", id) {
		return class + id
	}
	return q.tx.Label(class, id)
}

// feedMessages turns the last max (0: all) messages of an item into
// entries; first is the item's opening message (the one written with it),
// returned apart so the creation entry can carry it.
func (s *Site) feedMessages(q *rq, c *tracker.Class, it *tracker.Item, max int) ([]feedEntry, *feedEntry) {
	p := c.Prop("messages")
	if p == nil || p.Kind != tracker.Multilink || !q.can("View", c.Name, "messages", it.ID) {
		return nil, nil
	}
	ids := it.IDs("messages")
	firstID := ""
	if len(ids) > 0 {
		firstID = ids[0]
	}
	if max > 0 && len(ids) > max {
		ids = append([]string{firstID}, ids[len(ids)-max:]...)
	}
	msgs, err := q.tx.GetMany(p.Class, ids, []string{})
	if err != nil {
		return nil, nil
	}
	url := s.itemURL(q, c.Name, it.ID)
	title := c.Name + it.ID
	if t := it.Str("title"); t != "" && q.can("View", c.Name, "title", it.ID) {
		title = "[" + c.Name + it.ID + "] " + t
	}
	var out []feedEntry
	var first *feedEntry
	for _, m := range msgs {
		if !q.can("View", p.Class, "", m.ID) {
			continue
		}
		when := m.Creation
		if d, ok := m.Values["date"].(time.Time); ok {
			when = d
		}
		author := ""
		if a := m.Str("author"); a != "" {
			author = q.tx.Label("user", a)
		}
		content := "(This message is hidden.)"
		if q.can("View", p.Class, "content", m.ID) {
			if b, err := q.tx.Content(p.Class, m.ID); err == nil {
				content = string(b)
			}
		}
		e := feedEntry{ID: s.itemURL(q, p.Class, m.ID), Title: "Re: " + title + " (" + p.Class + m.ID + " by " + orUnknown(author) + ")",
			Link: url + "#" + p.Class + m.ID, Author: author, Published: when, Updated: when, Content: content}
		// The opening message: written within a minute of the item.
		if m.ID == firstID && when.Sub(it.Creation) < time.Minute && it.Creation.Sub(when) < time.Minute {
			first = &e
			continue
		}
		out = append(out, e)
	}
	return out, first
}

func sortEntries(entries []feedEntry) {
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].Updated.Equal(entries[j].Updated) {
			return entries[i].Updated.After(entries[j].Updated)
		}
		return entries[i].ID > entries[j].ID
	})
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// classFeed is a class's global feed: new items and new messages of the
// items an index query selects (all of them when the URL has none; its
// sort is replaced by the latest activity), newest first, at most
// @pagesize (default 50, at most 200) entries.
func (s *Site) classFeed(q *rq, class string) (*feed, error) {
	c := s.svc.Schema.Class(class)
	if !q.can("View", class, "", "") {
		return nil, errStatus(http.StatusForbidden, "You are not allowed to view this page.")
	}
	iq := s.parseIndexQuery(q, class)
	if q.value("@filter") == "" && q.value("@search_text") == "" {
		iq.Filter, iq.Spec = nil, map[string][]string{}
	}
	n := maxFeedEntries
	if v, err := strconv.Atoi(q.value("@pagesize")); err == nil && v > 0 {
		n = min(v, 200)
	}
	fl := &tracker.Filter{Spec: iq.Spec, Text: iq.SearchText, Sort: []tracker.SortKey{{Prop: "activity", Desc: true}}, Limit: n}
	ids, _, err := q.tx.Filter(class, fl)
	if err != nil {
		return nil, errStatus(http.StatusBadRequest, err.Error())
	}
	multis := []string{}
	if p := c.Prop("messages"); p != nil && p.Kind == tracker.Multilink {
		multis = append(multis, "messages")
	}
	items, err := q.tx.GetMany(class, ids, multis)
	if err != nil {
		return nil, err
	}
	alt := s.absURL(q, class)
	if q.r.URL.RawQuery != "" {
		alt += "?" + q.r.URL.RawQuery
	}
	title := s.cfg.TrackerName + ": " + class + "s"
	if iq.DispName != "" {
		title = s.cfg.TrackerName + ": " + iq.DispName
	}
	f := &feed{ID: alt, Title: title, AltURL: alt, Subtitle: "New " + class + "s and messages in the " + s.cfg.TrackerName}
	var entries []feedEntry
	for _, it := range items {
		if !q.can("View", class, "", it.ID) {
			continue
		}
		url := s.itemURL(q, class, it.ID)
		title := class + it.ID
		if t := it.Str("title"); t != "" && q.can("View", class, "title", it.ID) {
			title = "[" + class + it.ID + "] " + t
		} else if lbl := q.tx.Label(class, it.ID); lbl != it.ID && q.can("View", class, c.Label(), it.ID) {
			title = class + it.ID + ": " + lbl
		}
		author := ""
		if it.Creator != "" {
			author = q.tx.Label("user", it.Creator)
		}
		msgs, first := s.feedMessages(q, c, it, 20)
		e := feedEntry{ID: url, Title: title, Link: url, Author: author, Published: it.Creation, Updated: it.Creation,
			Content: "New " + class + " " + class + it.ID + "."}
		if first != nil {
			e.Content = first.Content
		}
		entries = append(entries, e)
		entries = append(entries, msgs...)
	}
	sortEntries(entries)
	if len(entries) > n {
		entries = entries[:n]
	}
	f.Entries = entries
	for _, e := range entries {
		f.Updated = maxTime(f.Updated, e.Updated)
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0)
	}
	return f, nil
}
