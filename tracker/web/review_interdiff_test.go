package web

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Patches of base = l1..l30 made with diff -u: v1 changes l5 and
// inserts "new" after l20; v2 makes the same insertion, changes l5
// otherwise and also l28. diff -u v1-applied v2-applied is expected.
const (
	interV1 = `--- a/f.txt
+++ b/f.txt
@@ -2,7 +2,7 @@
 l2
 l3
 l4
-l5
+A5
 l6
 l7
 l8
@@ -18,6 +18,7 @@
 l18
 l19
 l20
+new
 l21
 l22
 l23
--- a/gone.txt
+++ b/gone.txt
@@ -1,2 +1,2 @@
 keep
-x
+y
`
	interV2 = `diff --git a/f.txt b/f.txt
--- a/f.txt
+++ b/f.txt
@@ -2,7 +2,7 @@
 l2
 l3
 l4
-l5
+B5
 l6
 l7
 l8
@@ -18,6 +18,7 @@
 l18
 l19
 l20
+new
 l21
 l22
 l23
@@ -25,6 +26,6 @@
 l25
 l26
 l27
-l28
+B28
 l29
 l30
diff --git a/same.txt b/same.txt
--- a/same.txt
+++ b/same.txt
@@ -1 +1 @@
-s
+S
diff --git a/added.txt b/added.txt
new file mode 100644
--- /dev/null
+++ b/added.txt
@@ -0,0 +1 @@
+hello
`
	interV1same = `--- a/same.txt
+++ b/same.txt
@@ -1 +1 @@
-s
+S
`
)

func TestInterdiff(t *testing.T) {
	got := summary(interdiff(parseDiff(interV1+interV1same), parseDiff(interV2), "file1", "file2"))
	want := `modified f.txt>f.txt +2 -2
 @@ -2,7 +2,7 @@
  = 2:2 l2
  = 3:3 l3
  = 4:4 l4
  - 5:0 A5
  + 0:5 B5
  = 6:6 l6
  = 7:7 l7
  = 8:8 l8
 @@ -26,6 +26,6 @@
  = 26:26 l25
  = 27:27 l26
  = 28:28 l27
  - 29:0 l28
  + 0:29 B28
  = 30:30 l29
  = 31:31 l30
modified same.txt>same.txt +0 -0
added >added.txt +1 -0 mode >100644
 @@ -0,0 +1 @@
  + 0:1 hello
modified gone.txt>gone.txt +1 -1
 @@ -1,2 +1,2 @@
  = 1:1 keep
  - 2:0 y
  + 0:2 x
`
	if got != want {
		t.Errorf("interdiff(v1, v2) =\n%s\nwant\n%s", got, want)
	}
	d := interdiff(parseDiff(interV1+interV1same), parseDiff(interV2), "file1", "file2")
	notes := map[string]string{}
	for _, f := range d.Files {
		notes[f.Name()] = f.Note
	}
	for name, want := range map[string]string{"same.txt": "same change", "added.txt": "only in file2",
		"gone.txt": "only in file1", "f.txt": ""} {
		if n := notes[name]; (want == "") != (n == "") || !strings.Contains(n, want) {
			t.Errorf("note of %s = %q, want %q", name, n, want)
		}
	}
}

func TestInterdiffBinary(t *testing.T) {
	bin := "Binary files a/x.png and b/x.png differ\n"
	d := interdiff(parseDiff(bin), parseDiff(bin), "file1", "file2")
	if len(d.Files) != 1 || !d.Files[0].Binary || !strings.Contains(d.Files[0].Note, "not compared") {
		t.Errorf("interdiff of binaries = %s (note %q)", summary(d), d.Files[0].Note)
	}
}

func TestLineDiff(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"", "", ""},
		{"a b c", "a b c", "=a =b =c"},
		{"a b c", "a x c", "=a -b +x =c"},
		{"a b c", "a c", "=a -b =c"},
		{"a c", "a b c", "=a +b =c"},
		{"a b c d", "b c d e", "-a =b =c =d +e"},
		{"x y", "p q", "-x -y +p +q"},
		{"a b a b", "b a b a", "-a =b =a =b +a"},
	}
	for _, c := range cases {
		ops := lineDiff(strings.Fields(c.a), strings.Fields(c.b), 1, 1)
		var got []string
		for _, l := range ops {
			k := string(l.Kind)
			if k == " " {
				k = "="
			}
			got = append(got, k+l.Text)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("lineDiff(%q, %q) = %q, want %q", c.a, c.b, g, c.want)
		}
	}
}

