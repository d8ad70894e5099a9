package web

import "net/http"

// Handlers other engineers are building now; they answer 501 until
// then. Each moves to its own file (search.go, accounts.go, review.go,
// rest.go, feeds.go, ...).

func (s *Site) notYet(q *rq, what string) {
	s.fail(q, errStatus(http.StatusNotImplemented, what+" is not built yet"))
}

func (s *Site) serveReview(q *rq, id string) { s.notYet(q, "Patch review") }
func (s *Site) actReview(q *rq, action, class, id string) bool {
	s.notYet(q, "Patch review")
	return true
}
