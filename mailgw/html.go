package mailgw

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLToText converts an HTML mail body to plain text for the message
// ([mailgw] convert_htmltotext; Roundup's dehtml drops script and style
// and starts a line at each paragraph). It also keeps what the body
// cleaner needs to recognise quotes: <blockquote> (Apple Mail's
// type="cite", Gmail's gmail_quote, Thunderbird's cite) becomes "> "
// lines, <hr> becomes Outlook's line of underscores, <br> and block
// elements break lines, paragraphs are separated by a blank line, links
// keep their URL ("text <url>") and images their alt text.
func HTMLToText(src string) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return ""
	}
	var w textWriter
	w.node(doc, false)
	return w.result()
}

// textWriter accumulates text with pending line breaks, so that blocks
// are separated by at most one blank line however they nest.
type textWriter struct {
	b         strings.Builder
	newlines  int  // line breaks owed before the next text
	lastSpace bool // the output ends in a space (collapse runs)
	started   bool
	// tight: the next block follows on the next line (after <hr>, as
	// Outlook's underscore line sits right above its header block).
	tight bool
}

func (w *textWriter) breakLines(n int) {
	if w.tight && n > 1 {
		n = 1
	}
	if w.started && n > w.newlines {
		w.newlines = n
	}
}

func (w *textWriter) text(s string, pre bool) {
	if !pre {
		s = collapseSpace(s)
		if s == "" || (s == " " && (w.lastSpace || !w.started || w.newlines > 0)) {
			return
		}
	}
	if w.newlines > 0 {
		w.b.WriteString(strings.Repeat("\n", w.newlines))
		w.newlines = 0
		w.lastSpace = true
		if !pre {
			s = strings.TrimLeft(s, " ")
		}
	}
	if !pre && w.lastSpace {
		s = strings.TrimLeft(s, " ")
	}
	if s == "" {
		return
	}
	w.b.WriteString(s)
	w.started, w.tight = true, false
	w.lastSpace = strings.HasSuffix(s, " ") || strings.HasSuffix(s, "\n")
}

func (w *textWriter) result() string {
	lines := strings.Split(w.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n") + "\n"
}

func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func (w *textWriter) children(n *html.Node, pre bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, pre)
	}
}

func (w *textWriter) node(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data, pre)
		return
	case html.DocumentNode:
		w.children(n, pre)
		return
	case html.ElementNode:
	default:
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript:
		return
	case atom.Br:
		if w.started {
			w.newlines++
		}
		return
	case atom.Hr:
		w.breakLines(2)
		w.text("________________________________", true)
		w.breakLines(1)
		w.tight = true
		return
	case atom.Img:
		if alt := attr(n, "alt"); alt != "" {
			w.text(alt, false)
		}
		return
	case atom.Blockquote:
		w.quote(n)
		return
	case atom.Div:
		if strings.Contains(attr(n, "class"), "gmail_quote") && !strings.Contains(attr(n, "class"), "gmail_attr") {
			// Gmail: the attribution, then a blockquote.
			w.breakLines(2)
			w.children(n, pre)
			w.breakLines(2)
			return
		}
	case atom.A:
		href := attr(n, "href")
		var sub textWriter
		sub.children(n, pre)
		t := strings.TrimSpace(sub.b.String())
		w.text(t, pre)
		if (strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://")) && href != t && "mailto:"+t != href {
			w.text(" <"+href+">", true)
		}
		return
	case atom.Td, atom.Th:
		w.text(" ", false)
		w.children(n, pre)
		w.text(" ", false)
		return
	case atom.Li:
		w.breakLines(1)
		w.text("- ", true)
		w.children(n, pre)
		w.breakLines(1)
		return
	}
	blank, line := blockBreaks(n.DataAtom)
	if blank {
		w.breakLines(2)
	} else if line {
		w.breakLines(1)
	}
	w.children(n, pre || n.DataAtom == atom.Pre)
	if blank {
		w.breakLines(2)
	} else if line {
		w.breakLines(1)
	}
}

// blockBreaks says whether an element stands in its own paragraph
// (blank lines around it) or on its own line.
func blockBreaks(a atom.Atom) (blank, line bool) {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Pre, atom.Ul, atom.Ol, atom.Dl, atom.Table:
		return true, false
	case atom.Div, atom.Tr, atom.Dt, atom.Dd, atom.Section, atom.Article,
		atom.Header, atom.Footer, atom.Address, atom.Center, atom.Form:
		return false, true
	}
	return false, false
}

// quote renders a blockquote's content with "> " before every line.
func (w *textWriter) quote(n *html.Node) {
	var sub textWriter
	sub.children(n, false)
	body := strings.TrimRight(sub.result(), "\n")
	if strings.TrimSpace(body) == "" {
		return
	}
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		if l == "" || strings.HasPrefix(l, ">") {
			lines[i] = ">" + l
		} else {
			lines[i] = "> " + l
		}
	}
	w.breakLines(1)
	w.text(strings.Join(lines, "\n"), true)
	w.breakLines(2)
}
