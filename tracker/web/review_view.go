package web

import (
	"slices"
	"strconv"
	"strings"
)

// reviewLineBudget bounds the diff lines one review page renders (a
// page of 10000 lines is about 3 MB of HTML). Files past it are listed
// with a link that shows them alone (?file=fN).
const reviewLineBudget = 10000

// reviewPage is the view of file.review.html.
type reviewPage struct {
	FileID, Name string
	SelfURL      string // /NAME/fileN/review
	DownloadURL  string
	IssueID      string
	IssueTitle   string
	// Against is the other file of an interdiff ("" for a review).
	Against, AgainstName string
	Choices              []reviewChoice
	Preamble             string
	Files                []reviewFile
	Added, Deleted       int
	TooBig               bool
	CanComment           bool
	LoginToComment       bool
	// Only is the anchor of the one file shown ("" when the page shows
	// as many as fit the budget); AllURL shows them all again.
	Only, AllURL string
	// Box is the anchor whose comment box is open, BoxText its text,
	// BoxLabel its place ("Lib/foo.py:12").
	Box, BoxText, BoxLabel string
	Drafts                 []reviewDraftView

	// only is the number of the file shown alone (0: all that fit).
	only int
}

// reviewChoice is another patch file of the issue to compare with.
type reviewChoice struct {
	ID, Name string
	Selected bool
}

// reviewFile is one file of the patch (or interdiff).
type reviewFile struct {
	Anchor, Name, OldName, Status, Note string
	Added, Deleted                      int
	Binary                              bool
	Modes                               string
	// Link goes to the file: its anchor, or the page showing it alone
	// when this page leaves it out (Deferred).
	Link     string
	Deferred bool
	Lines    int
	Hunks    []reviewHunk
}

// reviewHunk is one hunk as a table.
type reviewHunk struct {
	Header string
	Rows   []reviewRow
}

// reviewRow is a diff line: its numbers and anchors, its class (add,
// del, ctx), the line-number link (to the comment box when the visitor
// may comment) and, for the visitor, their draft comment on it and an
// open comment box.
type reviewRow struct {
	Class, Sign, Text string
	Old, New          int
	OldID, NewID      string
	Anchor            string
	Href              string
	NoNewline         bool
	Draft             string
	Box               bool
}

// reviewDraftView is a draft comment in the list above the diff.
type reviewDraftView struct {
	Anchor, Label, Text, Link string
}

// fileLines counts a file's diff lines.
func fileLines(f *diffFile) int {
	n := 0
	for _, h := range f.Hunks {
		n += len(h.Lines)
	}
	return n
}

// shownFiles says which files a page renders: file only (1-based)
// alone, or with only 0 the leading files whose lines fit
// reviewLineBudget (the first always).
func shownFiles(p *diffPatch, only int) []bool {
	shown := make([]bool, len(p.Files))
	if only > 0 && only <= len(p.Files) {
		shown[only-1] = true
		return shown
	}
	total := 0
	for i, f := range p.Files {
		total += fileLines(f)
		if i > 0 && total > reviewLineBudget {
			break
		}
		shown[i] = true
	}
	return shown
}

// parseFileParam reads ?file=fN (or N); 0 when absent or out of range.
func parseFileParam(v string, p *diffPatch) int {
	n, err := strconv.Atoi(strings.TrimPrefix(v, "f"))
	if err != nil || n < 1 || n > len(p.Files) {
		return 0
	}
	return n
}

// pageQuery is the query string of a review page: the interdiff's
// against= and the file shown alone.
func pageQuery(against string, only int) string {
	var parts []string
	if against != "" {
		parts = append(parts, "against=file"+against)
	}
	if only > 0 {
		parts = append(parts, "file="+fileAnchor(only))
	}
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
}

