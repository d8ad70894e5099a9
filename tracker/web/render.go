package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

//go:embed html/*.html
var htmlFS embed.FS

// loadTemplates parses the embedded page templates: every page file
// (issue.item.html, _generic.index.html, ...) is parsed together with
// the layout page.html and the shared *.part.html files, so pages fill
// the layout's "title" and "content" blocks. Files in override
// (HOME/html) replace embedded ones of the same name, as a Roundup
// tracker's html/ directory does.
func loadTemplates(override fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	files := map[string][]byte{}
	add := func(fsys fs.FS, dir string) error {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".html") {
				continue
			}
			b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
			if err != nil {
				return err
			}
			files[e.Name()] = b
		}
		return nil
	}
	if err := add(htmlFS, "html"); err != nil {
		return nil, err
	}
	if override != nil {
		if err := add(override, "."); err != nil {
			return nil, fmt.Errorf("reading html overrides: %w", err)
		}
	}
	base := template.New("page.html").Funcs(funcs)
	layout, ok := files["page.html"]
	if !ok {
		return nil, fmt.Errorf("page.html missing")
	}
	if _, err := base.Parse(string(layout)); err != nil {
		return nil, fmt.Errorf("page.html: %w", err)
	}
	for _, name := range sortedKeys(files) {
		if strings.HasSuffix(name, ".part.html") {
			if _, err := base.New(name).Parse(string(files[name])); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	pages := map[string]*template.Template{}
	for _, name := range sortedKeys(files) {
		if name == "page.html" || strings.HasSuffix(name, ".part.html") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New(name).Parse(string(files[name])); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pages[strings.TrimSuffix(name, ".html")] = t
	}
	return pages, nil
}

// pageData is what every page template gets.
type pageData struct {
	Title string
	// Body is the page's own view model.
	Body any
	q    *rq
}

// Site-wide helpers reachable from templates as methods of pageData.

// Tracker is the tracker's name.
func (p *pageData) Tracker() string { return p.q.s.cfg.TrackerName }

// Base is the site prefix ("/NAME/").
func (p *pageData) Base() string { return p.q.s.base.Path }

// Nonce is the CSP nonce for inline scripts and styles.
func (p *pageData) Nonce() string { return p.q.nonce }

// UserName is the visitor's username ("anonymous" when not logged in).
func (p *pageData) UserName() string {
	if p.q.user == nil {
		return "anonymous"
	}
	return p.q.user.Str("username")
}

// UserID is the visitor's id.
func (p *pageData) UserID() string { return p.q.uid }

// Anonymous reports a visitor who is not logged in.
func (p *pageData) Anonymous() bool { return p.q.anonymous() }

// Can answers a permission question for the visitor.
func (p *pageData) Can(perm, class, prop, id string) bool { return p.q.can(perm, class, prop, id) }

// HasRole reports whether the visitor has a role.
func (p *pageData) HasRole(role string) bool { return p.q.tx.HasRole(role) }

// OK and Errors are the status messages.
func (p *pageData) OK() []string { return p.q.ok }

// Errors are the error messages.
func (p *pageData) Errors() []string { return p.q.errs }

// Value is a form value of the request.
func (p *pageData) Value(name string) string { return p.q.value(name) }

// Queries are the visitor's saved queries for the sidebar.
func (p *pageData) Queries() []queryLink { return p.q.s.sidebarQueries(p.q) }

// Classes are the classes the visitor may view (admin links).
func (p *pageData) Classes() []string {
	var out []string
	for _, c := range p.q.s.svc.Schema.ClassNames() {
		if p.q.can("View", c, "", "") {
			out = append(out, c)
		}
	}
	return out
}

// funcs are the template functions.
func (s *Site) funcs() template.FuncMap {
	return template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(s.loc).Format("2006-01-02 15:04")
		},
		"isodate": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"join":    strings.Join,
		"linkify": func(text string) template.HTML { return linkify(text, s.base.Path) },
		"add":     func(a, b int) int { return a + b },
		"query": func(kv ...string) template.URL {
			var b strings.Builder
			for i := 0; i+1 < len(kv); i += 2 {
				if b.Len() > 0 {
					b.WriteByte('&')
				}
				b.WriteString(urlQueryEscape(kv[i]) + "=" + urlQueryEscape(kv[i+1]))
			}
			return template.URL(b.String())
		},
		"formatValue": func(v any) string { return tracker.FormatValue(nil, v) },
	}
}

// render executes a page template into a buffer, then writes it.
func (s *Site) render(q *rq, status int, name string, data *pageData) {
	data.q = q
	t := s.pages[name]
	if t == nil {
		s.log.Error("missing page template", "template", name)
		http.Error(q.w, "missing page template "+name, http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "page.html", data); err != nil {
		s.log.Error("rendering page", "template", name, "request_id", RequestID(q.ctx), "error", err)
		http.Error(q.w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	q.w.WriteHeader(status)
	q.w.Write(buf.Bytes())
}
