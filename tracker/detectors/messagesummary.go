package detectors

import (
	"regexp"

	"github.com/corral-tracker/corral/tracker"
)

// installMessageSummary is `messagesummary`, Roundup's
// detectors/messagesummary.py (classic template and bpo alike): an
// auditor on msg create that, unless the new message already has a
// summary (the mail gateway computes its own) or has no content, sets
// msg.summary from the content by Roundup's parseContent rules — see
// Summary. config.ini [mailgw] keep_quoted_text (yes/new/no; "new"
// counts as no here, as parseContent's is_new_issue defaults to False),
// eol_re and blankline_re apply; an expression Go cannot compile falls
// back to Roundup's default.
//
// Needs: FileClass msg with a String summary.
func installMessageSummary(s *tracker.Service) (func(), error) {
	n := newNeeds("messagesummary", s)
	n.fileClass("msg")
	n.prop("msg", "summary", tracker.String)
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() { s.Audit("msg", "create", "messagesummary", prioDefault, summaryGenerator) }, nil
}

// summaryGenerator is messagesummary.py's summarygenerator.
func summaryGenerator(tx *tracker.Tx, ch *tracker.Change) error {
	if _, ok := ch.New["summary"]; ok {
		return nil
	}
	content, ok := ch.New["content"].(string)
	if !ok {
		return nil
	}
	ch.New["summary"] = configuredBodyRules(tx.Service()).summary(content)
	return nil
}

// configuredBodyRules reads the [mailgw] options parseContent uses.
func configuredBodyRules(s *tracker.Service) bodyRules {
	r := defaultBodyRules()
	v, ok := configValue(s, "mailgw", "keep_quoted_text")
	r.keepQuoted = yesNoNew(v, ok, "yes") == "yes"
	if v, ok := configValue(s, "mailgw", "eol_re"); ok {
		if re, err := regexp.Compile(v); err == nil {
			r.eol = re
		}
	}
	if v, ok := configValue(s, "mailgw", "blankline_re"); ok {
		if re, err := regexp.Compile(v); err == nil {
			r.blankLine = re
		}
	}
	return r
}
