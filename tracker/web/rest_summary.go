package web

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// restDescribe is GET /rest/ (rest.py describe): the API versions and
// the links below /rest.
func (s *Site) restDescribe(rr *restReq) (any, error) {
	base := rr.web + "rest"
	return map[string]any{
		"default_version":    1,
		"supported_versions": []int{1},
		"links": []map[string]string{
			{"uri": base, "rel": "self"},
			{"uri": base + "/data", "rel": "data"},
			{"uri": base + "/summary", "rel": "summary"},
		},
	}, nil
}

// restClasses is GET /rest/data (rest.py data): the classes the user may
// view, each with its link.
func (s *Site) restClasses(rr *restReq) (any, error) {
	out := map[string]any{}
	for _, c := range s.svc.Schema.ClassNames() {
		if rr.q.can("View", c, "", "") {
			out[c] = map[string]string{"link": rr.data + "/" + c}
		}
	}
	return out, nil
}

// restRoles is GET /rest/data/user/roles (Roundup 2.4): the roles, for
// Admin only.
func (s *Site) restRoles(rr *restReq) (any, error) {
	if !rr.q.tx.HasRole("admin") {
		return nil, restErr(http.StatusForbidden, `User does not have permission on "user.roles"`)
	}
	coll := []map[string]string{}
	for _, r := range s.svc.Schema.Security.Roles() {
		n := strings.ToLower(r.Name)
		coll = append(coll, map[string]string{"id": n, "name": n})
	}
	return map[string]any{"collection": coll}, nil
}

// restSummary is GET /rest/summary (rest.py summary): the issues active
// in the last week — those created, the active ones by status name, and
// the most discussed (number of message additions, issue). Roundup means
// to sort most_discussed but discards the sorted list; Corral sorts it,
// most messages first.
func (s *Site) restSummary(rr *restReq) (any, error) {
	q := rr.q
	if !q.can("View", "issue", "", "") || s.svc.Schema.Class("issue") == nil {
		return nil, restErr(http.StatusForbidden, "Permission to view summary denied")
	}
	since := s.svc.Now().Add(-7 * 24 * time.Hour)
	ids, _, err := q.tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{"activity": {"-1w;"}}, Limit: s.rest.cfg.MaxRows})
	if err != nil {
		return nil, err
	}
	items, err := q.tx.GetMany("issue", ids, []string{})
	if err != nil {
		return nil, err
	}
	created := []map[string]any{}
	summary := map[string][]map[string]any{}
	type disc struct {
		n  int
		it map[string]any
	}
	var discussed []disc
	for _, it := range items {
		if !q.can("View", "issue", "", it.ID) {
			continue
		}
		obj := map[string]any{"id": it.ID, "link": rr.data + "/issue/" + it.ID, "title": it.Str("title")}
		if !q.can("View", "issue", "title", it.ID) {
			obj["title"] = nil
		}
		status := ""
		if st := it.Str("status"); st != "" {
			status = q.tx.Label("status", st)
		}
		summary[status] = append(summary[status], obj)
		journal, err := q.tx.Journal("issue", it.ID)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range journal {
			if e.Date.Before(since) {
				continue
			}
			switch {
			case e.Action == tracker.ActCreate:
				created = append(created, obj)
			case e.Action == tracker.ActSet && (len(e.Params.Added["messages"]) > 0 || e.Params.Old["messages"] != nil):
				n++
			}
		}
		discussed = append(discussed, disc{n, obj})
	}
	sort.SliceStable(discussed, func(i, j int) bool { return discussed[i].n > discussed[j].n })
	most := [][2]any{}
	for i, d := range discussed {
		if i == 10 {
			break
		}
		most = append(most, [2]any{d.n, d.it})
	}
	return map[string]any{"created": created, "summary": summary, "most_discussed": most}, nil
}

// poeData is what a POST-once-exactly token remembers.
type poeData struct {
	UID   string `json:"uid"`
	Class string `json:"class,omitempty"`
}

// restPOEToken is POST /rest/data/CLASS/@poe (rest.py
// get_post_once_exactly): a single-use URL that creates one item of the
// class (of any class with "generic"), valid for "lifetime" seconds
// (default 1800, at most 3600).
func (s *Site) restPOEToken(rr *restReq) (any, error) {
	q := rr.q
	class := rr.parts[1]
	lifetime := 30 * 60
	if f, ok := rr.in.get("lifetime"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(f.value))
		if err != nil {
			return nil, restErr(http.StatusBadRequest, "Value 'lifetime' must be an integer specify lifetime in seconds. Got "+f.value+".")
		}
		if n > 3600 || n < 1 {
			return nil, restErr(http.StatusBadRequest, "Value 'lifetime' must be between 1 second and 1 hour (3600 seconds). Got "+f.value+".")
		}
		lifetime = n
	}
	d := poeData{UID: q.uid, Class: class}
	if _, ok := rr.in.get("generic"); ok {
		d.Class = ""
	}
	key := tracker.NewKey()
	data, _ := json.Marshal(d)
	expires := s.svc.Now().Add(time.Duration(lifetime) * time.Second)
	err := s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.PutOTK(&tracker.OTK{Key: "poe:" + key, Kind: "poe", Data: data, Expires: expires})
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"link": rr.data + "/" + class + "/@poe/" + key, "expires": float64(expires.UnixMilli()) / 1000}, nil
}

// restPOECreate is POST /rest/data/CLASS/@poe/TOKEN: create as POST on
// the class does, once. The token is used up in the transaction that
// creates the item, so a create that fails (and is rolled back) can be
// retried with it, and one that succeeded cannot be repeated — Roundup
// uses the token up before creating.
func (s *Site) restPOECreate(rr *restReq) (any, error) {
	c := s.svc.Schema.Class(rr.parts[1])
	token := rr.parts[3]
	invalid := restErr(http.StatusBadRequest, "POE token '"+token+"' not valid.")
	return s.restCreate(rr, c, func(tx *tracker.Tx) error {
		k, err := tx.TakeOTK("poe:" + token)
		if err != nil || k.Kind != "poe" {
			return invalid
		}
		var d poeData
		if json.Unmarshal(k.Data, &d) != nil {
			return invalid
		}
		if d.UID != rr.q.uid {
			s.log.Warn("POE token used by another user", "owner", d.UID, "user", rr.q.uid)
			return invalid
		}
		if d.Class != "" && d.Class != c.Name {
			return restErr(http.StatusBadRequest, "POE token '"+token+"' not valid for "+c.Name+", was generated for class "+d.Class)
		}
		return nil
	})
}
