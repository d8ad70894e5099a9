package web

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"text/template"
	"time"
)

//go:embed static
var staticFS embed.FS

var startTime = time.Now()

var osdTmpl = template.Must(template.New("osd").Parse(`<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>{{.Name}}</ShortName>
<Description>Search the {{.Name}}</Description>
<InputEncoding>UTF-8</InputEncoding>
<Url type="text/html" template="{{.Web}}issue?@action=searchid&amp;@search_text={searchTerms}"/>
<Url type="application/atom+xml" template="{{.Web}}issue.atom?@search_text={searchTerms}&amp;@sort=-activity"/>
<Url type="application/rss+xml" template="{{.Web}}issue.rss?@search_text={searchTerms}&amp;@sort=-activity"/>
<Url type="application/json" template="{{.Web}}issue?@action=export_json&amp;@columns=id,title,status,activity&amp;@sort=-activity&amp;@search_text={searchTerms}"/>
<Url type="application/opensearchdescription+xml" rel="self" template="{{.Web}}@@file/osd.xml"/>
</OpenSearchDescription>
`))

// static serves /NAME/@@file/NAME from the embedded files (Roundup's
// static_files), plus the OpenSearch description built from the
// tracker's name and URL.
func (s *Site) static(w http.ResponseWriter, r *http.Request, name string) {
	if name == "osd.xml" {
		w.Header().Set("Content-Type", "application/opensearchdescription+xml")
		web := s.cfg.Web
		if web == "" {
			web = s.base.Path
		}
		osdTmpl.Execute(w, struct{ Name, Web string }{xmlEscape(s.cfg.TrackerName), xmlEscape(web)})
		return
	}
	name = path.Clean("/" + name)[1:]
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, name, startTime, strings.NewReader(string(b)))
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
