package jobs

import (
	"fmt"
	"sort"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Report is roundup-summary's Report for one period [Start, End): the
// issue counts at its end with their change since its start, and the
// lists of issues the mail shows.
type Report struct {
	Start, End time.Time
	// Open, Closed and Total count the issues existing at End by their
	// status then; the deltas are the change since Start (Total =
	// Open + Closed, so TotalDelta = OpenDelta + ClosedDelta, as the
	// script asserts).
	Open, Closed, Total                int
	OpenDelta, ClosedDelta, TotalDelta int
	// Patches counts the issues open at End with the "patch" keyword
	// (today's keywords, as the script's XXX admits).
	Patches int
	// OpenedIssues: created or reopened in the period and open at End
	// ("Issues opened"). Unreplied: the 15 newest open issues with one
	// message at most ("Most recent 15 issues with no replies").
	// NeedReview: the 15 newest open issues with the "patch" or "needs
	// review" keyword or the "patch review" stage ("Most recent 15
	// issues waiting for review"). MostDiscussed: the 10 open issues
	// that got the most messages in the period, three at least ("Top 10
	// most discussed issues"). ClosedIssues: closed in the period and
	// still closed at End ("Issues closed").
	OpenedIssues, Unreplied, NeedReview, MostDiscussed, ClosedIssues []Entry
}

// Entry is one issue in a Report list.
type Entry struct {
	ID, Title string
	// User is the opener (OpenedIssues: the creator, or who reopened
	// it when Reopened) or the closer (ClosedIssues), by username.
	User     string
	Reopened bool
	// Messages is the number of messages added in the period
	// (MostDiscussed).
	Messages int
}

// Limits of the lists, roundup-summary's.
const (
	maxUnreplied     = 15
	maxNeedReview    = 15
	maxMostDiscussed = 10
	minDiscussed     = 3
)

// BuildReport computes the report of [start, end) from the issues'
// current state and their journals, as roundup-summary did; resolved
// names the statuses that count as closed. Only the journals of issues
// active since start are read: the status of any other issue has not
// changed since before start.
func BuildReport(tx *tracker.Tx, start, end time.Time, resolved []string) (*Report, error) {
	b := &builder{tx: tx, start: tracker.NormDate(start), end: tracker.NormDate(end),
		resolved: map[string]bool{}, hist: map[string]*history{}, users: map[string]string{}}
	rep := &Report{Start: start, End: end}
	if err := b.load(resolved); err != nil {
		return nil, err
	}
	if err := b.counts(rep); err != nil {
		return nil, err
	}
	b.fromHistory(rep)
	var err error
	if rep.Unreplied, err = b.unreplied(); err != nil {
		return nil, err
	}
	if rep.NeedReview, err = b.needReview(); err != nil {
		return nil, err
	}
	return rep, nil
}

// builder holds what BuildReport gathers.
type builder struct {
	tx         *tracker.Tx
	start, end time.Time
	// resolved holds the ids of the resolved statuses; open the filter
	// values of the others ("-1" = no status).
	resolved map[string]bool
	open     []string
	// hasStatus is false for a schema whose issues have no status: all
	// are open.
	hasStatus bool
	// hist holds the issues active since start.
	hist  map[string]*history
	users map[string]string
}

// load reads the resolved statuses and the histories of the issues
// active since start.
func (b *builder) load(resolved []string) error {
	ic, err := b.tx.Class("issue")
	if err != nil {
		return err
	}
	if p := ic.Prop("status"); p != nil && p.Kind == tracker.Link && p.Class == "status" {
		b.hasStatus = true
		for _, name := range resolved {
			id, err := lookupOptional(b.tx, "status", name)
			if err != nil {
				return err
			}
			if id != "" {
				b.resolved[id] = true
			}
		}
		// Retired statuses too: an issue may still carry one.
		all, _, err := b.tx.Filter("status", &tracker.Filter{Retired: tracker.AnyRetired})
		if err != nil {
			return fmt.Errorf("listing statuses: %w", err)
		}
		b.open = []string{"-1"}
		for _, id := range all {
			if !b.resolved[id] {
				b.open = append(b.open, id)
			}
		}
	}
	active, err := b.ids(map[string][]string{"activity": {filterDate(b.start) + ";"}})
	if err != nil {
		return err
	}
	for _, chunk := range chunks(active, 500) {
		items, err := b.tx.GetMany("issue", chunk, []string{"messages"})
		if err != nil {
			return fmt.Errorf("reading issues: %w", err)
		}
		for _, it := range items {
			j, err := b.tx.Journal("issue", it.ID)
			if err != nil {
				return fmt.Errorf("reading the journal of issue%s: %w", it.ID, err)
			}
			b.hist[it.ID] = newHistory(it, j, b.start, b.end)
		}
	}
	return nil
}

// ids filters active issues by spec.
func (b *builder) ids(spec map[string][]string) ([]string, error) {
	ids, _, err := b.tx.Filter("issue", &tracker.Filter{Spec: spec})
	if err != nil {
		return nil, fmt.Errorf("filtering issues: %w", err)
	}
	return ids, nil
}

func (b *builder) idSet(spec map[string][]string) (map[string]bool, error) {
	ids, err := b.ids(spec)
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, err
}

// isResolved reports whether a status id counts as closed.
func (b *builder) isResolved(status string) bool { return b.resolved[status] }

// resolvedAt reports whether issue id was closed at t; current says
// whether it is closed now.
func (b *builder) resolvedAt(id string, t time.Time, current map[string]bool) bool {
	if h := b.hist[id]; h != nil {
		return b.isResolved(h.statusAt(t))
	}
	return current[id]
}

// counts fills the header numbers (make_header).
func (b *builder) counts(rep *Report) error {
	before := func(t time.Time) map[string][]string {
		return map[string][]string{"creation": {";" + filterDate(t.Add(-time.Millisecond))}}
	}
	atEnd, err := b.ids(before(b.end))
	if err != nil {
		return err
	}
	atStart, err := b.ids(before(b.start))
	if err != nil {
		return err
	}
	closedNow := map[string]bool{}
	if len(b.resolved) > 0 {
		var rs []string
		for id := range b.resolved {
			rs = append(rs, id)
		}
		if closedNow, err = b.idSet(map[string][]string{"status": rs}); err != nil {
			return err
		}
	}
	patched := map[string]bool{}
	if ic, _ := b.tx.Class("issue"); ic.Prop("keywords") != nil {
		if kw, err := lookupOptional(b.tx, "keyword", "patch"); err != nil {
			return err
		} else if kw != "" {
			if patched, err = b.idSet(map[string][]string{"keywords": {kw}}); err != nil {
				return err
			}
		}
	}
	for _, id := range atEnd {
		rep.Total++
		if b.resolvedAt(id, b.end, closedNow) {
			rep.Closed++
			continue
		}
		rep.Open++
		if patched[id] {
			rep.Patches++
		}
	}
	var open0, closed0 int
	for _, id := range atStart {
		if b.resolvedAt(id, b.start, closedNow) {
			closed0++
		} else {
			open0++
		}
	}
	rep.OpenDelta, rep.ClosedDelta, rep.TotalDelta = rep.Open-open0, rep.Closed-closed0, rep.Total-len(atStart)
	return nil
}

// fromHistory fills the lists that come from the journals of the
// issues active in the period: opened, most discussed, closed.
func (b *builder) fromHistory(rep *Report) {
	ids := make([]string, 0, len(b.hist))
	for id := range b.hist {
		ids = append(ids, id)
	}
	tracker.SortIDs(ids)
	for _, id := range ids {
		h := b.hist[id]
		if !h.item.Creation.Before(b.end) {
			continue // created after the period
		}
		closedAtEnd := b.isResolved(h.statusAt(b.end))
		title := h.item.Str("title")
		if !closedAtEnd {
			switch re := h.lastChange(b, false); {
			case b.in(h.item.Creation):
				rep.OpenedIssues = append(rep.OpenedIssues, Entry{ID: id, Title: title, User: b.username(h.item.Creator)})
			case re != nil && b.in(re.at):
				rep.OpenedIssues = append(rep.OpenedIssues, Entry{ID: id, Title: title, User: b.username(re.user), Reopened: true})
			}
			if h.msgs >= minDiscussed {
				rep.MostDiscussed = append(rep.MostDiscussed, Entry{ID: id, Title: title, Messages: h.msgs})
			}
			continue
		}
		if c := h.lastChange(b, true); c != nil && b.in(c.at) {
			rep.ClosedIssues = append(rep.ClosedIssues, Entry{ID: id, Title: title, User: b.username(c.user)})
		}
	}
	sort.SliceStable(rep.MostDiscussed, func(i, j int) bool { return rep.MostDiscussed[i].Messages > rep.MostDiscussed[j].Messages })
	if len(rep.MostDiscussed) > maxMostDiscussed {
		rep.MostDiscussed = rep.MostDiscussed[:maxMostDiscussed]
	}
}

// in reports whether t lies in the period.
func (b *builder) in(t time.Time) bool { return !t.Before(b.start) && t.Before(b.end) }

// username names a user as the script's uid2name did ("none" for none).
func (b *builder) username(id string) string {
	if id == "" {
		return "none"
	}
	if n, ok := b.users[id]; ok {
		return n
	}
	n := id
	if it, err := b.tx.Get("user", id); err == nil && it.Str("username") != "" {
		n = it.Str("username")
	}
	b.users[id] = n
	return n
}

// openNewest returns the first max issues, newest first, that are
// open now, were created before the period's end, match spec and keep,
// and were still open at the end of the period.
func (b *builder) openNewest(spec map[string][]string, max int, keep func(*tracker.Item) bool) ([]*tracker.Item, error) {
	if b.hasStatus {
		spec["status"] = b.open
	}
	spec["creation"] = []string{";" + filterDate(b.end.Add(-time.Millisecond))}
	var out []*tracker.Item
	const page = 100
	for off := 0; len(out) < max; off += page {
		ids, _, err := b.tx.Filter("issue", &tracker.Filter{Spec: spec,
			Sort: []tracker.SortKey{{Prop: "creation", Desc: true}, {Prop: "id", Desc: true}}, Limit: page, Offset: off})
		if err != nil {
			return nil, fmt.Errorf("filtering issues: %w", err)
		}
		items, err := b.tx.GetMany("issue", ids, []string{"messages", "keywords"})
		if err != nil {
			return nil, fmt.Errorf("reading issues: %w", err)
		}
		byID := make(map[string]*tracker.Item, len(items))
		for _, it := range items {
			byID[it.ID] = it
		}
		for _, id := range ids {
			it := byID[id]
			if it == nil || !keep(it) || b.resolvedAt(id, b.end, nil) {
				continue
			}
			out = append(out, it)
			if len(out) == max {
				break
			}
		}
		if len(ids) < page {
			break
		}
	}
	return out, nil
}

// entries lists items as report entries.
func entries(items []*tracker.Item) []Entry {
	out := make([]Entry, len(items))
	for i, it := range items {
		out[i] = Entry{ID: it.ID, Title: it.Str("title")}
	}
	return out
}

// unreplied is the script's unreplied(): open issues with one message
// at most, newest first.
func (b *builder) unreplied() ([]Entry, error) {
	items, err := b.openNewest(map[string][]string{}, maxUnreplied, func(it *tracker.Item) bool {
		return len(it.IDs("messages")) <= 1
	})
	return entries(items), err
}

// needReview is the script's need_review(): open issues with the
// "patch" or "needs review" keyword or at the "patch review" stage,
// newest first. A filter cannot say "keyword or stage", so the newest of
// each kind are merged.
func (b *builder) needReview() ([]Entry, error) {
	ic, err := b.tx.Class("issue")
	if err != nil {
		return nil, err
	}
	all := func(*tracker.Item) bool { return true }
	var found []*tracker.Item
	if ic.Prop("keywords") != nil {
		var kws []string
		for _, name := range []string{"patch", "needs review"} {
			id, err := lookupOptional(b.tx, "keyword", name)
			if err != nil {
				return nil, err
			}
			if id != "" {
				kws = append(kws, id)
			}
		}
		if len(kws) > 0 {
			items, err := b.openNewest(map[string][]string{"keywords": kws}, maxNeedReview, all)
			if err != nil {
				return nil, err
			}
			found = append(found, items...)
		}
	}
	if p := ic.Prop("stage"); p != nil && p.Kind == tracker.Link && p.Class == "stage" {
		stage, err := lookupOptional(b.tx, "stage", "patch review")
		if err != nil {
			return nil, err
		}
		if stage != "" {
			items, err := b.openNewest(map[string][]string{"stage": {stage}}, maxNeedReview, all)
			if err != nil {
				return nil, err
			}
			found = append(found, items...)
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if !found[i].Creation.Equal(found[j].Creation) {
			return found[i].Creation.After(found[j].Creation)
		}
		return tracker.IDInt(found[i].ID) > tracker.IDInt(found[j].ID)
	})
	var out []*tracker.Item
	seen := map[string]bool{}
	for _, it := range found {
		if !seen[it.ID] && len(out) < maxNeedReview {
			seen[it.ID] = true
			out = append(out, it)
		}
	}
	return entries(out), nil
}

// chunks splits ids into slices of at most n.
func chunks(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
