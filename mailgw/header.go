package mailgw

import (
	"bytes"
	"encoding/base64"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

// Header is a message or part header: fields in order, names compared
// case-insensitively, values unfolded by deleting the line breaks only (a
// continuation line's leading blank is kept: "a\n b" reads "a b"), as
// Roundup's RoundupMessage.get_header sees them.
type Header struct {
	fields []headerField
}

type headerField struct {
	name, value string // name lower-cased; value raw (not decoded)
}

// Get returns the first value of the field, raw; "" when absent.
func (h Header) Get(name string) string {
	v, _ := h.lookup(name)
	return v
}

// Has reports whether the field is present.
func (h Header) Has(name string) bool {
	_, ok := h.lookup(name)
	return ok
}

func (h Header) lookup(name string) (string, bool) {
	name = strings.ToLower(name)
	for _, f := range h.fields {
		if f.name == name {
			return f.value, true
		}
	}
	return "", false
}

// Values returns every value of the field, raw, in order.
func (h Header) Values(name string) []string {
	name = strings.ToLower(name)
	var out []string
	for _, f := range h.fields {
		if f.name == name {
			out = append(out, f.value)
		}
	}
	return out
}

// Text returns the first value of the field decoded (DecodeHeader).
func (h Header) Text(name string) string { return DecodeHeader(h.Get(name)) }

// parseHeader reads a header block from data (LF line ends) and returns
// it with the offset where the body starts. It is as lenient as Python's
// email parser: a line that is neither a field nor a continuation ends
// the header (the rest is body, Python's
// MissingHeaderBodySeparatorDefect), and a leading mbox "From " line is
// skipped.
func parseHeader(data []byte) (Header, int) {
	var h Header
	pos := 0
	if bytes.HasPrefix(data, []byte("From ")) {
		pos = lineEnd(data, 0)
	}
	for pos < len(data) {
		end := lineEnd(data, pos)
		line := data[pos:end]
		line = bytes.TrimSuffix(line, []byte("\n"))
		if len(line) == 0 {
			return h, end
		}
		if (line[0] == ' ' || line[0] == '\t') && len(h.fields) > 0 {
			// Continuation: Python keeps "\n" + the line; get_header
			// deletes the "\n".
			h.fields[len(h.fields)-1].value += string(line)
			pos = end
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !validFieldName(bytes.TrimRight(line[:colon], " \t")) {
			return h, pos
		}
		name := strings.ToLower(string(bytes.TrimRight(line[:colon], " \t")))
		value := string(bytes.TrimLeft(line[colon+1:], " \t"))
		h.fields = append(h.fields, headerField{name, value})
		pos = end
	}
	return h, pos
}

func validFieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// lineEnd returns the offset just after the line starting at pos.
func lineEnd(data []byte, pos int) int {
	if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
		return pos + i + 1
	}
	return len(data)
}

// encodedWord is an RFC 2047 encoded-word; Python's decode_header finds
// them anywhere, also glued to punctuation ("(=?utf-8?b?...?=)").
var encodedWord = regexp.MustCompile(`=\?([^?]*?)\?([qQbB])\?(.*?)\?=`)

// DecodeHeader decodes a raw header value as Roundup's _decode_header
// does (specs/mailgw.md §3): RFC 2047 encoded-words anywhere, whitespace
// between two adjacent encoded-words dropped and kept elsewhere, text
// outside encoded-words read as UTF-8 or, failing that, Latin-1.
//
// An encoded-word in an unknown charset, or one that does not decode, is
// kept as it is written (Roundup fails with the unexpected-error bounce).
func DecodeHeader(v string) string {
	if !strings.Contains(v, "=?") {
		return plainText(v)
	}
	var b strings.Builder
	// Adjacent words in one charset are joined before decoding, as
	// Python's decode_header does, so a character split over two words
	// (against RFC 2047, but common) survives.
	var pendCS string
	var pend []byte
	pending := false
	flush := func() {
		if pending {
			s, _ := toUTF8(pendCS, pend)
			b.WriteString(s)
			pending, pend = false, nil
		}
	}
	last := 0
	for _, m := range encodedWord.FindAllStringSubmatchIndex(v, -1) {
		between := v[last:m[0]]
		last = m[1]
		cs := v[m[2]:m[3]]
		if i := strings.IndexByte(cs, '*'); i >= 0 { // RFC 2231 language
			cs = cs[:i]
		}
		raw, ok := wordBytes(v[m[4]:m[5]], v[m[6]:m[7]])
		if ok {
			if _, known := toUTF8(cs, nil); !known {
				ok = false
			}
		}
		if !ok {
			flush()
			b.WriteString(plainText(between))
			b.WriteString(v[m[0]:m[1]])
			continue
		}
		adjacent := pending && strings.TrimFunc(between, pyIsSpace) == ""
		if adjacent && strings.EqualFold(cs, pendCS) {
			pend = append(pend, raw...)
			continue
		}
		flush()
		if !adjacent {
			b.WriteString(plainText(between))
		}
		pendCS, pend, pending = cs, raw, true
	}
	flush()
	b.WriteString(plainText(v[last:]))
	return b.String()
}

// wordBytes decodes the text of an encoded-word (B or Q).
func wordBytes(enc, text string) ([]byte, bool) {
	if enc == "b" || enc == "B" {
		t := strings.TrimRight(strings.Map(dropSpace, text), "=")
		raw, err := base64.RawStdEncoding.DecodeString(t)
		return raw, err == nil
	}
	return qDecode(text), true
}

func dropSpace(r rune) rune {
	if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
		return -1
	}
	return r
}

// qDecode undoes RFC 2047's Q encoding ('_' is a space, =XX a byte).
func qDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// toUTF8 converts text in the named charset to UTF-8 (go-message's
// charset tables: the IANA and WHATWG names). ok is false for an unknown
// charset; undecodable bytes become U+FFFD.
func toUTF8(cs string, raw []byte) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(cs)) {
	case "utf-8", "utf8", "us-ascii", "ascii", "":
		return strings.ToValidUTF8(string(raw), "\uFFFD"), true
	}
	r, err := charset.Reader(cs, bytes.NewReader(raw))
	if err != nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", false
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), true
}

// plainText reads bytes without a charset label: UTF-8 when they are
// valid UTF-8, else Latin-1 (Roundup's rule for header text).
func plainText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return latin1(s)
}

func latin1(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}
