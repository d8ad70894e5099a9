package web

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// mailHealthView is the admin's "mail health" page: what waits in the
// outbox, what is deferred (temporary failures being retried) and what
// failed for good — so no failure is silent.
type mailHealthView struct {
	Counts   []countRow
	Oldest   string
	Deferred []outboxRow
	Failed   []outboxRow
}

type countRow struct {
	Kind, State string
	N           int
}

type outboxRow struct {
	ID       int64
	Kind     string
	Key      string
	Created  string
	Attempts int
	NextTry  string
	Error    string
	To       string
}

// serveMailHealth renders home?@template=mailhealth for Admins.
func (s *Site) serveMailHealth(q *rq) {
	if !q.tx.HasRole("admin") {
		s.fail(q, errStatus(http.StatusForbidden, "Only administrators may see the mail health page."))
		return
	}
	ob := s.svc.Store().Outbox()
	st, err := ob.Stats(q.ctx)
	if err != nil {
		s.fail(q, err)
		return
	}
	v := &mailHealthView{}
	for k, n := range st.Count {
		kind, state, _ := strings.Cut(k, "/")
		v.Counts = append(v.Counts, countRow{kind, state, n})
	}
	sort.Slice(v.Counts, func(i, j int) bool {
		if v.Counts[i].Kind != v.Counts[j].Kind {
			return v.Counts[i].Kind < v.Counts[j].Kind
		}
		return v.Counts[i].State < v.Counts[j].State
	})
	if !st.Oldest.IsZero() {
		v.Oldest = st.Oldest.In(s.loc).Format("2006-01-02 15:04:05") + " (" + time.Since(st.Oldest).Round(time.Second).String() + " ago)"
	}
	row := func(ev *tracker.OutboxEvent) outboxRow {
		r := outboxRow{ID: ev.ID, Kind: ev.Kind, Key: ev.Key, Created: ev.Created.In(s.loc).Format("2006-01-02 15:04"),
			Attempts: ev.Attempts, Error: ev.LastErr}
		if !ev.NextTry.IsZero() {
			r.NextTry = ev.NextTry.In(s.loc).Format("2006-01-02 15:04")
		}
		var m struct {
			To []string `json:"to"`
		}
		if json.Unmarshal(ev.Payload, &m) == nil && len(m.To) > 0 {
			r.To = joinN(m.To, 3)
		}
		return r
	}
	pending, err := ob.List(q.ctx, "pending", 200)
	if err != nil {
		s.fail(q, err)
		return
	}
	for _, ev := range pending {
		if ev.LastErr != "" {
			v.Deferred = append(v.Deferred, row(ev))
		}
	}
	failed, err := ob.List(q.ctx, "failed", 200)
	if err != nil {
		s.fail(q, err)
		return
	}
	for _, ev := range failed {
		v.Failed = append(v.Failed, row(ev))
	}
	s.render(q, http.StatusOK, "_generic.mailhealth", &pageData{Title: "Mail health", Body: v})
}

func joinN(l []string, n int) string {
	out := ""
	for i, x := range l {
		if i == n {
			return out + ", ..."
		}
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
