package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"sort"
	"strings"
)

// Server serves one or more trackers (roundup-server's NAME=HOME
// arguments): each under /NAME/, or a single one at / when its name is
// empty; / lists the trackers otherwise.
type Server struct {
	sites map[string]*Site
	names []string
	log   *slog.Logger
	h     http.Handler
}

// NewServer combines sites into one handler.
func NewServer(sites []*Site, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &Server{sites: map[string]*Site{}, log: log}
	for _, s := range sites {
		srv.sites[s.cfg.Name] = s
		srv.names = append(srv.names, s.cfg.Name)
	}
	sort.Strings(srv.names)
	cop := http.NewCrossOriginProtection()
	for _, s := range sites {
		s.TrustAPIOrigins(cop)
	}
	srv.h = requestLog(log, recoverer(log, cop.Handler(http.HandlerFunc(srv.dispatch))))
	return srv
}

// ServeHTTP implements http.Handler.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { srv.h.ServeHTTP(w, r) }

// Site returns the tracker served under name.
func (srv *Server) Site(name string) *Site { return srv.sites[name] }

func (srv *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if s, ok := srv.sites[""]; ok && len(srv.sites) == 1 {
		s.serve(w, r, strings.TrimPrefix(r.URL.Path, "/"))
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	name, rest, hasSlash := strings.Cut(p, "/")
	if name == "" {
		srv.trackerList(w, r)
		return
	}
	s, ok := srv.sites[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !hasSlash {
		// Roundup redirects /NAME to /NAME/.
		http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
		return
	}
	s.serve(w, r, rest)
}

var trackerListTmpl = template.Must(template.New("list").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trackers</title></head><body><h1>Trackers</h1><ul>
{{range .}}<li><a href="/{{.Name}}/">{{.Title}}</a></li>{{end}}
</ul></body></html>`))

// trackerList is roundup-server's index of trackers.
func (srv *Server) trackerList(w http.ResponseWriter, r *http.Request) {
	type entry struct{ Name, Title string }
	var l []entry
	for _, n := range srv.names {
		l = append(l, entry{n, srv.sites[n].cfg.TrackerName})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	trackerListTmpl.Execute(w, l)
}
