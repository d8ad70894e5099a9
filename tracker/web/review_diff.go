package web

import (
	"regexp"
	"strconv"
	"strings"
)

// The unified-diff reader behind the patch review pages (the Rietveld
// instance bpo ran beside the tracker read the same uploads). bpo's
// patches come from every tool of two decades, so the reader accepts
//
//   - git (`diff --git`, extended headers: new/deleted file mode,
//     old/new mode, rename/copy from/to, similarity and index lines,
//     `Binary files ... differ`, `GIT binary patch` blocks, quoted
//     names with C escapes, `format-patch` mails with their message);
//   - plain `diff -u`/`diff -urN` output (names with tab-separated
//     timestamps, epoch dates for absent files), Mercurial's
//     `diff -r REV` headers, Subversion's `Index:` blocks with
//     `(revision N)` names and "Cannot display: file marked as a binary
//     type.";
//   - any number of files per patch, "\ No newline at end of file"
//     markers, CRLF line ends (a trailing CR is dropped from every line,
//     so a change of line endings alone shows as equal -/+ lines), and
//     junk between files (mail text, `Only in` lines, diffstats) which
//     is skipped.
//
// Hunks are read by their header's line counts, as patch(1) does, so a
// removed line that itself starts with "--- " stays a removed line; a
// hunk cut short (by a mailer, or hand editing) keeps the lines it has.
// The reader never fails: what it cannot read is skipped.

// diffPatch is a parsed patch: its files in order, and the text before
// the first file (a commit message or mail).
type diffPatch struct {
	Preamble string
	Files    []*diffFile
}

// fileStatus says what a patch does to a file.
type fileStatus int

const (
	fileModified fileStatus = iota
	fileAdded
	fileDeleted
	fileRenamed
	fileCopied
)

func (st fileStatus) String() string {
	return [...]string{"modified", "added", "deleted", "renamed", "copied"}[st]
}

// diffFile is one file of a patch.
type diffFile struct {
	// OldName and NewName are the paths before and after, with git's
	// a/ and b/ prefixes (or a differing first directory of a plain
	// diff -r) removed; "" stands for /dev/null.
	OldName, NewName string
	Status           fileStatus
	// Binary: the patch changes the file but shows no text hunks.
	Binary bool
	// OldMode and NewMode are git's file modes when the patch gives them.
	OldMode, NewMode string
	Hunks            []*diffHunk
	// Added and Deleted count the hunks' + and - lines.
	Added, Deleted int
	// Note explains an interdiff file ("only in file12"); empty for a
	// plain patch.
	Note string

	// open: a git header waits for its ---/+++ names.
	open bool
	git  bool
	// maxOld and maxNew are the highest line numbers so far.
	maxOld, maxNew int
}

// Name is the path a reader knows the file by: the new one, or the old
// one of a deleted file.
func (f *diffFile) Name() string {
	if f.NewName != "" {
		return f.NewName
	}
	return f.OldName
}

// diffHunk is one @@ block.
type diffHunk struct {
	// OldStart, OldLines, NewStart, NewLines are the header's numbers
	// (a missing count is 1).
	OldStart, OldLines, NewStart, NewLines int
	// Section is the text after the second @@ (the enclosing function).
	Section string
	Lines   []diffLine
}

// Header renders the hunk's @@ line.
func (h *diffHunk) Header() string {
	s := "@@ -" + rangeString(h.OldStart, h.OldLines) + " +" + rangeString(h.NewStart, h.NewLines) + " @@"
	if h.Section != "" {
		s += " " + h.Section
	}
	return s
}

func rangeString(start, n int) string {
	if n == 1 {
		return strconv.Itoa(start)
	}
	return strconv.Itoa(start) + "," + strconv.Itoa(n)
}

// counts returns the number of old-side (context and removed) and
// new-side (context and added) lines the hunk really has.
func (h *diffHunk) counts() (old, new int) {
	for _, l := range h.Lines {
		if l.Kind != '+' {
			old++
		}
		if l.Kind != '-' {
			new++
		}
	}
	return old, new
}

// diffLine is one line of a hunk.
type diffLine struct {
	// Kind is ' ' (context), '-' (removed) or '+' (added).
	Kind byte
	Text string
	// OldN and NewN are the line's numbers in the old and new file; 0
	// on the side the line is not in.
	OldN, NewN int
	// NoNewline: the file ends with this line and no newline.
	NoNewline bool
}

// hunkHeaderRE reads "@@ -OLD[,N] +NEW[,N] @@ SECTION".
var hunkHeaderRE = regexp.MustCompile(`^@@ -(\d{1,9})(?:,(\d{1,9}))? \+(\d{1,9})(?:,(\d{1,9}))? @@ ?(.*)$`)

