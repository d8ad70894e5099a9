package web

import "net/http"

// Handlers other engineers are building now; they answer 501 until
// then. Each moves to its own file (search.go, accounts.go, review.go,
// rest.go, feeds.go, ...).

func (s *Site) notYet(q *rq, what string) {
	s.fail(q, errStatus(http.StatusNotImplemented, what+" is not built yet"))
}

func (s *Site) serveReview(q *rq, id string)           { s.notYet(q, "Patch review") }
func (s *Site) serveRegister(q *rq)                    { s.notYet(q, "Registration") }
func (s *Site) serveForgotten(q *rq)                   { s.notYet(q, "Password reset") }
func (s *Site) actRegister(q *rq) bool                 { s.notYet(q, "Registration"); return true }
func (s *Site) actConfirmRegistration(q *rq) bool      { s.notYet(q, "Registration"); return true }
func (s *Site) actPasswordReset(q *rq, post bool) bool { s.notYet(q, "Password reset"); return true }
func (s *Site) actUnsubscribe(q *rq, class, id string, post bool) bool {
	s.notYet(q, "Unsubscribe")
	return true
}
func (s *Site) actEmailMe(q *rq, class, id string) bool { s.notYet(q, "Email me"); return true }
func (s *Site) actClassify(q *rq, action, class, id string) bool {
	s.notYet(q, "Spam classification")
	return true
}
func (s *Site) actReview(q *rq, action, class, id string) bool {
	s.notYet(q, "Patch review")
	return true
}
func (s *Site) actEditCSV(q *rq, class string) bool { s.notYet(q, "CSV editing"); return true }
