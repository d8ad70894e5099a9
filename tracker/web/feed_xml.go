package web

import (
	"encoding/xml"
	"io"
	"strings"
	"time"
)

// Atom 1.0 (RFC 4287) and RSS 2.0 documents, written with encoding/xml.

const atomNS = "http://www.w3.org/2005/Atom"

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomGenerator struct {
	URI  string `xml:"uri,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published,omitempty"`
	Author    *atomPerson `xml:"author"`
	Link      []atomLink  `xml:"link"`
	Content   *atomText   `xml:"content"`
}

type atomFeed struct {
	XMLName   xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Subtitle  *atomText     `xml:"subtitle"`
	Updated   string        `xml:"updated"`
	Link      []atomLink    `xml:"link"`
	Generator atomGenerator `xml:"generator"`
	Entries   []atomEntry   `xml:"entry"`
}

func atomDate(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// xmlSafe drops characters XML 1.0 cannot carry (control characters in
// a mailed message would otherwise make the document ill-formed).
func xmlSafe(s string) string {
	ok := true
	for _, r := range s {
		if !isXMLChar(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isXMLChar(r) {
			return r
		}
		return -1
	}, s)
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// writeAtom writes f as an Atom feed: every entry has an id, title,
// updated date, author, alternate link and text content.
func writeAtom(w io.Writer, f *feed) error {
	af := atomFeed{
		ID:        f.ID,
		Title:     atomText{Text: xmlSafe(f.Title)},
		Updated:   atomDate(f.Updated),
		Link:      []atomLink{{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL}, {Rel: "alternate", Type: "text/html", Href: f.AltURL}},
		Generator: atomGenerator{URI: "https://github.com/corral-tracker/corral", Text: "Corral"},
	}
	if f.Subtitle != "" {
		af.Subtitle = &atomText{Text: xmlSafe(f.Subtitle)}
	}
	for _, e := range f.Entries {
		ae := atomEntry{
			ID:      e.ID,
			Title:   atomText{Type: "text", Text: xmlSafe(e.Title)},
			Updated: atomDate(e.Updated),
			Author:  &atomPerson{Name: xmlSafe(orUnknown(e.Author))},
			Link:    []atomLink{{Rel: "alternate", Type: "text/html", Href: e.Link}},
			Content: &atomText{Type: "text", Text: xmlSafe(e.Content)},
		}
		if !e.Published.IsZero() {
			ae.Published = atomDate(e.Published)
		}
		af.Entries = append(af.Entries, ae)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(af); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Text        string `xml:",chardata"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	Description string  `xml:"description"`
	Creator     string  `xml:"http://purl.org/dc/elements/1.1/ creator,omitempty"`
	PubDate     string  `xml:"pubDate"`
	GUID        rssGUID `xml:"guid"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	AtomLink      atomLink  `xml:"http://www.w3.org/2005/Atom link"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator"`
	Items         []rssItem `xml:"item"`
}

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

// writeRSS writes f as RSS 2.0: a channel with title, link and
// description; items with title, link, description, pubDate (RFC 822),
// a guid (the stable entry id, a permalink when it is a plain URL) and
// the author as dc:creator (RSS's own author element wants an e-mail
// address, which feeds must not show).
func writeRSS(w io.Writer, f *feed) error {
	desc := f.Subtitle
	if desc == "" {
		desc = f.Title
	}
	ch := rssChannel{
		Title:         xmlSafe(f.Title),
		Link:          f.AltURL,
		Description:   xmlSafe(desc),
		AtomLink:      atomLink{Rel: "self", Type: "application/rss+xml", Href: f.SelfURL},
		LastBuildDate: f.Updated.UTC().Format(time.RFC1123Z),
		Generator:     "Corral",
	}
	for _, e := range f.Entries {
		perma := "true"
		if strings.Contains(e.ID, "#") {
			perma = "false"
		}
		ch.Items = append(ch.Items, rssItem{
			Title:       xmlSafe(e.Title),
			Link:        e.Link,
			Description: xmlSafe(e.Content),
			Creator:     xmlSafe(orUnknown(e.Author)),
			PubDate:     e.Updated.UTC().Format(time.RFC1123Z),
			GUID:        rssGUID{IsPermaLink: perma, Text: e.ID},
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(rssDoc{Version: "2.0", Channel: ch}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