// gitHeaders are the extended header lines of a `diff --git` block.
var gitHeaders = []string{"old mode ", "new mode ", "deleted file mode ", "new file mode ", "similarity index ",
	"dissimilarity index ", "rename from ", "rename to ", "copy from ", "copy to ", "index "}

// maxPreamble bounds the text kept before the first file.
const maxPreamble = 200

// parseDiff reads a patch. It never fails; a text without any file
// header gives a patch without files.
func parseDiff(text string) *diffPatch {
	lines := splitLines(text)
	p := &diffPatch{}
	var cur *diffFile
	var preamble []string
	started := false
	hint := "" // a name from an Index: or diff -r line, for binaries
	for i := 0; i < len(lines); {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "diff --git "):
			started = true
			cur = &diffFile{git: true, open: true}
			cur.OldName, cur.NewName = gitNames(l[len("diff --git "):])
			p.Files = append(p.Files, cur)
			i = readGitHeader(lines, i+1, cur)
			if i < len(lines) && !strings.HasPrefix(lines[i], "--- ") && !strings.HasPrefix(lines[i], "Binary files ") {
				cur.open = false // a block without names: mode change, pure rename
			}
		case strings.HasPrefix(l, "--- ") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "+++ "):
			started = true
			old, new := headerName(l[4:]), headerName(lines[i+1][4:])
			if cur == nil || !cur.open {
				cur = &diffFile{}
				p.Files = append(p.Files, cur)
			}
			cur.open = false
			cur.OldName, cur.NewName = setName(cur, old, cur.OldName), setName(cur, new, cur.NewName)
			if old == "/dev/null" {
				cur.Status = fileAdded
			}
			if new == "/dev/null" {
				cur.Status = fileDeleted
			}
			i += 2
		case strings.HasPrefix(l, "@@ ") && cur != nil && !cur.Binary:
			h, next, ok := readHunk(lines, i)
			if !ok {
				i++
				continue
			}
			cur.open = false
			if goesBack(cur, h) {
				// Concatenated patches, or hand editing: keep line
				// numbers (and so anchors) unique within a file.
				cur = &diffFile{OldName: cur.OldName, NewName: cur.NewName, Status: cur.Status, git: cur.git}
				p.Files = append(p.Files, cur)
			}
			addHunk(cur, h)
			i = next
		case strings.HasPrefix(l, "Binary files ") && strings.HasSuffix(l, " differ"):
			started = true
			if cur == nil || !cur.open {
				cur = &diffFile{}
				p.Files = append(p.Files, cur)
				cur.OldName, cur.NewName = binaryNames(l)
				if cur.OldName == "" && cur.NewName == "" {
					cur.OldName, cur.NewName = hint, hint
				}
			}
			cur.Binary, cur.open = true, false
			i++
		case strings.HasPrefix(l, "Cannot display: file marked as a binary type."):
			// Subversion's binary marker, after Index: NAME.
			started = true
			if hint != "" {
				cur = &diffFile{OldName: hint, NewName: hint, Binary: true}
				p.Files = append(p.Files, cur)
				hint = ""
			}
			i++
		case strings.HasPrefix(l, "Index: "):
			started = true
			hint = strings.TrimSpace(l[len("Index: "):])
			cur = nil
			i++
		case strings.HasPrefix(l, "diff -") || strings.HasPrefix(l, "diff ") && len(strings.Fields(l)) == 3:
			// diff -u a b, diff -r REV NAME (Mercurial), diff -urN ...
			started = true
			f := strings.Fields(l)
			hint = f[len(f)-1]
			cur = nil
			i++
		default:
			if !started && len(preamble) < maxPreamble {
				preamble = append(preamble, l)
			}
			i++
		}
	}
	p.Preamble = strings.TrimRight(strings.Join(preamble, "\n"), "\n =")
	for _, f := range p.Files {
		finishFile(f)
	}
	return p
}

// splitLines splits at LF and drops one CR before it.
func splitLines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// readGitHeader reads a git block's extended header lines from i and
// returns the index of the first line after them.
func readGitHeader(lines []string, i int, f *diffFile) int {
	for ; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "new file mode "):
			f.Status, f.NewMode = fileAdded, strings.TrimPrefix(l, "new file mode ")
		case strings.HasPrefix(l, "deleted file mode "):
			f.Status, f.OldMode = fileDeleted, strings.TrimPrefix(l, "deleted file mode ")
		case strings.HasPrefix(l, "old mode "):
			f.OldMode = strings.TrimPrefix(l, "old mode ")
		case strings.HasPrefix(l, "new mode "):
			f.NewMode = strings.TrimPrefix(l, "new mode ")
		case strings.HasPrefix(l, "rename from "):
			f.Status, f.OldName = fileRenamed, unquoteName(strings.TrimPrefix(l, "rename from "))
		case strings.HasPrefix(l, "rename to "):
			f.Status, f.NewName = fileRenamed, unquoteName(strings.TrimPrefix(l, "rename to "))
		case strings.HasPrefix(l, "copy from "):
			f.Status, f.OldName = fileCopied, unquoteName(strings.TrimPrefix(l, "copy from "))
		case strings.HasPrefix(l, "copy to "):
			f.Status, f.NewName = fileCopied, unquoteName(strings.TrimPrefix(l, "copy to "))
		case strings.HasPrefix(l, "GIT binary patch"):
			// literal/delta blocks of base85 up to the next file.
			f.Binary, f.open = true, false
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "diff --git "); i++ {
			}
			return i
		case hasAnyPrefix(l, gitHeaders):
		default:
			return i
		}
	}
	return i
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// setName keeps a git header's name when the ---/+++ line says
// /dev/null (the header knows the path of an added or deleted file).
func setName(f *diffFile, name, have string) string {
	if name == "/dev/null" {
		if f.git {
			return have
		}
		return ""
	}
	if f.git {
		return stripPrefix(name)
	}
	return name
}

