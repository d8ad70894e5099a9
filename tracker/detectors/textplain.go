package detectors

import (
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker"
)

// installTextPlain is `textplain`, bpo's detectors/textplain.py
// (audit_application_octetstream): an auditor on file create. A file
// uploaded as application/octet-stream whose content is valid UTF-8
// without control characters other than tab, line feed, form feed and
// carriage return is stored as text/plain, so browsers show it.
//
// Needs: FileClass file.
func installTextPlain(s *tracker.Service) (func(), error) {
	n := newNeeds("textplain", s)
	n.fileClass("file")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() { s.Audit("file", "create", "textplain", prioDefault, auditOctetStream) }, nil
}

// auditOctetStream is textplain.py's audit_application_octetstream.
func auditOctetStream(tx *tracker.Tx, ch *tracker.Change) error {
	if ch.New["type"] != any("application/octet-stream") {
		return nil
	}
	content, _ := ch.New["content"].(string)
	if looksLikeText(content) {
		ch.New["type"] = "text/plain"
	}
	return nil
}

// looksLikeText: valid UTF-8, and every character below U+0020 is one of
// space, \f, \t, \r, \n.
func looksLikeText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 32 && r != '\f' && r != '\t' && r != '\r' && r != '\n' {
			return false
		}
	}
	return true
}
