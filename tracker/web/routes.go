package web

import (
	"net/http"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// route dispatches a request below the site prefix along Roundup's URL
// grammar (roundup/cgi/client.py determine_context):
//
//	""                   home (the issue index)
//	CLASS                class index, or ?@template=item|search|...
//	CLASSID              item page (leading zeros stripped)
//	CLASSID/NAME         file or message content download
//	fileID/review        patch review
//	CLASSID.atom|.rss    feeds; CLASS.atom|.rss the global feed
//	rest/...             REST API
//
// An @action runs first: GET only for actions that change nothing (or
// use a one-time key); others need POST (DESIGN.md §2.1).
func (s *Site) route(q *rq) {
	if strings.HasPrefix(q.path, "rest/") || q.path == "rest" {
		s.serveREST(q)
		return
	}
	first, rest, _ := strings.Cut(q.path, "/")
	class, id := "", ""
	switch {
	case first == "" || first == "index" || first == "home":
	default:
		if c, i, ok := tracker.SplitDesignator(first); ok && s.svc.Schema.Class(c) != nil {
			class, id = c, i
		} else if base, ext, ok := strings.Cut(first, "."); ok && (ext == "atom" || ext == "rss") {
			s.serveFeed(q, base, ext)
			return
		} else if s.svc.Schema.Class(first) != nil {
			class = first
		} else {
			s.fail(q, errStatus(http.StatusNotFound, "There is no class or item called "+first))
			return
		}
	}
	if rest != "" {
		if id == "" {
			s.fail(q, errStatus(http.StatusNotFound, "Not found"))
			return
		}
		if rest == "review" && class == "file" {
			s.serveReview(q, id)
			return
		}
		s.serveContent(q, class, id, rest)
		return
	}
	if action := q.value("@action"); action != "" {
		if s.action(q, action, class, id) {
			return
		}
	}
	tmpl := q.value("@template")
	switch {
	case class == "":
		switch tmpl {
		case "classlist":
			s.serveClassList(q)
			return
		case "mailhealth":
			s.serveMailHealth(q)
			return
		}
		s.serveIndex(q, "issue")
	case id != "" && class == "file" && tmpl == "review":
		s.serveReview(q, id)
	case id != "":
		s.serveItem(q, class, id, tmpl)
	case tmpl == "item":
		s.serveNewItem(q, class)
	case tmpl == "search":
		s.serveSearch(q, class)
	case tmpl == "register" && class == "user":
		s.serveRegister(q)
	case tmpl == "forgotten" && class == "user":
		s.serveForgotten(q)
	case tmpl == "edit" && class == "query":
		s.serveQueryEdit(q)
	default:
		s.serveIndex(q, class)
	}
}

// action runs an @action and reports whether it answered the request.
func (s *Site) action(q *rq, action, class, id string) bool {
	post := q.r.Method == http.MethodPost
	switch action {
	case "login":
		return s.needPost(q, post) || s.actLogin(q)
	case "logout":
		return s.needPost(q, post) || s.actLogout(q)
	case "edit":
		if !post {
			// GET never edits: confirm first (bpo's documented
			// "?@action=edit&@add@messages=M" link still works).
			s.serveConfirmEdit(q, class, id)
			return true
		}
		return s.actEdit(q, class, id)
	case "new":
		return s.needPost(q, post) || s.actEdit(q, class, "")
	case "retire", "restore":
		return s.needPost(q, post) || s.actRetire(q, action, class, id)
	case "show":
		return s.actShow(q)
	case "searchid":
		return s.actSearchID(q)
	case "random":
		return s.actRandom(q)
	case "search":
		return s.actSearch(q, class)
	case "export_csv", "export_csv_id":
		return s.actExportCSV(q, class, action == "export_csv_id")
	case "export_json":
		return s.actExportJSON(q, class)
	case "apitoken_new", "apitoken_revoke":
		return s.needPost(q, post) || s.actAPIToken(q, action, class, id)
	case "register":
		return s.needPost(q, post) || s.actRegister(q)
	case "confrego":
		return s.actConfirmRegistration(q)
	case "passrst":
		return s.actPasswordReset(q, post)
	case "unsubscribe":
		return s.actUnsubscribe(q, class, id, post)
	case "emailme":
		return s.needPost(q, post) || s.actEmailMe(q, class, id)
	case "batch":
		return s.needPost(q, post) || s.actBatchEdit(q, class)
	case "spam", "ham":
		return s.needPost(q, post) || s.actClassify(q, action, class, id)
	case "review_comment", "review_publish", "review_discard":
		return s.needPost(q, post) || s.actReview(q, action, class, id)
	case "editcsv":
		return s.needPost(q, post) || s.actEditCSV(q, class)
	case "queries":
		return s.needPost(q, post) || s.actQueries(q)
	}
	q.errs = append(q.errs, "Unknown action "+action)
	return false
}

// needPost refuses a state-changing action sent by GET.
func (s *Site) needPost(q *rq, post bool) bool {
	if post {
		return false
	}
	q.w.Header().Set("Allow", "POST")
	s.fail(q, errStatus(http.StatusMethodNotAllowed, "This action changes data and must be sent with POST"))
	return true
}