// readHunk reads the hunk whose header is lines[i]; it returns the
// index after it, and false when the header is not one.
func readHunk(lines []string, i int) (*diffHunk, int, bool) {
	m := hunkHeaderRE.FindStringSubmatch(lines[i])
	if m == nil {
		return nil, i, false
	}
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	h := &diffHunk{OldStart: num(m[1], 0), OldLines: num(m[2], 1), NewStart: num(m[3], 0), NewLines: num(m[4], 1), Section: m[5]}
	oldLeft, newLeft := h.OldLines, h.NewLines
	on, nn := h.OldStart, h.NewStart
	i++
body:
	for ; i < len(lines) && (oldLeft > 0 || newLeft > 0); i++ {
		l := lines[i]
		kind := byte(' ')
		text := ""
		if l != "" {
			kind, text = l[0], l[1:]
		}
		switch {
		case kind == ' ' && oldLeft > 0 && newLeft > 0:
			// An empty line: a context line whose space a mailer ate.
			h.Lines = append(h.Lines, diffLine{Kind: ' ', Text: text, OldN: on, NewN: nn})
			on, nn, oldLeft, newLeft = on+1, nn+1, oldLeft-1, newLeft-1
		case kind == '-' && oldLeft > 0:
			h.Lines = append(h.Lines, diffLine{Kind: '-', Text: text, OldN: on})
			on, oldLeft = on+1, oldLeft-1
		case kind == '+' && newLeft > 0:
			h.Lines = append(h.Lines, diffLine{Kind: '+', Text: text, NewN: nn})
			nn, newLeft = nn+1, newLeft-1
		case kind == '\\':
			markNoNewline(h)
		default:
			break body // the hunk ends early
		}
	}
	if i < len(lines) && strings.HasPrefix(lines[i], "\\") {
		markNoNewline(h)
		i++
	}
	return h, i, true
}

// goesBack reports whether hunk h has a line at or before a line of
// f's hunks so far, on either side.
func goesBack(f *diffFile, h *diffHunk) bool {
	for _, l := range h.Lines {
		if (l.OldN > 0 && l.OldN <= f.maxOld) || (l.NewN > 0 && l.NewN <= f.maxNew) {
			return true
		}
	}
	return false
}

// addHunk appends h to f.
func addHunk(f *diffFile, h *diffHunk) {
	f.Hunks = append(f.Hunks, h)
	for _, l := range h.Lines {
		f.maxOld, f.maxNew = max(f.maxOld, l.OldN), max(f.maxNew, l.NewN)
	}
}

func markNoNewline(h *diffHunk) {
	if n := len(h.Lines); n > 0 {
		h.Lines[n-1].NoNewline = true
	}
}

// finishFile counts lines and settles the status of plain diffs, whose
// added and deleted files show only as empty old or new ranges.
func finishFile(f *diffFile) {
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			switch l.Kind {
			case '+':
				f.Added++
			case '-':
				f.Deleted++
			}
		}
	}
	if !f.git && len(f.Hunks) > 0 && f.Status == fileModified {
		allNew, allGone := true, true
		for _, h := range f.Hunks {
			allNew = allNew && h.OldStart == 0 && h.OldLines == 0
			allGone = allGone && h.NewStart == 0 && h.NewLines == 0
		}
		switch {
		case allNew:
			f.Status = fileAdded
		case allGone:
			f.Status = fileDeleted
		}
	}
	if !f.git {
		f.OldName, f.NewName = stripCommonRoot(f.OldName, f.NewName)
	}
	switch f.Status {
	case fileAdded:
		f.OldName = ""
	case fileDeleted:
		f.NewName = ""
	}
	if f.Status == fileModified && f.git && f.OldName != f.NewName && f.OldName != "" && f.NewName != "" {
		f.Status = fileRenamed
	}
}
