package web

import (
	"fmt"
	"strings"
	"testing"
)

// summary renders a parsed patch compactly: one line per file
// ("status old>new +A -D [binary]"), then per hunk its header and its
// lines as KIND OLD:NEW TEXT (KIND = for context; $ marks a missing
// final newline).
func summary(p *diffPatch) string {
	var b strings.Builder
	for _, f := range p.Files {
		fmt.Fprintf(&b, "%s %s>%s +%d -%d", f.Status, f.OldName, f.NewName, f.Added, f.Deleted)
		if f.Binary {
			b.WriteString(" binary")
		}
		if f.OldMode != "" || f.NewMode != "" {
			fmt.Fprintf(&b, " mode %s>%s", f.OldMode, f.NewMode)
		}
		b.WriteByte('\n')
		for _, h := range f.Hunks {
			b.WriteString(" " + h.Header() + "\n")
			for _, l := range h.Lines {
				nl := ""
				if l.NoNewline {
					nl = "$"
				}
				kind := l.Kind
				if kind == ' ' {
					kind = '='
				}
				fmt.Fprintf(&b, "  %c %d:%d %s%s\n", kind, l.OldN, l.NewN, l.Text, nl)
			}
		}
	}
	return b.String()
}

var diffCases = []struct {
	name, in, want, preamble string
}{
	{name: "empty", in: "", want: ""},
	{name: "no diff", in: "just some text\nmore text\n", want: "", preamble: "just some text\nmore text"},
	{name: "git modify", in: `diff --git a/Lib/foo.py b/Lib/foo.py
index 83db48f..bf269f4 100644
--- a/Lib/foo.py
+++ b/Lib/foo.py
@@ -1,3 +1,3 @@ def f():
 a
-b
+c
 d
@@ -10,2 +10,3 @@
 x
+y
 z
`, want: `modified Lib/foo.py>Lib/foo.py +2 -1
 @@ -1,3 +1,3 @@ def f():
  = 1:1 a
  - 2:0 b
  + 0:2 c
  = 3:3 d
 @@ -10,2 +10,3 @@
  = 10:10 x
  + 0:11 y
  = 11:12 z
`},
	{name: "git new file", in: `diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..3b18e51
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,2 @@
+hello
+world
`, want: `added >new.txt +2 -0 mode >100644
 @@ -0,0 +1,2 @@
  + 0:1 hello
  + 0:2 world
`},
	{name: "git deleted file", in: `diff --git a/old.txt b/old.txt
deleted file mode 100644
index 3b18e51..0000000
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
`, want: `deleted old.txt> +0 -1 mode 100644>
 @@ -1 +0,0 @@
  - 1:0 bye
`},
	{name: "git pure rename then rename with change", in: `diff --git a/a.txt b/b.txt
similarity index 100%
rename from a.txt
rename to b.txt
diff --git a/c.txt b/d.txt
similarity index 80%
rename from c.txt
rename to d.txt
index 1..2 100644
--- a/c.txt
+++ b/d.txt
@@ -1 +1 @@
-x
+y
`, want: `renamed a.txt>b.txt +0 -0
renamed c.txt>d.txt +1 -1
 @@ -1 +1 @@
  - 1:0 x
  + 0:1 y
`},
	{name: "git copy", in: `diff --git a/x b/y
similarity index 100%
copy from x
copy to y
`, want: "copied x>y +0 -0\n"},
	{name: "git binaries", in: `diff --git a/img.png b/img.png
index 1..2 100644
Binary files a/img.png and b/img.png differ
diff --git a/logo.gif b/logo.gif
new file mode 100644
index 0000000000000000000000000000000000000000..e69de29bb2d1d6434b8b29ae775ad8c2e48c5391
GIT binary patch
literal 12
TcmZ?wbhEHbWMp7uIKlt{00000

literal 0
HcmV?d00001

diff --git a/t.txt b/t.txt
--- a/t.txt
+++ b/t.txt
@@ -1 +1 @@
-1
+2
`, want: `modified img.png>img.png +0 -0 binary
added >logo.gif +0 -0 binary mode >100644
modified t.txt>t.txt +1 -1
 @@ -1 +1 @@
  - 1:0 1
  + 0:1 2
`},
	{name: "git mode change", in: `diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
`, want: "modified run.sh>run.sh +0 -0 mode 100644>100755\n"},
	{name: "git quoted names", in: `diff --git "a/sp ace/\303\251t\303\251.txt" "b/sp ace/\303\251t\303\251.txt"
--- "a/sp ace/\303\251t\303\251.txt"
+++ "b/sp ace/\303\251t\303\251.txt"
@@ -1 +1 @@
-a
+b
`, want: `modified sp ace/été.txt>sp ace/été.txt +1 -1
 @@ -1 +1 @@
  - 1:0 a
  + 0:1 b
`},
	{name: "git unquoted name with space", in: `diff --git a/my file.txt b/my file.txt
deleted file mode 100644
`, want: "deleted my file.txt> +0 -0 mode 100644>\n"},
	{name: "plain diff -urN with roots and timestamps", in: `diff -urN Python-2.6.orig/Lib/os.py Python-2.6/Lib/os.py
--- Python-2.6.orig/Lib/os.py	2008-10-01 12:00:00.000000000 +0200
+++ Python-2.6/Lib/os.py	2008-10-02 13:00:00.000000000 +0200
@@ -5,2 +5,2 @@
-old
+new
 same
Only in Python-2.6/Lib: foo.pyc
diff -urN Python-2.6.orig/Lib/new.py Python-2.6/Lib/new.py
--- Python-2.6.orig/Lib/new.py	1970-01-01 01:00:00.000000000 +0100
+++ Python-2.6/Lib/new.py	2008-10-02 13:00:00.000000000 +0200
@@ -0,0 +1 @@
+print("hi")
`, want: `modified Lib/os.py>Lib/os.py +1 -1
 @@ -5,2 +5,2 @@
  - 5:0 old
  + 0:5 new
  = 6:6 same
added >Lib/new.py +1 -0
 @@ -0,0 +1 @@
  + 0:1 print("hi")
`},
	{name: "timestamps after spaces", in: "--- a.c 2009-01-01 10:00:00\n+++ a.c 2009-01-01 11:00:00\n@@ -1 +1 @@\n-x\n+y\n",
		want: "modified a.c>a.c +1 -1\n @@ -1 +1 @@\n  - 1:0 x\n  + 0:1 y\n"},
	{name: "subversion", in: `Index: Lib/test/test_os.py
===================================================================
--- Lib/test/test_os.py	(revision 67000)
+++ Lib/test/test_os.py	(working copy)
@@ -1,2 +1,2 @@
 import os
-import sys
+import io
Index: Doc/logo.png
===================================================================
Cannot display: file marked as a binary type.
svn:mime-type = application/octet-stream
Property changes on: Lib/test/test_os.py
___________________________________________________________________
Added: svn:keywords
   + Id
`, want: `modified Lib/test/test_os.py>Lib/test/test_os.py +1 -1
 @@ -1,2 +1,2 @@
  = 1:1 import os
  - 2:0 import sys
  + 0:2 import io
modified Doc/logo.png>Doc/logo.png +0 -0 binary
`},
	{name: "mercurial diff -r", in: `# HG changeset patch
# User someone
fix it

diff -r 1a2b3c4d5e6f Lib/foo.py
--- a/Lib/foo.py	Mon Jan 05 10:00:00 2009 +0100
+++ b/Lib/foo.py	Mon Jan 05 11:00:00 2009 +0100
@@ -1 +1 @@
-a
+b
`, preamble: "# HG changeset patch\n# User someone\nfix it", want: `modified Lib/foo.py>Lib/foo.py +1 -1
 @@ -1 +1 @@
  - 1:0 a
  + 0:1 b
`},
	{name: "no newline at end of file", in: `--- a/f
+++ b/f
@@ -1,2 +1,2 @@
 a
-b
\ No newline at end of file
+b
`, want: `modified f>f +1 -1
 @@ -1,2 +1,2 @@
  = 1:1 a
  - 2:0 b$
  + 0:2 b
`},
	{name: "no newline on both sides", in: "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n--- a/g\n+++ b/g\n@@ -1 +1 @@\n-1\n+2\n",
		want: "modified f>f +1 -1\n @@ -1 +1 @@\n  - 1:0 x$\n  + 0:1 y$\nmodified g>g +1 -1\n @@ -1 +1 @@\n  - 1:0 1\n  + 0:1 2\n"},
	{name: "CRLF", in: "--- a/w.txt\r\n+++ b/w.txt\r\n@@ -1,2 +1,2 @@\r\n line\r\n-old\r\n+new\r\n",
		want: "modified w.txt>w.txt +1 -1\n @@ -1,2 +1,2 @@\n  = 1:1 line\n  - 2:0 old\n  + 0:2 new\n"},
	{name: "removed line looking like a header", in: `--- a/doc.txt
+++ b/doc.txt
@@ -1,3 +1,2 @@
 title
---- a/x
-+++ b/x
+===
`, want: `modified doc.txt>doc.txt +1 -2
 @@ -1,3 +1,2 @@
  = 1:1 title
  - 2:0 --- a/x
  - 3:0 +++ b/x
  + 0:2 ===
`},
	{name: "truncated hunk and junk", in: `From 1234 Mon Sep 17 00:00:00 2001
Subject: [PATCH] fix

---
 a | 2 +-

diff --git a/a b/a
--- a/a
+++ b/a
@@ -1,5 +1,5 @@
 1
-2
+two
I am a mail signature, not a diff line
@@ -20 +20 @@
-x
+y
-- 
2.39.0
`, preamble: "From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] fix\n\n---\n a | 2 +-", want: `modified a>a +2 -2
 @@ -1,5 +1,5 @@
  = 1:1 1
  - 2:0 2
  + 0:2 two
 @@ -20 +20 @@
  - 20:0 x
  + 0:20 y
`},
	{name: "context line without its space", in: "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n",
		want: "modified f>f +1 -1\n @@ -1,3 +1,3 @@\n  = 1:1 a\n  = 2:2 \n  - 3:0 b\n  + 0:3 c\n"},
	{name: "hunk without a file", in: "@@ -1 +1 @@\n-a\n+b\n", want: "", preamble: "@@ -1 +1 @@\n-a\n+b"},
	{name: "bad hunk header is junk", in: "--- a/f\n+++ b/f\n@@ -x +1 @@\n-a\n@@ -1 +1 @@\n-a\n+b\n",
		want: "modified f>f +1 -1\n @@ -1 +1 @@\n  - 1:0 a\n  + 0:1 b\n"},
	{name: "plain binary", in: "Binary files old/x.bin and new/x.bin differ\n", want: "modified x.bin>x.bin +0 -0 binary\n"},
	{name: "diff -u two files, added and deleted by empty ranges", in: "diff -u a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +0,0 @@\n-1\n-2\n",
		want: "deleted x> +0 -2\n @@ -1,2 +0,0 @@\n  - 1:0 1\n  - 2:0 2\n"},
}