// buildFiles fills the page's file list and the rows of the files it
// shows.
func (v *reviewPage) buildFiles(p *diffPatch, only int, draft *reviewDraft) {
	shown := shownFiles(p, only)
	for i, f := range p.Files {
		fi := i + 1
		rf := reviewFile{Anchor: fileAnchor(fi), Name: f.Name(), Status: f.Status.String(), Note: f.Note,
			Added: f.Added, Deleted: f.Deleted, Binary: f.Binary, Lines: fileLines(f)}
		if f.Status == fileRenamed || f.Status == fileCopied {
			rf.OldName = f.OldName
		}
		if f.OldMode != f.NewMode && f.OldMode != "" && f.NewMode != "" {
			rf.Modes = f.OldMode + " → " + f.NewMode
		}
		rf.Link = "#" + rf.Anchor
		if !shown[i] {
			rf.Deferred = true
			rf.Link = pageQuery(v.Against, fi) + "#" + rf.Anchor
		} else {
			v.fileRows(&rf, fi, f, draft)
		}
		v.Added += rf.Added
		v.Deleted += rf.Deleted
		v.Files = append(v.Files, rf)
	}
	for _, c := range sortedComments(p, draft) {
		dv := reviewDraftView{Anchor: c.Anchor, Label: commentLabel(p, c.Anchor), Text: c.Text, Link: "#" + c.Anchor}
		if pos, ok := findAnchor(p, c.Anchor); ok && !shown[pos.file] {
			dv.Link = pageQuery(v.Against, pos.file+1) + "#" + c.Anchor
		}
		v.Drafts = append(v.Drafts, dv)
	}
}

// fileRows builds the rows of file number fi.
func (v *reviewPage) fileRows(rf *reviewFile, fi int, f *diffFile, draft *reviewDraft) {
	for _, h := range f.Hunks {
		rh := reviewHunk{Header: h.Header()}
		for _, l := range h.Lines {
			r := reviewRow{Sign: string(l.Kind), Text: l.Text, Old: l.OldN, New: l.NewN, NoNewline: l.NoNewline,
				Anchor: commentAnchor(fi, l)}
			switch l.Kind {
			case '+':
				r.Class = "add"
			case '-':
				r.Class = "del"
			default:
				r.Class = "ctx"
			}
			if l.OldN > 0 {
				r.OldID = fileAnchor(fi) + "-o" + strconv.Itoa(l.OldN)
			}
			if l.NewN > 0 {
				r.NewID = fileAnchor(fi) + "-n" + strconv.Itoa(l.NewN)
			}
			if v.CanComment {
				r.Href = "?comment=" + r.Anchor + "#" + r.Anchor
			} else {
				r.Href = pageQuery(v.Against, v.only) + "#" + r.Anchor
			}
			if c := draft.get(r.Anchor); c != nil {
				r.Draft = c.Text
			}
			r.Box = r.Anchor == v.Box
			rh.Rows = append(rh.Rows, r)
		}
		rf.Hunks = append(rf.Hunks, rh)
	}
}

// commentLabel is "FILE:LINE" for an anchor ("(old)" for a line only
// in the old version), or the anchor when the patch lacks it.
func commentLabel(p *diffPatch, anchor string) string {
	pos, ok := findAnchor(p, anchor)
	if !ok {
		return anchor
	}
	f := p.Files[pos.file]
	l := f.Hunks[pos.hunk].Lines[pos.line]
	if l.NewN > 0 {
		return f.Name() + ":" + strconv.Itoa(l.NewN)
	}
	return f.Name() + ":" + strconv.Itoa(l.OldN) + " (old)"
}

// sortedComments orders a draft's comments as their lines appear in
// the patch; comments whose line is gone come last.
func sortedComments(p *diffPatch, d *reviewDraft) []draftComment {
	type keyed struct {
		c   draftComment
		pos linePos
		ok  bool
	}
	ks := make([]keyed, len(d.Comments))
	for i, c := range d.Comments {
		pos, ok := findAnchor(p, c.Anchor)
		ks[i] = keyed{c, pos, ok}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		switch {
		case a.ok != b.ok:
			if a.ok {
				return -1
			}
			return 1
		case a.pos.file != b.pos.file:
			return a.pos.file - b.pos.file
		case a.pos.hunk != b.pos.hunk:
			return a.pos.hunk - b.pos.hunk
		}
		return a.pos.line - b.pos.line
	})
	out := make([]draftComment, len(ks))
	for i, k := range ks {
		out[i] = k.c
	}
	return out
}
