package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// rq is one request to a site: who asks, through which read transaction,
// with what form values.
type rq struct {
	s     *Site
	w     http.ResponseWriter
	r     *http.Request
	ctx   context.Context
	tx    *tracker.Tx // read-only, as the user
	user  *tracker.Item
	uid   string
	nonce string
	// form is the query plus (for POST) the body.
	form url.Values
	// path is the request path below the site prefix.
	path string
	// ok and errs are shown at the top of the page (Roundup's
	// @ok_message / @error_message).
	ok, errs []string
	// viaBasic: credentials came with the request (REST clients).
	viaBasic bool
}

// anonymous reports whether the visitor is not logged in.
func (q *rq) anonymous() bool {
	return q.user == nil || q.user.Str("username") == "anonymous"
}

// can answers a permission question for the visitor.
func (q *rq) can(perm, class, prop, id string) bool { return q.tx.Can(perm, class, prop, id) }

// value returns a form value ("" when absent); ':' works for '@'.
func (q *rq) value(name string) string {
	if v, ok := q.form[name]; ok && len(v) > 0 {
		return v[0]
	}
	if strings.HasPrefix(name, "@") {
		if v, ok := q.form[":"+name[1:]]; ok && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

func (q *rq) has(name string) bool {
	_, ok := q.form[name]
	return ok
}

// url builds a site URL for path with query values.
func (q *rq) url(path string, query url.Values) string {
	u := q.s.base.Path + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

// serve handles one request for the site; rest is the path below the
// site prefix.
func (s *Site) serve(w http.ResponseWriter, r *http.Request, rest string) {
	q := &rq{s: s, w: w, r: r, ctx: r.Context(), path: rest, nonce: newID(12)}
	if strings.HasPrefix(rest, "@@file/") {
		s.static(w, r, strings.TrimPrefix(rest, "@@file/"))
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
		return
	}
	q.form = r.Form
	if err := s.authenticate(q); err != nil {
		s.fail(q, err)
		return
	}
	defer q.tx.Rollback()
	securityHeaders(w, q.nonce)
	if m := q.value("@ok_message"); m != "" {
		q.ok = append(q.ok, m)
	}
	if m := q.value("@error_message"); m != "" {
		q.errs = append(q.errs, m)
	}
	s.route(q)
}

// httpError carries a status and a message for the user.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errStatus(status int, msg string) error { return &httpError{status, msg} }

// fail renders an error page; details only with [web] debug.
func (s *Site) fail(q *rq, err error) {
	status := http.StatusInternalServerError
	msg := "An error has occurred"
	var he *httpError
	var pe *tracker.PermissionError
	switch {
	case errors.As(err, &he):
		status, msg = he.status, he.msg
	case errors.As(err, &pe):
		status, msg = http.StatusForbidden, pe.Error()
	case errors.Is(err, tracker.ErrNotFound):
		status, msg = http.StatusNotFound, "Not found"
	default:
		s.log.Error("request failed", "request_id", RequestID(q.ctx), "path", q.r.URL.Path, "error", err)
		if s.cfg.Debug {
			msg += ": " + err.Error()
		}
	}
	if q.tx == nil {
		http.Error(q.w, msg, status)
		return
	}
	q.errs = append(q.errs, msg)
	s.render(q, status, "_generic.error", &pageData{Title: http.StatusText(status)})
}