func TestContextHunks(t *testing.T) {
	var a, b []string
	for i := 1; i <= 30; i++ {
		a = append(a, fmt.Sprint(i))
		b = append(b, fmt.Sprint(i))
	}
	b[4] = "five"    // line 5
	b[11] = "12!"    // line 12: 7 lines apart, context overlaps: one hunk
	b[27] = "28!"    // a second hunk
	b = b[:len(b)-1] // line 30 removed
	var heads []string
	for _, h := range contextHunks(lineDiff(a, b, 1, 1), 3, 1, 1) {
		heads = append(heads, h.Header())
	}
	want := []string{"@@ -2,14 +2,14 @@", "@@ -25,6 +25,5 @@"}
	if !slices.Equal(heads, want) {
		t.Errorf("contextHunks headers = %q, want %q", heads, want)
	}
}

// TestInterdiffRandom checks on random edits of a random base that the
// interdiff of two patches turns the first patch's result into the
// second's: its old lines are lines of A (the base with the first patch
// applied) at their numbers, its new lines lines of B, and A without the
// removed lines equals B without the added ones. The patches are written
// as unified diffs and parsed, so the reader is exercised too.
func TestInterdiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for iter := range 400 {
		base := randomLines(r, 5+r.IntN(60))
		a, b := randomEdit(r, base), randomEdit(r, base)
		switch r.IntN(4) {
		case 0:
			b = randomEdit(r, a) // a later version building on the first
		case 1:
			b = append([]string(nil), a...) // the same result
		}
		pa, pb := parseDiff(unified("f", base, a)), parseDiff(unified("f", base, b))
		d := interdiff(pa, pb, "a", "b")
		var dels, adds = map[int]bool{}, map[int]bool{}
		for _, f := range d.Files {
			for _, h := range f.Hunks {
				for _, l := range h.Lines {
					if l.OldN > 0 && (l.OldN > len(a) || a[l.OldN-1] != l.Text) {
						t.Fatalf("iter %d: old line %d %q is not line %d of A\n%s", iter, l.OldN, l.Text, l.OldN, summary(d))
					}
					if l.NewN > 0 && (l.NewN > len(b) || b[l.NewN-1] != l.Text) {
						t.Fatalf("iter %d: new line %d %q is not line %d of B\n%s", iter, l.NewN, l.Text, l.NewN, summary(d))
					}
					switch l.Kind {
					case '-':
						dels[l.OldN] = true
					case '+':
						adds[l.NewN] = true
					}
				}
			}
		}
		var keptA, keptB []string
		for i, s := range a {
			if !dels[i+1] {
				keptA = append(keptA, s)
			}
		}
		for i, s := range b {
			if !adds[i+1] {
				keptB = append(keptB, s)
			}
		}
		if !slices.Equal(keptA, keptB) {
			t.Fatalf("iter %d: the interdiff does not turn A into B\nA=%q\nB=%q\n%s", iter, a, b, summary(d))
		}
		if slices.Equal(a, b) && changedFiles(d) != 0 {
			t.Fatalf("iter %d: equal results, interdiff %s", iter, summary(d))
		}
	}
}

// randomLines draws lines from a small alphabet, so lines repeat.
func randomLines(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('a' + r.IntN(6)))
	}
	return out
}

// randomEdit replaces, inserts or deletes a few runs of lines.
func randomEdit(r *rand.Rand, in []string) []string {
	out := append([]string(nil), in...)
	for range 1 + r.IntN(3) {
		i := r.IntN(len(out) + 1)
		n := min(r.IntN(3), len(out)-i)
		ins := randomLines(r, r.IntN(3))
		out = append(out[:i], append(ins, out[i+n:]...)...)
	}
	return out
}

// unified writes diff -u of a and b as a patch of file name.
func unified(name string, a, b []string) string {
	var s strings.Builder
	s.WriteString("--- a/" + name + "\n+++ b/" + name + "\n")
	for _, h := range contextHunks(lineDiff(a, b, 1, 1), 3, 1, 1) {
		s.WriteString(h.Header() + "\n")
		for _, l := range h.Lines {
			s.WriteString(string(l.Kind) + l.Text + "\n")
		}
	}
	return s.String()
}
