package mailgw

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker/detectors"
)

// The fuzz targets run their seed corpus in every `go test` (CI runs
// exactly `go test ./...`); TestSubjectRandom and TestBodyRandom add a
// short deterministic random walk over the same properties, so CI
// exercises more than the seeds without -fuzz, and TestFuzzCI runs the
// fuzzing engine for a few seconds per target when CI=true. For a longer
// fuzzing run:
//
//	go test ./mailgw -run '^$' -fuzz FuzzSubject -fuzztime 60s
//	go test ./mailgw -run '^$' -fuzz FuzzBody -fuzztime 60s
//	go test ./mailgw -run '^$' -fuzz FuzzMessage -fuzztime 60s

var subjectSeeds = []string{
	"[issue] Crash [priority=high]", "Re: [issue12] Crash", "AW: Fwd: [issue4] IDLE freezes",
	"[Python-Dev] Re: [issue1] json bug", `Re: "[ issue 1 ] json bug "`, "More data [issue1]",
	"Re: Crash [status=closed]", "[Fwd: PHP ERROR] post limit", "[Build] Makefile bug",
	"Problem with [file] upload", "help", "", "[", "]", "[[[]]]", `"`, `Re: "`, "Re:", "RE: RE: re:",
	"[issue1] a [b=c;d=e]", "Crash[x=y]", "=?utf-8?q?x?=", "Réf: [issue9]\u00a0titre\u2003", "[ issue\t99999999999999999999 ]",
	"-- key abcdefghijklmnopqrstuvwxyz234567", "\x00\xff[issue1]", "Re: [user5] [realname=Bob]",
}

// checkSubject holds for every subject: no panic; title and arguments
// are cut out of the subject; a class found is one of the schema's; an
// id is digits; the title has no surrounding white space except the
// one Roundup leaves before a removed trailing quote.
func checkSubject(t *testing.T, p *SubjectParser, subject string) {
	s := p.Parse(subject)
	if !strings.Contains(subject, strings.TrimSuffix(s.Title, " ")) {
		t.Fatalf("Parse(%q).Title = %q is not part of the subject", subject, s.Title)
	}
	if s.HasArgs && !strings.Contains(subject, s.ArgsWhole) {
		t.Fatalf("Parse(%q).ArgsWhole = %q is not part of the subject", subject, s.ArgsWhole)
	}
	if s.Class != "" {
		known := false
		for _, c := range testClasses {
			if strings.EqualFold(c, s.Class) {
				known = true
			}
		}
		if !known {
			t.Fatalf("Parse(%q).Class = %q is not a class", subject, s.Class)
		}
	}
	if s.ID != "" && (s.Class == "" || strings.TrimFunc(s.ID, func(r rune) bool { return r >= '0' && r <= '9' || r > 127 }) != "") {
		t.Fatalf("Parse(%q).ID = %q", subject, s.ID)
	}
	if !s.Quote && s.Title != pyStrip(s.Title) {
		t.Fatalf("Parse(%q).Title = %q has surrounding white space", subject, s.Title)
	}
}

func FuzzSubject(f *testing.F) {
	for _, s := range subjectSeeds {
		f.Add(s)
	}
	p := mustParser(f, "[]")
	f.Fuzz(func(t *testing.T, subject string) { checkSubject(t, p, subject) })
}

var bodySeeds = []string{
	"Hello,\n\nworld.\n", "> a\n> b\nanswer\n", "Hi.\n\nBob wrote:\n> x\n\n-- \nsig\n", "\r\n\r\nCRLF\r\nbody.\r\n",
	"-----Original Message-----\nFrom: x\n", "a\n\n-----Original Message-----\nold", "|pipe\n|quote", "", "\n", "\n\n\n",
	"x\n \n\t\ny", "no sentence end\nsecond line. third", "\u2028odd\u00a0spaces\u3000.", ">", "a\n>\nb",
	"On Mon, Bob <\nb@x> wrote:\n\n> q\n", "t\n\n____________\nFrom: a\nSent: b\n\nold",
}

