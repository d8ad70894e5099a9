package web

import (
	"net/http"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// actClassify is bpo's spambayes_classify action (extensions/
// spambayes.py), as @action=spam or @action=ham on msgN or fileN: users
// with "SB: May Classify" (bpo: Coordinators and Developers) set
// spambayes_score to 1.0 (spam) or 0.0 (ham). The item stays, with its
// journal; the schema's not_spam check hides spam content from those who
// may not see it, and the issue page says "hidden (spam)". When the
// verdict reverses what the score said before, spambayes_misclassified
// is set (bpo kept that flag once set; so does this). bpo trained a
// SpamBayes server too; its training was already disabled.
//
// The permission is the action's; the write skips per-property checks,
// as bpo's action wrote with the database's rights. It answers with a
// redirect to the item, or to __came_from within the tracker (the
// buttons on the issue page).
func (s *Site) actClassify(q *rq, action, class, id string) bool {
	c := s.svc.Schema.Class(class)
	if c == nil || id == "" || c.Prop("spambayes_score") == nil {
		s.fail(q, errStatus(http.StatusBadRequest, "Only messages and files can be classified."))
		return true
	}
	if !q.can("SB: May Classify", "", "", "") {
		s.fail(q, errStatus(http.StatusForbidden, "You do not have permission to classify messages and files as spam."))
		return true
	}
	spam := action == "spam"
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		it, err := tx.Get(class, id)
		if err != nil {
			return err
		}
		vals := tracker.Values{"spambayes_score": 0.0}
		if spam {
			vals["spambayes_score"] = 1.0
		}
		if c.Prop("spambayes_misclassified") != nil {
			if old, ok := it.Values["spambayes_score"].(float64); ok && (old > s.svc.Options().SpamCutoff) != spam {
				vals["spambayes_misclassified"] = true
			}
		}
		return tx.System(func() error { return tx.Set(class, id, vals) })
	})
	if err != nil {
		s.editFailed(q, class, id, err)
		return true
	}
	verdict := "HAM"
	if spam {
		verdict = "SPAM"
	}
	s.log.Info("classified", "item", class+id, "verdict", strings.ToLower(verdict), "user", "user"+q.uid)
	target, frag := s.base.Path+class+id, ""
	if cf := q.value("__came_from"); s.localURL(cf) {
		target, frag, _ = strings.Cut(cf, "#")
	}
	what := "Message"
	if class == "file" {
		what = "File"
	}
	redirectFragment(q, target, frag, what+" classified as "+verdict, frag != "")
	return true
}

// localURL accepts a redirect target only within this tracker: the site
// prefix, no scheme-relative "//" or "/\" start, no control characters.
func (s *Site) localURL(u string) bool {
	if !strings.HasPrefix(u, s.base.Path) || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "/\\") {
		return false
	}
	return !strings.ContainsFunc(u, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
