package web

import (
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
)

// linkRE finds what bpo's extensions/local_replace.py turned into links
// in message text: URLs, issue references (#123, issue 123, issue123,
// bpo-123), messages (msg123), pull requests (PR 45, GH-45), PEPs
// (PEP 8) and CPython source paths with an optional line
// (Lib/foo.py:12, Modules/_io/fileio.c).
var linkRE = regexp.MustCompile(`(?i)` +
	`(?P<url>\bhttps?://[^\s<>"]+[^\s<>".,;:!?)\]'])` +
	`|(?P<issue>(?:\bissue\s*|#|\bbpo-)(?P<issueid>\d{1,7})\b)` +
	`|(?P<msg>\bmsg(?P<msgid>\d{1,8})\b)` +
	`|(?P<pr>\b(?:PR\s*#?|GH-)(?P<prid>\d{1,6})\b)` +
	`|(?P<pep>\bPEP\s*(?P<pepid>\d{1,4})\b)` +
	`|(?P<src>\b(?:Lib|Modules|Objects|Python|Include|Parser|Doc|Tools|Misc|PC|PCbuild|Mac)/[\w./-]+\.(?:py|c|h|rst|txt|in)(?::(?P<line>\d+))?)`)

// linkify escapes message text and turns references into links; the
// result keeps the text's line breaks (the template puts it in <pre>).
func linkify(text, base string) template.HTML {
	var b strings.Builder
	last := 0
	names := linkRE.SubexpNames()
	for _, m := range linkRE.FindAllStringSubmatchIndex(text, -1) {
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
