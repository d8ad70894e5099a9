package web

import "sort"

// interdiff compares the effects of two patches of one issue: older
// (the ?against=fileM patch) and newer (the fileN being reviewed). The
// result is a patch from "the tree with older applied" to "the tree
// with newer applied", as patchutils' interdiff computes it, rebuilt
// from what the two patches show (the base files are not at hand):
//
//   - Files are matched by path (Name, prefixes removed). A file only
//     newer changes is shown with newer's hunks; a file only older
//     changed is shown with older's hunks reversed (going from older to
//     newer undoes them). Each carries a Note saying so, naming the
//     patch by olderName or newerName. Binary files are listed, never
//     compared.
//   - For a file both change, the hunks of both are placed on the base
//     file (their old-side ranges) and grouped into regions: hunks whose
//     ranges overlap or touch share a region. In a region every base
//     line is shown by at least one patch (as context or removed line),
//     so each patch's post-image of the region is known: its own new
//     side where it has a hunk, the base lines the other patch shows
//     elsewhere. Regions whose two post-images are equal are dropped;
//     the others are diffed line by line (three lines of context).
//     Line numbers are those of the two post-images: "old" in the file
//     as older leaves it, "new" as newer leaves it.
//
// Both patches are taken to apply to the same base. When newer was made
// against a later checkout, its hunks sit at other base lines and show
// as differences; "\ No newline at end of file" markers are not
// compared.
func interdiff(older, newer *diffPatch, olderName, newerName string) *diffPatch {
	out := &diffPatch{}
	olds := map[string]*diffFile{}
	for _, f := range older.Files {
		if _, dup := olds[f.Name()]; !dup {
			olds[f.Name()] = f
		}
	}
	used := map[string]bool{}
	for _, nf := range newer.Files {
		name := nf.Name()
		if used[name] {
			continue
		}
		used[name] = true
		of := olds[name]
		switch {
		case of == nil:
			f := copyFile(nf)
			f.Note = "changed only in " + newerName
			out.Files = append(out.Files, f)
		case of.Binary || nf.Binary:
			out.Files = append(out.Files, &diffFile{OldName: name, NewName: name, Binary: true,
				Note: "binary in at least one of the patches; not compared"})
		default:
			f := &diffFile{OldName: name, NewName: name, Status: nf.Status}
			f.Hunks = interdiffHunks(of.Hunks, nf.Hunks)
			if len(f.Hunks) == 0 {
				f.Note = "same change in both patches"
			}
			finishCounts(f)
			out.Files = append(out.Files, f)
		}
	}
	for _, of := range older.Files {
		name := of.Name()
		if used[name] {
			continue
		}
		used[name] = true
		f := reverseFile(of)
		f.Note = "changed only in " + olderName + "; shown undone"
		out.Files = append(out.Files, f)
	}
	return out
}

// copyFile copies a file's header and hunks (hunks are shared; they are
// never modified).
func copyFile(f *diffFile) *diffFile {
	c := *f
	c.Hunks = append([]*diffHunk(nil), f.Hunks...)
	return &c
}

// reverseFile is the patch that undoes f.
func reverseFile(f *diffFile) *diffFile {
	r := &diffFile{OldName: f.NewName, NewName: f.OldName, Binary: f.Binary, OldMode: f.NewMode, NewMode: f.OldMode}
	switch f.Status {
	case fileAdded:
		r.Status = fileDeleted
	case fileDeleted:
		r.Status = fileAdded
	default:
		r.Status = f.Status
	}
	for _, h := range f.Hunks {
		rh := &diffHunk{OldStart: h.NewStart, OldLines: h.NewLines, NewStart: h.OldStart, NewLines: h.OldLines, Section: h.Section}
		// Removed lines of a change come first in the reverse too.
		var dels, adds []diffLine
		flush := func() {
			rh.Lines = append(append(rh.Lines, dels...), adds...)
			dels, adds = nil, nil
		}
		for _, l := range h.Lines {
			rl := diffLine{Text: l.Text, OldN: l.NewN, NewN: l.OldN, NoNewline: l.NoNewline}
			switch l.Kind {
			case '+':
				rl.Kind = '-'
				dels = append(dels, rl)
			case '-':
				rl.Kind = '+'
				adds = append(adds, rl)
			default:
				flush()
				rl.Kind = ' '
				rh.Lines = append(rh.Lines, rl)
			}
		}
		flush()
		r.Hunks = append(r.Hunks, rh)
	}
	finishCounts(r)
	return r
}

func finishCounts(f *diffFile) {
	f.Added, f.Deleted = 0, 0
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
}

// placed is a hunk on the base file: the half-open range [s, e) of
// 0-based base lines it replaces (s == e for a pure insertion before
// base line s), and which patch it belongs to (0 older, 1 newer).
type placed struct {
	s, e int
	side int
	h    *diffHunk
}

func place(h *diffHunk, side int) placed {
	old, _ := h.counts()
	if old == 0 {
		// "@@ -5,0 +6,2 @@" inserts after base line 5.
		return placed{h.OldStart, h.OldStart, side, h}
	}
	s := h.OldStart - 1
	return placed{s, s + old, side, h}
}

