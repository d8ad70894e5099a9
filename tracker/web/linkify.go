package web

import (
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// linkPatterns find (case-insensitively) what bpo's
// extensions/local_replace.py turned into links in message text: URLs,
// issue references (#123, issue 123, issue123, bpo-123), messages
// (msg123), pull requests (PR 45, GH-45), PEPs (PEP 8) and CPython source
// paths with an optional line (Lib/foo.py:12, Modules/_io/fileio.c).
const linkPatterns = `(?P<url>\bhttps?://[^\s<>"]+[^\s<>".,;:!?)\]'])` +
	`|(?P<issue>(?:\bissue\s*|#|\bbpo-)(?P<issueid>\d{1,7})\b)` +
	`|(?P<msg>\bmsg(?P<msgid>\d{1,8})\b)` +
	`|(?P<pr>\b(?:PR\s*#?|GH-)(?P<prid>\d{1,6})\b)` +
	`|(?P<pep>\bPEP\s*(?P<pepid>\d{1,4})\b)` +
	`|(?P<src>\b(?:Lib|Modules|Objects|Python|Include|Parser|Doc|Tools|Misc|PC|PCbuild|Mac)/[\w./-]+\.(?:py|c|h|rst|txt|in)(?::(?P<line>\d+))?)`

// linkAtRE is linkPatterns anchored at the start of its input. Searching
// a message with the unanchored pattern tries every alternative at every byte, which made
// linkify a third of an issue page's CPU time; linkify instead tries
// linkAtRE only where a match can start (mayStartLink), and finds the
// same matches.
var linkAtRE = regexp.MustCompile(`(?i)^(?:` + linkPatterns + `)`)

// mayStartLink reports whether a match of linkPatterns can start at
// text[i]: at '#', or at a word boundary (every other alternative begins
// with \b) where one of linkPrefixes begins (h for http, i issue and
// Include, b bpo-, m msg Modules Misc Mac, p PR PEP Python Parser PC, g
// GH-, l Lib, o Objects, d Doc, t Tools). It is a necessary condition,
// checked cheaply; linkAtRE decides.
func mayStartLink(text string, i int) bool {
	c := text[i]
	if c == '#' {
		return true
	}
	switch c | 0x20 {
	case 'h', 'i', 'b', 'm', 'p', 'g', 'l', 'o', 'd', 't':
	default:
		return false
	}
	if i > 0 && isWordByte(text[i-1]) {
		return false
	}
	rest := text[i:]
	for _, p := range linkPrefixes {
		if n, ok := foldPrefix(rest, p); ok {
			if p == "pr" {
				// PR\s*#?\d: "print" and "problem" are no links.
				rest = strings.TrimLeft(rest[n:], "\t\n\f\r ")
				return rest != "" && (rest[0] == '#' || rest[0] >= '0' && rest[0] <= '9')
			}
			return true
		}
	}
	return false
}

// linkPrefixes are how the alternatives of linkPatterns begin (besides
// '#'), lower-case.
var linkPrefixes = []string{"http://", "https://", "issue", "bpo-", "msg", "pr", "gh-", "pep",
	"lib/", "modules/", "objects/", "python/", "include/", "parser/", "doc/", "tools/", "misc/", "pc/", "pcbuild/", "mac/"}

// foldPrefix reports whether s begins with prefix (ASCII, lower-case) as
// regexp's (?i) compares — simple case folding, so "ſ" (U+017F) matches
// "s" — and how many bytes of s that took.
func foldPrefix(s, prefix string) (int, bool) {
	n := 0
	for k := 0; k < len(prefix); k++ {
		if n >= len(s) {
			return 0, false
		}
		p := rune(prefix[k])
		r, size := rune(s[n]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[n:])
		}
		if r != p && !foldsTo(r, p) {
			return 0, false
		}
		n += size
	}
	return n, true
}

// foldsTo reports whether r is in p's simple case-folding orbit.
func foldsTo(r, p rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= p && p <= 'z' && r == p-'a'+'A'
	}
	for f := unicode.SimpleFold(p); f != p; f = unicode.SimpleFold(f) {
		if f == r {
			return true
		}
	}
	return false
}

// isWordByte is regexp's ASCII \w.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// linkify escapes message text and turns references into links; the
// result keeps the text's line breaks (the template puts it in <pre>).
func linkify(text, base string) template.HTML {
	var b strings.Builder
	last := 0
	names := linkAtRE.SubexpNames()
	for i := 0; i < len(text); {
		if !mayStartLink(text, i) {
			i++
			continue
		}
		m := linkAtRE.FindStringSubmatchIndex(text[i:])
		if m == nil {
			i++
			continue
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += i
			}
		}
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
		i = m[1]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return template.HTML(b.String())
}