// checkBody holds for every body: no panic; the summary is the
// messagesummary detector's (the same Roundup rule, written twice);
// keeping the body returns it unchanged; every line of the cleaned text
// comes from the body.
func checkBody(t *testing.T, r *BodyRules, body string) {
	for _, keep := range []bool{true, false} {
		sum, content := r.Clean(body, keep, false)
		if want := detectors.Summary(body, keep); sum != want {
			t.Fatalf("Clean(%q, keep=%v) summary = %q, detectors.Summary = %q", body, keep, sum, want)
		}
		for _, line := range strings.Split(content, "\n") {
			if line != "" && !strings.Contains(body, line) {
				t.Fatalf("Clean(%q, keep=%v) made up the line %q", body, keep, line)
			}
		}
		if _, same := r.Clean(body, keep, true); same != body {
			t.Fatalf("Clean(%q, keepBody) changed the body", body)
		}
	}
}

func FuzzBody(f *testing.F) {
	for _, s := range bodySeeds {
		f.Add(s)
	}
	r := mustBody(f)
	f.Fuzz(func(t *testing.T, body string) { checkBody(t, r, body) })
}

// FuzzMessage feeds whole messages to the parser, the extractor and the
// HTML converter: they must not panic or loop, and text they return is
// valid UTF-8.
func FuzzMessage(f *testing.F) {
	f.Add([]byte("Subject: x\n\nbody\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>x</p>\n--b\nContent-Type: message/rfc822\n\nSubject: in\n\nx\n--b--\n"))
	f.Add([]byte("Content-Type: multipart/alternative; boundary=\"=_\"\n\n--=_\n\n--=_--"))
	f.Add([]byte("Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: base64\n\n8NLJ18XU\n"))
	e := &Extractor{HTML: HTMLToText, UnpackRFC822: true}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p := ParsePart(raw)
		body, atts := e.Extract(p)
		if body != nil && !utf8.ValidString(*body) {
			t.Fatalf("body is not UTF-8: %q", *body)
		}
		for _, a := range atts {
			_ = a.Name
		}
		_ = p.Header.Addresses("from")
		_ = DecodeHeader(p.Header.Get("subject"))
	})
}

// randomText builds strings from the pieces parsers care about.
func randomText(rng *rand.Rand, pieces []string, n int) string {
	var b strings.Builder
	for i := rng.IntN(n); i >= 0; i-- {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

func TestSubjectRandom(t *testing.T) {
	p := mustParser(t, "[]")
	pieces := []string{"Re:", "re ", "Fwd:", "AW: ", "sv-", " ", "\t", `"`, "[", "]", "issue", "Issue", "msg", "file", "12", "007",
		"=", ";", ",", "+", "-", "status", "closed", "title", "é", "\u00a0", "x", "[issue3]", "[status=open]", "[Build]", "autoreply", "-- key "}
	rng := rand.New(rand.NewPCG(1, 2))
	deadline := time.Now().Add(300 * time.Millisecond)
	for i := 0; i < 20000 && time.Now().Before(deadline); i++ {
		checkSubject(t, p, randomText(rng, pieces, 12))
	}
}

func TestBodyRandom(t *testing.T) {
	r := mustBody(t)
	pieces := []string{"\n", "\n\n", "\r\n", " ", "\t", "> ", ">", "|", "text", "more words", ".", "!", "?", ":", "-- ", "--",
		"-----Original Message-----", "wrote:", "é", "\u2003", "From: x\nSent: y", "____________"}
	rng := rand.New(rand.NewPCG(3, 4))
	deadline := time.Now().Add(300 * time.Millisecond)
	for i := 0; i < 20000 && time.Now().Before(deadline); i++ {
		checkBody(t, r, randomText(rng, pieces, 30))
	}
}
