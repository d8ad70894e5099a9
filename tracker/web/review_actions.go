package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker"
)

// actReview runs the review actions, posted to /NAME/fileN (or to its
// review page):
//
//	review_comment  @anchor=f1-n12 @text=...   save (empty: delete) the
//	                                           visitor's draft comment
//	review_discard  [@anchor=f1-n12]           delete one draft comment,
//	                                           or the whole draft
//	review_publish  [@note=...]                post the draft as one
//	                                           message on the issue
//
// Drafting takes what publishing does: Create on msg and Edit of the
// issue's messages (anonymous visitors are refused).
func (s *Site) actReview(q *rq, action, class, id string) bool {
	if class != "file" || id == "" {
		s.fail(q, errStatus(http.StatusBadRequest, "Review actions apply to a file: post them to fileN"))
		return true
	}
	if q.anonymous() {
		s.fail(q, errStatus(http.StatusForbidden, "You must log in to comment on a patch."))
		return true
	}
	rc, err := s.loadReview(q, id)
	if err != nil {
		s.fail(q, err)
		return true
	}
	if rc.issue == "" {
		s.fail(q, errStatus(http.StatusBadRequest, "file"+id+" is not attached to an issue you can see, so comments on it have nowhere to go."))
		return true
	}
	if !rc.mayComment(q) {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to comment on issue"+rc.issue+"."))
		return true
	}
	switch action {
	case "review_comment":
		s.reviewComment(q, rc)
	case "review_discard":
		s.reviewDiscard(q, rc)
	case "review_publish":
		s.reviewPublish(q, rc)
	default:
		s.fail(q, errStatus(http.StatusBadRequest, "Unknown action "+action))
	}
	return true
}

// reviewURL is the review page with an optional @ok_message, showing
// the line anchor names (alone with its file when the full page leaves
// that file out).
func (s *Site) reviewURL(rc *reviewCtx, ok, anchor string) string {
	var query []string
	if pos, found := findAnchor(rc.patch, anchor); found && !shownFiles(rc.patch, 0)[pos.file] {
		query = append(query, "file="+fileAnchor(pos.file+1))
	}
	if ok != "" {
		query = append(query, "@ok_message="+url.QueryEscape(ok))
	}
	u := s.base.Path + "file" + rc.id + "/review"
	if len(query) > 0 {
		u += "?" + strings.Join(query, "&")
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// reviewComment saves, changes or (empty text) deletes a draft comment.
func (s *Site) reviewComment(q *rq, rc *reviewCtx) {
	pos, ok := findAnchor(rc.patch, q.value("@anchor"))
	if !ok {
		s.fail(q, errStatus(http.StatusBadRequest, "There is no line "+q.value("@anchor")+" in this patch."))
		return
	}
	anchor := commentAnchor(pos.file+1, rc.patch.Files[pos.file].Hunks[pos.hunk].Lines[pos.line])
	text := strings.TrimRight(strings.ReplaceAll(q.value("@text"), "\r\n", "\n"), " \t\n")
	text = strings.TrimLeft(text, "\n")
	if utf8.RuneCountInString(text) > maxCommentLen {
		q.errs = append(q.errs, fmt.Sprintf("The comment is longer than %d characters.", maxCommentLen))
		s.renderReview(q, rc, http.StatusBadRequest, anchor, text)
		return
	}
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		key := s.draftKey(rc.id, q.uid)
		d, err := readDraft(tx, key)
		if err != nil {
			return err
		}
		if d.get(anchor) == nil && text != "" && len(d.Comments) >= maxDraftComments {
			return errStatus(http.StatusBadRequest, fmt.Sprintf("A draft holds at most %d comments; publish it first.", maxDraftComments))
		}
		d.set(anchor, text)
		return writeDraft(tx, key, d)
	})
	if err != nil {
		s.reviewFailed(q, rc, err, anchor, text)
		return
	}
	msg := "Draft comment saved; it is visible only to you until you publish your review."
	if text == "" {
		msg = "Draft comment deleted."
	}
	http.Redirect(q.w, q.r, s.reviewURL(rc, msg, anchor), http.StatusSeeOther)
}

