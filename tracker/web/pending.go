package web

import "net/http"

// Handlers other engineers are building now; they answer 501 until
// then. Each moves to its own file (search.go, accounts.go, review.go,
// rest.go, feeds.go, ...).

func (s *Site) notYet(q *rq, what string) {
	s.fail(q, errStatus(http.StatusNotImplemented, what+" is not built yet"))
}
