package web

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker"
)

// Patch review (issue 6 item 6), replacing the Rietveld instance bpo
// ran beside the tracker (specs/roundup.md §7.5: the files table links
// each patch to its review): /NAME/fileN/review shows a patch as a
// colourised unified diff with a list of its files and an anchor per
// line (#f1-n12, #f1-o7); ?against=fileM shows the interdiff from
// another patch file of the same issue (review_interdiff.go); ?comment=
// ANCHOR opens a comment box under that line (no JavaScript needed).
// Comments stay the reviewer's drafts (review_drafts.go) until
// @action=review_publish posts them as one message on the issue
// (review_actions.go).

// maxReviewSize bounds the patches rendered as a review page; larger
// files are downloaded instead.
const maxReviewSize = 8 << 20

// reviewCtx is a patch file as the visitor may see it.
type reviewCtx struct {
	id, name string
	// issue is the issue the file is attached to ("" when none).
	issue string
	patch *diffPatch
	// tooBig: the file is larger than maxReviewSize (patch is empty).
	tooBig bool
}

// loadReview reads and parses file id as the visitor.
func (s *Site) loadReview(q *rq, id string) (*reviewCtx, error) {
	it, err := q.tx.Get("file", id)
	if err != nil {
		return nil, fmt.Errorf("reading file%s: %w", id, err)
	}
	if !q.can("View", "file", "content", id) {
		if q.anonymous() {
			return nil, errStatus(http.StatusForbidden, "You are not allowed to view this file; please log in.")
		}
		return nil, errStatus(http.StatusForbidden, "You are not allowed to view this file.")
	}
	rc := &reviewCtx{id: id, name: it.Str("name"), patch: &diffPatch{}}
	if rc.name == "" {
		rc.name = "file" + id
	}
	data, err := q.tx.Content("file", id)
	if err != nil {
		return nil, fmt.Errorf("reading file%s content: %w", id, err)
	}
	if len(data) > maxReviewSize {
		rc.tooBig = true
	} else {
		rc.patch = parseDiff(decodeText(data))
	}
	rc.issue, err = s.fileIssue(q.tx, id)
	if err != nil {
		return nil, err
	}
	return rc, nil
}

// decodeText reads a patch as UTF-8, or as Latin-1 when it is not
// valid UTF-8 (many of bpo's older patches).
func decodeText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// fileIssue returns the first issue, by id, that lists file id and the
// reader may view; "" when there is none.
func (s *Site) fileIssue(tx *tracker.Tx, id string) (string, error) {
	c := s.svc.Schema.Class("issue")
	if c == nil || c.Prop("files") == nil {
		return "", nil
	}
	ids, _, err := tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{"files": {id}}, Sort: []tracker.SortKey{{Prop: "id"}}})
	if err != nil {
		return "", fmt.Errorf("finding the issue of file%s: %w", id, err)
	}
	for _, iid := range ids {
		if tx.Can("View", "issue", "", iid) {
			return iid, nil
		}
	}
	return "", nil
}

// mayComment reports whether the visitor may draft and publish review
// comments: what adding a message to the issue takes.
func (rc *reviewCtx) mayComment(q *rq) bool {
	return !q.anonymous() && rc.issue != "" && q.can("Create", "msg", "", "") &&
		q.can("Edit", "issue", "messages", rc.issue)
}

// serveReview renders /NAME/fileN/review (GET; a POST carrying a
// review action is handled as one).
func (s *Site) serveReview(q *rq, id string) {
	if q.r.Method == http.MethodPost {
		if a := q.value("@action"); strings.HasPrefix(a, "review_") {
			s.actReview(q, a, "file", id)
			return
		}
		q.w.Header().Set("Allow", "GET, HEAD")
		s.fail(q, errStatus(http.StatusMethodNotAllowed, "The review page is read with GET; comments are posted with @action=review_comment"))
		return
	}
	rc, err := s.loadReview(q, id)
	if err != nil {
		s.fail(q, err)
		return
	}
	box := q.value("comment")
	s.renderReview(q, rc, http.StatusOK, box, "")
}