func TestParseDiff(t *testing.T) {
	for _, c := range diffCases {
		t.Run(c.name, func(t *testing.T) {
			p := parseDiff(c.in)
			if got := summary(p); got != c.want {
				t.Errorf("parseDiff(%q) =\n%s\nwant\n%s", c.in, got, c.want)
			}
			if p.Preamble != c.preamble {
				t.Errorf("parseDiff(%q).Preamble = %q, want %q", c.in, p.Preamble, c.preamble)
			}
		})
	}
}

func TestHunkHeaderRoundTrip(t *testing.T) {
	for _, h := range []string{"@@ -1 +1 @@", "@@ -0,0 +1,3 @@", "@@ -10,7 +12,9 @@ class A:"} {
		p := parseDiff("--- a/f\n+++ b/f\n" + h + "\n")
		if len(p.Files) != 1 || len(p.Files[0].Hunks) != 1 {
			t.Fatalf("parseDiff(%q): %s", h, summary(p))
		}
		if got := p.Files[0].Hunks[0].Header(); got != h {
			t.Errorf("Header() = %q, want %q", got, h)
		}
	}
}

// FuzzParseDiff checks what the review page relies on, for any input:
// no panic; line numbers that run consecutively within a hunk, never
// beyond the header's counts; anchors unique per file; the counts add
// up; and the interdiff of a patch with itself is empty.
func FuzzParseDiff(f *testing.F) {
	for _, c := range diffCases {
		f.Add(c.in)
	}
	f.Add("--- a/f\n+++ b/f\n@@ -999999999,999999999 +1 @@\n-a\n")
	f.Add("diff --git \"a/x\\\" b/y\n")
	f.Fuzz(func(t *testing.T, in string) {
		p := parseDiff(in)
		for _, df := range p.Files {
			seen := map[string]bool{}
			add, del := 0, 0
			for _, h := range df.Hunks {
				on, nn := h.OldStart, h.NewStart
				old, new := h.counts()
				if old > h.OldLines || new > h.NewLines {
					t.Fatalf("hunk %s has %d/%d lines", h.Header(), old, new)
				}
				for _, l := range h.Lines {
					switch l.Kind {
					case ' ':
						if l.OldN != on || l.NewN != nn {
							t.Fatalf("context line %d:%d, want %d:%d", l.OldN, l.NewN, on, nn)
						}
						on, nn = on+1, nn+1
					case '-':
						if l.OldN != on || l.NewN != 0 {
							t.Fatalf("removed line %d:%d, want %d:0", l.OldN, l.NewN, on)
						}
						on++
						del++
					case '+':
						if l.NewN != nn || l.OldN != 0 {
							t.Fatalf("added line %d:%d, want 0:%d", l.OldN, l.NewN, nn)
						}
						nn++
						add++
					default:
						t.Fatalf("line kind %q", l.Kind)
					}
					for _, a := range lineAnchors(1, l) {
						if seen[a] {
							t.Fatalf("anchor %s twice", a)
						}
						seen[a] = true
					}
				}
			}
			if add != df.Added || del != df.Deleted {
				t.Fatalf("counts +%d -%d, file says +%d -%d", add, del, df.Added, df.Deleted)
			}
		}
		if d := interdiff(p, p, "old", "new"); len(d.Files) != 0 && changedFiles(d) != 0 {
			t.Fatalf("interdiff of a patch with itself: %s", summary(d))
		}
	})
}

// changedFiles counts the files of an interdiff that show hunks.
func changedFiles(p *diffPatch) int {
	n := 0
	for _, f := range p.Files {
		if len(f.Hunks) > 0 {
			n++
		}
	}
	return n
}