// interdiffHunks compares two patches' hunks of one file (see interdiff).
func interdiffHunks(older, newer []*diffHunk) []*diffHunk {
	var all []placed
	for _, h := range older {
		all = append(all, place(h, 0))
	}
	for _, h := range newer {
		all = append(all, place(h, 1))
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].s != all[j].s {
			return all[i].s < all[j].s
		}
		return all[i].e < all[j].e
	})
	var out []*diffHunk
	var delta [2]int // new-side shift of each patch before the region
	for i := 0; i < len(all); {
		lo, hi := all[i].s, all[i].e
		j := i + 1
		for ; j < len(all) && all[j].s <= hi; j++ {
			hi = max(hi, all[j].e)
		}
		region := all[i:j]
		base := map[int]string{}
		var mine [2][]placed
		for _, p := range region {
			mine[p.side] = append(mine[p.side], p)
			for _, l := range p.h.Lines {
				if l.Kind != '+' && l.OldN > 0 {
					base[l.OldN-1] = l.Text
				}
			}
		}
		var post [2][]string
		var start [2]int
		for side := range 2 {
			post[side] = postImage(mine[side], base, lo, hi)
			start[side] = lo + delta[side] + 1
			for _, p := range mine[side] {
				o, n := p.h.counts()
				delta[side] += n - o
			}
		}
		ops := lineDiff(post[0], post[1], start[0], start[1])
		section := ""
		if len(mine[1]) > 0 {
			section = mine[1][0].h.Section
		} else if len(mine[0]) > 0 {
			section = mine[0][0].h.Section
		}
		for _, h := range contextHunks(ops, 3, start[0], start[1]) {
			h.Section = section
			out = append(out, h)
		}
		i = j
	}
	return out
}

// postImage is one patch's version of the base lines [lo, hi): its own
// hunks' new sides where it has hunks, the base elsewhere.
func postImage(hunks []placed, base map[int]string, lo, hi int) []string {
	var out []string
	pos := lo
	emitBase := func(to int) {
		for ; pos < to; pos++ {
			if t, ok := base[pos]; ok {
				out = append(out, t)
			}
		}
	}
	for _, p := range hunks {
		emitBase(p.s)
		for _, l := range p.h.Lines {
			if l.Kind != '-' {
				out = append(out, l.Text)
			}
		}
		pos = max(pos, p.e)
	}
	emitBase(hi)
	return out
}

// maxDiffCells bounds the LCS table of lineDiff (about 2 MB); larger
// differences are shown as a removal followed by an addition.
const maxDiffCells = 1 << 20

// lineDiff returns the edit script from a to b as diff lines numbered
// from aStart and bStart: the longest common subsequence after common
// head and tail are taken off.
func lineDiff(a, b []string, aStart, bStart int) []diffLine {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	var ops []diffLine
	i, j := 0, 0 // positions in a and b
	ctx := func() {
		ops = append(ops, diffLine{Kind: ' ', Text: a[i], OldN: aStart + i, NewN: bStart + j})
		i, j = i+1, j+1
	}
	del := func() {
		ops = append(ops, diffLine{Kind: '-', Text: a[i], OldN: aStart + i})
		i++
	}
	ins := func() {
		ops = append(ops, diffLine{Kind: '+', Text: b[j], NewN: bStart + j})
		j++
	}
	for range pre {
		ctx()
	}
	n, m := len(ma), len(mb)
	if n*m > maxDiffCells || n == 0 || m == 0 {
		for range n {
			del()
		}
		for range m {
			ins()
		}
	} else {
		// lcs[x*(m+1)+y] is the LCS length of ma[x:] and mb[y:].
		w := m + 1
		lcs := make([]uint16, (n+1)*w)
		for x := n - 1; x >= 0; x-- {
			for y := m - 1; y >= 0; y-- {
				if ma[x] == mb[y] {
					lcs[x*w+y] = lcs[(x+1)*w+y+1] + 1
				} else {
					lcs[x*w+y] = max(lcs[(x+1)*w+y], lcs[x*w+y+1])
				}
			}
		}
		x, y := 0, 0
		for x < n || y < m {
			switch {
			case x < n && y < m && ma[x] == mb[y]:
				ctx()
				x, y = x+1, y+1
			case y == m || (x < n && lcs[(x+1)*w+y] >= lcs[x*w+y+1]):
				del() // removals before additions
				x++
			default:
				ins()
				y++
			}
		}
	}
	for range suf {
		ctx()
	}
	return ops
}

// contextHunks cuts an edit script whose lines are numbered from
// aStart and bStart into hunks with n lines of context, joining changes
// whose context would overlap; an all-context script gives none.
func contextHunks(ops []diffLine, n, aStart, bStart int) []*diffHunk {
	var out []*diffHunk
	// oldBefore[k] and newBefore[k] count the a and b lines before ops[k].
	oldBefore := make([]int, len(ops)+1)
	newBefore := make([]int, len(ops)+1)
	for k, l := range ops {
		oldBefore[k+1], newBefore[k+1] = oldBefore[k], newBefore[k]
		if l.Kind != '+' {
			oldBefore[k+1]++
		}
		if l.Kind != '-' {
			newBefore[k+1]++
		}
	}
	for k := 0; k < len(ops); {
		if ops[k].Kind == ' ' {
			k++
			continue
		}
		from, end := max(0, k-n), k
		for end < len(ops) {
			if ops[end].Kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].Kind == ' ' {
				run++
			}
			if run < len(ops) && run-end <= 2*n {
				end = run
				continue
			}
			end = min(run, end+n)
			break
		}
		h := &diffHunk{Lines: append([]diffLine(nil), ops[from:end]...)}
		h.OldLines, h.NewLines = oldBefore[end]-oldBefore[from], newBefore[end]-newBefore[from]
		// A side without lines names the line before (unified diff).
		h.OldStart, h.NewStart = aStart+oldBefore[from], bStart+newBefore[from]
		if h.OldLines == 0 {
			h.OldStart--
		}
		if h.NewLines == 0 {
			h.NewStart--
		}
		out = append(out, h)
		k = end
	}
	return out
}