// renderReview builds and renders the page; box names a line whose
// comment box is open, prefilled with boxText or the visitor's draft.
func (s *Site) renderReview(q *rq, rc *reviewCtx, status int, box, boxText string) {
	v := &reviewPage{FileID: rc.id, Name: rc.name, SelfURL: s.base.Path + "file" + rc.id + "/review",
		DownloadURL: s.base.Path + "file" + rc.id + "/" + pathEscape(rc.name), IssueID: rc.issue, TooBig: rc.tooBig,
		Preamble: rc.patch.Preamble}
	if rc.issue != "" && q.can("View", "issue", "title", rc.issue) {
		if it, err := q.tx.Get("issue", rc.issue); err == nil {
			v.IssueTitle = it.Str("title")
		}
	}
	patch := rc.patch
	if against := strings.TrimPrefix(q.value("against"), "file"); against != "" {
		other, err := s.againstFile(q, rc, against)
		if err != nil {
			s.fail(q, err)
			return
		}
		v.Against, v.AgainstName = other.id, other.name
		patch = interdiff(other.patch, rc.patch, "file"+other.id, "file"+rc.id)
		v.Preamble = ""
	}
	v.Choices = s.reviewChoices(q, rc, v.Against)
	draft := &reviewDraft{}
	if v.Against == "" && rc.mayComment(q) {
		v.CanComment = true
		var err error
		if draft, err = readDraft(q.tx, s.draftKey(rc.id, q.uid)); err != nil {
			s.fail(q, err)
			return
		}
	} else if v.Against == "" && q.anonymous() && rc.issue != "" {
		v.LoginToComment = true
	}
	only := parseFileParam(q.value("file"), patch)
	if pos, ok := findAnchor(patch, box); ok && v.CanComment {
		v.Box = commentAnchor(pos.file+1, patch.Files[pos.file].Hunks[pos.hunk].Lines[pos.line])
		v.BoxText, v.BoxLabel = boxText, commentLabel(patch, v.Box)
		if v.BoxText == "" {
			if c := draft.get(v.Box); c != nil {
				v.BoxText = c.Text
			}
		}
		if !shownFiles(patch, only)[pos.file] {
			only = pos.file + 1 // a line of a file the page leaves out
		}
	}
	if only > 0 && len(patch.Files) > 1 {
		v.Only, v.only = fileAnchor(only), only
		v.AllURL = v.SelfURL + pageQuery(v.Against, 0)
	}
	v.buildFiles(patch, only, draft)
	title := "Review of file" + rc.id + " (" + rc.name + ")"
	if v.Against != "" {
		title = "Interdiff file" + v.Against + " → file" + rc.id
	}
	s.render(q, status, "file.review", &pageData{Title: title, Body: v})
}

// againstFile loads the other patch of an interdiff: a file of the
// same issue the visitor may read.
func (s *Site) againstFile(q *rq, rc *reviewCtx, id string) (*reviewCtx, error) {
	if !tracker.ValidID(id) {
		return nil, errStatus(http.StatusBadRequest, "against: \""+id+"\" is not a file id")
	}
	if id == rc.id {
		return nil, errStatus(http.StatusBadRequest, "A patch cannot be compared with itself")
	}
	if rc.issue == "" || !contains(s.issueFiles(q, rc.issue), id) {
		return nil, errStatus(http.StatusBadRequest, "file"+id+" is not a file of the same issue as file"+rc.id)
	}
	other, err := s.loadReview(q, id)
	if err != nil {
		return nil, err
	}
	if other.tooBig {
		return nil, errStatus(http.StatusRequestEntityTooLarge, "file"+id+" is too large to compare")
	}
	return other, nil
}

// issueFiles lists an issue's files.
func (s *Site) issueFiles(q *rq, issue string) []string {
	it, err := q.tx.Get("issue", issue)
	if err != nil {
		return nil
	}
	return it.IDs("files")
}

// reviewChoices are the issue's other patch files the visitor may read.
func (s *Site) reviewChoices(q *rq, rc *reviewCtx, selected string) []reviewChoice {
	var out []reviewChoice
	for _, fid := range s.issueFiles(q, rc.issue) {
		if fid == rc.id || !q.can("View", "file", "content", fid) {
			continue
		}
		f, err := q.tx.Get("file", fid)
		if err != nil || !isPatch(f.Str("name"), f.Str("type")) {
			continue
		}
		out = append(out, reviewChoice{ID: fid, Name: f.Str("name"), Selected: fid == selected})
	}
	return out
}
