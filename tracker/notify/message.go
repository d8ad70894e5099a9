package notify

import (
	"bytes"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is an outgoing mail being built: header fields in order (names
// kept exactly as given — Roundup's "X-Roundup-issue-status" keeps its
// lower-case class name) and a body. It renders with LF line ends; the
// SMTP transport turns them into CRLF.
type Message struct {
	fields []field
	body   []byte
}

type field struct{ name, value string }

// Set replaces (or adds) a header field; value must already be encoded
// (see Encode, Address).
func (m *Message) Set(name, value string) {
	for i := range m.fields {
		if strings.EqualFold(m.fields[i].name, name) {
			m.fields[i].value = value
			return
		}
	}
	m.fields = append(m.fields, field{name, value})
}

// Add appends a header field.
func (m *Message) Add(name, value string) { m.fields = append(m.fields, field{name, value}) }

// Get returns the first value of a field.
func (m *Message) Get(name string) string {
	for _, f := range m.fields {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

// Bytes renders the message: folded header lines, a blank line, the body.
func (m *Message) Bytes() []byte {
	var b bytes.Buffer
	for _, f := range m.fields {
		writeField(&b, f.name, f.value)
	}
	b.WriteString("\n")
	b.Write(m.body)
	return b.Bytes()
}

// writeField folds at spaces so lines stay within 78 characters where
// possible (RFC 5322 §2.2.3).
func writeField(b *bytes.Buffer, name, value string) {
	line := name + ": "
	n := len(line)
	b.WriteString(line)
	words := strings.Split(value, " ")
	for i, w := range words {
		if i > 0 {
			if n+1+len(w) > 78 {
				b.WriteString("\n ")
				n = 1
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	b.WriteByte('\n')
}

// Encode returns s as a header value: as is when it is printable ASCII,
// else RFC 2047 encoded-words in UTF-8.
func Encode(s string) string {
	if isASCII(s) {
		return s
	}
	return mime.QEncoding.Encode("utf-8", s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || (s[i] < 0x20 && s[i] != '\t') {
			return false
		}
	}
	return true
}

// Address formats a mailbox "Name <addr>" as Python's formataddr does
// for Roundup's nice_sender_header: the name bare when it is a plain
// phrase, quoted when it holds specials, RFC 2047 encoded when it is not
// ASCII.
func Address(name, addr string) string {
	if name == "" {
		return addr
	}
	return Phrase(name) + " <" + addr + ">"
}

// Phrase encodes a display name.
func Phrase(name string) string {
	if !isASCII(name) {
		return mime.QEncoding.Encode("utf-8", name)
	}
	if strings.ContainsAny(name, "()<>@,;:\\\".[]") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name
}

// textBody encodes text as a quoted-printable UTF-8 body (Roundup never
// base64-encodes notification text).
func textBody(text string) []byte {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(text))
	w.Close()
	return bytes.ReplaceAll(b.Bytes(), []byte("\r\n"), []byte("\n"))
}

// setText makes m a single text/plain part holding text.
func (m *Message) setText(text string) {
	m.Set("MIME-Version", "1.0")
	m.Set("Content-Type", `text/plain; charset="utf-8"`)
	m.Set("Content-Transfer-Encoding", "quoted-printable")
	m.body = textBody(text)
}

// Attachment is a file attached to a mail.
type Attachment struct {
	Name, Type string
	Data       []byte
}

// plainBody returns a text part's encoding and body: 7bit when the text
// is ASCII with short lines (account mail and bounces stay readable and
// their links copyable), else quoted-printable.
func plainBody(text string) (string, []byte) {
	if isASCIIBytes([]byte(text)) {
		short := true
		for _, l := range strings.Split(text, "\n") {
			if len(l) > 998 {
				short = false
			}
		}
		if short {
			return "7bit", []byte(text)
		}
	}
	return "quoted-printable", textBody(text)
}

// setMultipart makes m multipart/mixed: the text, then the attachments
// in order. text/plain files travel as text parts (7bit when ASCII, else
// quoted-printable UTF-8), message/rfc822 files embedded, everything else
// base64 (Roundup's send_message); file names use RFC 2231 (Roundup's
// RFC 2047 Content-Disposition is a documented defect).
// qp forces a quoted-printable text part (notifications, as Roundup).
func (m *Message) setMultipart(text string, qp bool, files []Attachment, boundary string) {
	m.Set("MIME-Version", "1.0")
	m.Set("Content-Type", `multipart/mixed; boundary="`+boundary+`"`)
	var b bytes.Buffer
	part := func(headers [][2]string, body []byte) {
		b.WriteString("--" + boundary + "\n")
		for _, h := range headers {
			writeField(&b, h[0], h[1])
		}
		b.WriteString("\n")
		b.Write(body)
		if len(body) > 0 && body[len(body)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	cte, tb := "quoted-printable", textBody(text)
	if !qp {
		cte, tb = plainBody(text)
	}
	part([][2]string{{"Content-Type", `text/plain; charset="utf-8"`}, {"Content-Transfer-Encoding", cte}}, tb)
	for _, f := range files {
		disp := mime.FormatMediaType("attachment", map[string]string{"filename": f.Name})
		typ := f.Type
		if typ == "" {
			typ = "application/octet-stream"
		}
		switch {
		case typ == "text/plain" && utf8.Valid(f.Data) && isASCIIBytes(f.Data):
			part([][2]string{{"Content-Type", `text/plain; charset="us-ascii"`}, {"Content-Transfer-Encoding", "7bit"},
				{"Content-Disposition", disp}}, bytes.ReplaceAll(f.Data, []byte("\r\n"), []byte("\n")))
		case typ == "text/plain" && utf8.Valid(f.Data):
			part([][2]string{{"Content-Type", `text/plain; charset="utf-8"`}, {"Content-Transfer-Encoding", "quoted-printable"},
				{"Content-Disposition", disp}}, textBody(string(f.Data)))
		case typ == "message/rfc822":
			part([][2]string{{"Content-Type", "message/rfc822"}, {"Content-Disposition", disp}},
				bytes.ReplaceAll(f.Data, []byte("\r\n"), []byte("\n")))
		default:
			part([][2]string{{"Content-Type", typ}, {"Content-Transfer-Encoding", "base64"}, {"Content-Disposition", disp}}, base64Lines(f.Data))
		}
	}
	b.WriteString("--" + boundary + "--\n")
	m.body = b.Bytes()
}

func isASCIIBytes(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// DateHeader formats t for the Date field in the given zone (Roundup uses
// [main] timezone).
func DateHeader(t time.Time, zone string) string {
	if zone != "" {
		if loc, err := time.LoadLocation(zone); err == nil {
			t = t.In(loc)
		}
	}
	return t.Format(time.RFC1123Z)
}

// boundaryFor derives a stable MIME boundary from a message id.
func boundaryFor(id string) string {
	h := uint64(1469598103934665603)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return fmt.Sprintf("===============%019d==", h%1e19)
}
