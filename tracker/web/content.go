package web

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// safeInline are the types a browser may show in the page without risk
// (no script can run in them).
var safeInline = map[string]bool{
	"text/plain": true, "image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"application/pdf": true,
}

// serveContent streams a file's or message's content (CLASSID/NAME, as
// Roundup's /file12/name.patch). Uploaded HTML, SVG, XML or script is
// never served as itself (Roundup: allow_html_file): it comes as an
// attachment of type application/octet-stream, and every download
// carries nosniff and a sandboxing CSP.
func (s *Site) serveContent(q *rq, class, id, name string) {
	c := s.svc.Schema.Class(class)
	if !c.HasContent() {
		s.fail(q, errStatus(http.StatusNotFound, "Not found"))
		return
	}
	it, err := q.tx.Get(class, id)
	if err != nil {
		s.fail(q, err)
		return
	}
	if !q.can("View", class, "content", id) {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view this file."))
		return
	}
	data, err := q.tx.Content(class, id)
	if err != nil {
		s.fail(q, err)
		return
	}
	typ := it.Str("type")
	if class == "msg" || typ == "" {
		typ = "text/plain"
	}
	mt, _, _ := mime.ParseMediaType(typ)
	h := q.w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	fname := it.Str("name")
	if fname == "" {
		fname = class + id
	}
	switch {
	case mt == "text/html" && s.cfg.AllowHTMLFile:
		h.Set("Content-Type", "text/html; charset=utf-8")
	case safeInline[mt]:
		if mt == "text/plain" {
			if utf8.Valid(data) {
				h.Set("Content-Type", "text/plain; charset=utf-8")
			} else {
				h.Set("Content-Type", "text/plain")
			}
		} else {
			h.Set("Content-Type", mt)
		}
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": fname}))
	case strings.HasPrefix(mt, "text/") && !strings.Contains(mt, "html") && !strings.Contains(mt, "xml") && !strings.Contains(mt, "javascript"):
		// Patches (text/x-diff), source code: readable in the browser.
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": fname}))
	default:
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fname}))
	}
	http.ServeContent(q.w, q.r, "", it.Activity, bytes.NewReader(data))
}
