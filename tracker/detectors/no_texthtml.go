package detectors

import (
	"github.com/corral-tracker/corral/tracker"
)

// installNoTextHTML is `no_texthtml`, bpo's detectors/no_texthtml.py
// (audit_html_files): an auditor on file create and set. A file whose
// type is set to text/html, html or text/x-html is stored as text/plain,
// so an uploaded page is never served as HTML from the tracker's origin.
//
// Needs: FileClass file.
func installNoTextHTML(s *tracker.Service) (func(), error) {
	n := newNeeds("no_texthtml", s)
	n.fileClass("file")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("file", "create", "no_texthtml", prioDefault, auditHTMLFiles)
		s.Audit("file", "set", "no_texthtml", prioDefault, auditHTMLFiles)
	}, nil
}

// auditHTMLFiles is no_texthtml.py's audit_html_files.
func auditHTMLFiles(tx *tracker.Tx, ch *tracker.Change) error {
	switch ch.New["type"] {
	case "text/html", "html", "text/x-html":
		ch.New["type"] = "text/plain"
	}
	return nil
}
