package web

import (
	"fmt"
	"html"
	"html/template"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// linkAllRE is the unanchored pattern: linkifySlow, the reference
// implementation, searches the whole text with it.
var linkAllRE = regexp.MustCompile(`(?i)` + linkPatterns)

func linkifySlow(text, base string) template.HTML {
	var b strings.Builder
	last := 0
	names := linkAllRE.SubexpNames()
	for _, m := range linkAllRE.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(html.EscapeString(text[last:m[0]]))
		match := text[m[0]:m[1]]
		group := func(name string) string {
			for i, n := range names {
				if n == name && m[2*i] >= 0 {
					return text[m[2*i]:m[2*i+1]]
				}
			}
			return ""
		}
		href := ""
		switch {
		case group("url") != "":
			href = match
		case group("issueid") != "":
			href = base + "issue" + strings.TrimLeft(group("issueid"), "0")
		case group("msgid") != "":
			href = base + "msg" + strings.TrimLeft(group("msgid"), "0")
		case group("prid") != "":
			href = "https://github.com/python/cpython/pull/" + group("prid")
		case group("pepid") != "":
			n, _ := strconv.Atoi(group("pepid"))
			href = fmt.Sprintf("https://peps.python.org/pep-%04d/", n)
		case group("src") != "":
			path, _, _ := strings.Cut(match, ":")
			href = "https://github.com/python/cpython/blob/main/" + path
			if l := group("line"); l != "" {
				href += "#L" + l
			}
		}
		if href == "" {
			b.WriteString(html.EscapeString(match))
		} else {
			fmt.Fprintf(&b, `<a href="%s">%s</a>`, html.EscapeString(href), html.EscapeString(match))
		}
		last = m[1]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return template.HTML(b.String())
}

// TestLinkifyMatchesSearch checks that trying the anchored pattern only
// where a match may start finds what searching the whole text finds.
func TestLinkifyMatchesSearch(t *testing.T) {
	pieces := []string{"issue", "Issue ", "issue 12", "xissue12", "#", "#7", "a#7", "bpo-3", "abpo-3", "msg", "msg44", "Msg9x",
		"PR", "pr #12", "GH-", "gh-5", "PEP 8", "pep8", "Lib/", "lib/os.py", "Modules/_io/fileio.c:77", "Doc/x.rst",
		"PCbuild/a.txt", "http://", "https://bugs.python.org/issue1.", "HTTP://x.y/z)", " ", " ", "\n", ".", ",", "(", ")",
		"_", "9", "é", "ſ", "K", "the", "tokenizer", "Tools/a.in:3", "Objects/x.h", "Include", "Mac/y.py"}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.IntN(12); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := b.String()
		if got, want := linkify(text, "/t/"), linkifySlow(text, "/t/"); got != want {
			t.Fatalf("linkify(%q) = %q, want %q", text, got, want)
		}
	}
}

func BenchmarkLinkify(b *testing.B) {
	text := strings.Repeat("The tokenizer raises an error on this input; see issue 1234 and the patch in "+
		"Lib/tokenize.py:40, which msg5678 explains. Thanks for the report.\n", 8)
	for _, f := range []struct {
		name string
		fn   func(string, string) template.HTML
	}{{"anchored", linkify}, {"search", linkifySlow}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				f.fn(text, "/t/")
			}
		})
	}
}
