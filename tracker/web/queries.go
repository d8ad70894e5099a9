package web

import (
	"net/url"
)

// queryLink is a saved query in the sidebar (Roundup's "Your Queries"):
// user.queries lists the query items a user chose; the link is
// CLASS?URL&@dispname=NAME.
type queryLink struct {
	Name, URL string
}

func (s *Site) sidebarQueries(q *rq) []queryLink {
	if q.anonymous() || q.user == nil || s.svc.Schema.Class("query") == nil {
		return nil
	}
	var out []queryLink
	for _, id := range q.user.IDs("queries") {
		it, err := q.tx.Get("query", id)
		if err != nil || it.Retired || !q.can("View", "query", "", id) {
			continue
		}
		klass := it.Str("klass")
		if klass == "" {
			klass = "issue"
		}
		v, err := url.ParseQuery(it.Str("url"))
		if err != nil {
			v = url.Values{}
		}
		v.Set("@dispname", it.Str("name"))
		out = append(out, queryLink{Name: it.Str("name"), URL: q.url(klass, v)})
	}
	return out
}
