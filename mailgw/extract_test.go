package mailgw

import (
	"strings"
	"testing"
)

func lf(s string) []byte { return []byte(strings.ReplaceAll(s, "\r\n", "\n")) }

func TestExtract(t *testing.T) {
	alt := `Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

plain body
--b
Content-Type: text/html; charset=utf-8

<p>html body</p>
--b--
`
	mixed := `Content-Type: multipart/mixed; boundary=outer

preamble
--outer
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Gr=FC=DFe
--outer
Content-Type: application/octet-stream; name="a.bin"
Content-Transfer-Encoding: base64

AAEC
--outer
Content-Type: text/x-diff
Content-Disposition: attachment; filename*=utf-8''M%C3%BCnchen.diff

+x
--outer
Content-Type: message/rfc822

Subject: inner mail
From: x@y

inner body
--outer--
epilogue
`
	htmlOnly := "Content-Type: text/html; charset=utf-8\n\n<p>Hello <b>there</b></p><p>Second</p>\n"
	emptyPlus := "Content-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: text/plain\n\n\n--z\nContent-Type: application/pdf\n\n%PDF\n--z--\n"
	for _, c := range []struct {
		name string
		msg  string
		e    Extractor
		body string // "<nil>" for none
		atts []string
	}{
		{"alternative", alt, Extractor{}, "plain body", []string{"|text/html"}},
		{"alternative ignored", alt, Extractor{IgnoreAlternatives: true}, "plain body", nil},
		{"alternative html converted", alt, Extractor{HTML: HTMLToText}, "plain body", []string{"|text/html"}},
		{"mixed", mixed, Extractor{}, "Grüße", []string{"a.bin|application/octet-stream", "München.diff|text/x-diff", "inner mail.eml|message/rfc822"}},
		{"mixed unpacked", mixed, Extractor{UnpackRFC822: true}, "Grüße", []string{"a.bin|application/octet-stream", "München.diff|text/x-diff", "|text/plain"}},
		{"html only", htmlOnly, Extractor{}, "<nil>", []string{"|text/html"}},
		{"html only converted", htmlOnly, Extractor{HTML: HTMLToText}, "Hello there\n\nSecond\n", []string{"|text/html"}},
		{"empty text and attachment (quirk)", emptyPlus, Extractor{}, "<nil>", []string{"|application/pdf"}},
	} {
		body, atts := c.e.Extract(ParsePart(lf(c.msg)))
		got := "<nil>"
		if body != nil {
			got = strings.TrimSpace(*body)
		}
		if got != strings.TrimSpace(c.body) {
			t.Errorf("%s: body = %q, want %q", c.name, got, c.body)
		}
		var names []string
		for _, a := range atts {
			names = append(names, a.Name+"|"+a.Type)
		}
		if strings.Join(names, ",") != strings.Join(c.atts, ",") {
			t.Errorf("%s: attachments = %q, want %q", c.name, names, c.atts)
		}
	}
}

func TestAttachmentContent(t *testing.T) {
	msg := "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nbody\n--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n"
	_, atts := (&Extractor{}).Extract(ParsePart([]byte(msg)))
	if len(atts) != 1 || string(atts[0].Data) != "\x89PNG\r\n\x1a\n" {
		t.Fatalf("attachments = %+v", atts)
	}
}

func TestHTMLToText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<p>a</p><p>b</p>", "a\n\nb\n"},
		{"x<br>y<script>bad()</script><style>p{}</style>", "x\ny\n"},
		{"<div>On Mon, Bob wrote:<br></div><blockquote type=\"cite\"><div>old</div><div>text</div></blockquote><div>new</div>", "On Mon, Bob wrote:\n> old\n> text\n\nnew\n"},
		{"<a href=\"https://e.x/1\">link</a> &amp; &lt;tag&gt;", "link <https://e.x/1> & <tag>\n"},
		{"<ul><li>one</li><li>two</li></ul>", "- one\n- two\n"},
		{"<pre>  keep\n   spaces</pre>", "  keep\n   spaces\n"},
		{"<p>answer</p><hr><p><b>From:</b> Bob<br><b>Sent:</b> Monday</p>", "answer\n\n________________________________\nFrom: Bob\nSent: Monday\n"},
	} {
		if got := HTMLToText(c.in); got != c.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