// reviewDiscard deletes one draft comment, or the whole draft.
func (s *Site) reviewDiscard(q *rq, rc *reviewCtx) {
	anchor := q.value("@anchor")
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		key := s.draftKey(rc.id, q.uid)
		d, err := readDraft(tx, key)
		if err != nil {
			return err
		}
		if anchor == "" {
			d.Comments = nil
		} else {
			d.set(anchor, "")
		}
		return writeDraft(tx, key, d)
	})
	if err != nil {
		s.reviewFailed(q, rc, err, "", "")
		return
	}
	msg := "Your draft review was discarded."
	if anchor != "" {
		msg = "Draft comment deleted."
	}
	http.Redirect(q.w, q.r, s.reviewURL(rc, msg, ""), http.StatusSeeOther)
}

// reviewPublish posts the draft as one message on the file's issue,
// written by the reviewer and linked into the issue's messages in the
// same transaction, so the nosy reactor mails it like any other
// message; the draft is then gone.
func (s *Site) reviewPublish(q *rq, rc *reviewCtx) {
	note := strings.TrimSpace(strings.ReplaceAll(q.value("@note"), "\r\n", "\n"))
	var msgID string
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		key := s.draftKey(rc.id, q.uid)
		d, err := readDraft(tx, key)
		if err != nil {
			return err
		}
		if len(d.Comments) == 0 && note == "" {
			return errStatus(http.StatusBadRequest, "There is nothing to publish: add comments to lines of the patch first.")
		}
		if !tx.Can("Create", "msg", "", "") || !tx.Can("Edit", "issue", "messages", rc.issue) {
			return errStatus(http.StatusForbidden, "You are not allowed to add messages to issue"+rc.issue+".")
		}
		raw := map[string]string{"content": s.reviewMessage(rc, d, note, s.absURL(q, "")), "author": tx.UserID()}
		if s.svc.Schema.Class("msg").Prop("date") != nil {
			raw["date"] = "."
		}
		vals, err := tx.ParseValues("msg", "", raw)
		if err != nil {
			return fmt.Errorf("preparing the review message: %w", err)
		}
		if msgID, err = tx.Create("msg", vals); err != nil {
			return err
		}
		iv, err := tx.ParseValues("issue", rc.issue, map[string]string{"messages": "+" + msgID})
		if err != nil {
			return fmt.Errorf("linking the review message: %w", err)
		}
		if err := tx.Set("issue", rc.issue, iv); err != nil {
			return err
		}
		d.Comments = nil
		return writeDraft(tx, key, d)
	})
	if err != nil {
		s.reviewFailed(q, rc, err, "", "")
		return
	}
	target := s.base.Path + "issue" + rc.issue + "?@ok_message=" +
		url.QueryEscape("Review published as msg"+msgID) + "#msg" + msgID
	http.Redirect(q.w, q.r, target, http.StatusSeeOther)
}

// reviewFailed shows the review page again with the error, keeping
// what the visitor typed; unexpected errors get the error page.
func (s *Site) reviewFailed(q *rq, rc *reviewCtx, err error, box, text string) {
	status := http.StatusBadRequest
	var he *httpError
	var pe *tracker.PermissionError
	var rej *tracker.Reject
	var ve *tracker.ValueError
	switch {
	case errors.As(err, &he):
		status = he.status
	case errors.As(err, &pe):
		status = http.StatusForbidden
	case errors.As(err, &rej), errors.As(err, &ve):
	default:
		s.fail(q, err)
		return
	}
	q.errs = append(q.errs, err.Error())
	s.renderReview(q, rc, status, box, text)
}

// reviewMessage is the text of a published review: a header naming the
// file, the reviewer's general note, then per comment its place
// ("Lib/foo.py:12"), the line and up to three lines before it as the
// patch shows them, the comment, and a link to the line on the review
// page — the shape of Rietveld's "Publish+Mail Comments" mails.
func (s *Site) reviewMessage(rc *reviewCtx, d *reviewDraft, note, web string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Review of file%s (%s):\n", rc.id, rc.name)
	if note != "" {
		b.WriteString("\n" + note + "\n")
	}
	for _, c := range sortedComments(rc.patch, d) {
		b.WriteString("\n" + commentLabel(rc.patch, c.Anchor) + "\n")
		if pos, ok := findAnchor(rc.patch, c.Anchor); ok {
			lines := rc.patch.Files[pos.file].Hunks[pos.hunk].Lines
			for _, l := range lines[max(0, pos.line-3) : pos.line+1] {
				b.WriteString("> " + string(l.Kind) + l.Text + "\n")
			}
		}
		b.WriteString(c.Text + "\n")
		b.WriteString(web + "file" + rc.id + "/review#" + c.Anchor + "\n")
	}
	return b.String()
}
