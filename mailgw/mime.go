package mailgw

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds MIME nesting; deeper parts are kept as opaque
// attachments instead of being walked (a hostile message cannot exhaust
// the stack).
const maxDepth = 32

// Part is one MIME entity: a whole message, a part of a multipart, or the
// message inside a message/rfc822 part.
type Part struct {
	Header Header
	// Type is the media type, lower case, without parameters; text/plain
	// when missing or malformed (Python's get_content_type).
	Type   string
	Params map[string]string
	// Body is the body as it came (transfer encoding not undone).
	Body []byte
	// Parts are the children of a multipart, or the one embedded message
	// of a message/rfc822 part.
	Parts []*Part
}

// ParsePart parses data (LF line ends) as a MIME entity.
func ParsePart(data []byte) *Part { return parsePart(data, 0) }

func parsePart(data []byte, depth int) *Part {
	h, off := parseHeader(data)
	p := &Part{Header: h, Body: data[off:]}
	p.Type, p.Params = contentType(h.Get("content-type"))
	if depth >= maxDepth {
		return p
	}
	switch {
	case strings.HasPrefix(p.Type, "multipart/"):
		if b := p.Params["boundary"]; b != "" {
			for _, c := range splitMultipart(p.Body, b) {
				p.Parts = append(p.Parts, parsePart(c, depth+1))
			}
		}
	case p.Type == "message/rfc822":
		p.Parts = []*Part{parsePart(p.Decoded(), depth+1)}
	}
	return p
}

// IsMultipart reports whether the part has children (Python's
// is_multipart: multiparts with a boundary, and message/rfc822).
func (p *Part) IsMultipart() bool { return len(p.Parts) > 0 }

// contentType reads a Content-Type value the way Python's email package
// does: the type is what precedes the first ';', lower-cased, and must
// have exactly one '/', else text/plain; parameters follow RFC 2045 and
// RFC 2231 (continuations, charsets), with a forgiving fallback.
func contentType(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	t := strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
	if strings.Count(t, "/") != 1 {
		t = "text/plain"
	}
	return t, params(v)
}

// params parses the parameters of a Content-Type or
// Content-Disposition value.
func params(v string) map[string]string {
	if _, ps, err := mime.ParseMediaType(v); err == nil {
		return ps
	}
	// Forgiving: name=value pairs split at ';', quotes removed.
	ps := map[string]string{}
	parts := strings.Split(v, ";")
	for _, kv := range parts[1:] {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		if _, dup := ps[k]; !dup && k != "" {
			ps[k] = val
		}
	}
	return ps
}

// splitMultipart returns the bodies of a multipart's parts: the text
// between "--boundary" lines, without the line break before each
// delimiter (RFC 2046 §5.1.1). Preamble and epilogue are dropped; a
// missing closing delimiter ends the last part at the end of the data.
func splitMultipart(body []byte, boundary string) [][]byte {
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1
	pos := 0
	for pos < len(body) {
		end := lineEnd(body, pos)
		line := body[pos:end]
		if bytes.HasPrefix(line, delim) {
			rest := bytes.TrimRight(line[len(delim):], " \t\r\n")
			closing := bytes.Equal(rest, []byte("--"))
			if len(rest) == 0 || closing {
				if start >= 0 {
					parts = append(parts, trimLastEOL(body[start:pos]))
				}
				if closing {
					return parts
				}
				start = end
			}
		}
		pos = end
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts
}

func trimLastEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// Decoded returns the body with its Content-Transfer-Encoding undone
// (base64, quoted-printable, x-uuencode); other encodings are returned
// as they are, as Python's get_payload(decode=True) does. Broken base64
// decodes as far as it goes.
func (p *Part) Decoded() []byte {
	switch strings.ToLower(strings.TrimSpace(p.Header.Get("content-transfer-encoding"))) {
	case "base64":
		clean := make([]byte, 0, len(p.Body))
		for _, c := range p.Body {
			if c == '+' || c == '/' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				clean = append(clean, c)
			}
		}
		if len(clean)%4 == 1 { // a stray character cannot be decoded
			clean = clean[:len(clean)-1]
		}
		out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
		n, _ := base64.RawStdEncoding.Decode(out, clean)
		return out[:n]
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(p.Body)))
		if err != nil && len(out) == 0 {
			return p.Body
		}
		return out
	case "x-uuencode", "uuencode", "x-uue", "uue":
		if out, ok := uudecode(p.Body); ok {
			return out
		}
	}
	return p.Body
}

// Text returns the body decoded to UTF-8 text: the transfer encoding is
// undone and the charset parameter applied. Without a charset (or with
// one go-message does not know) valid UTF-8 is taken as UTF-8 and
// anything else as Latin-1; Roundup reads uncharsetted text as Latin-1
// and fails on unknown charsets. Line ends become LF.
func (p *Part) Text() string {
	raw := p.Decoded()
	var s string
	if cs := p.Params["charset"]; cs != "" {
		var ok bool
		if s, ok = toUTF8(cs, raw); !ok {
			s = plainText(string(raw))
		}
	} else {
		s = plainText(string(raw))
	}
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return s
}

// isText reports whether Roundup decodes the part to text: a charset
// parameter or main type text (RoundupMessage.get_body).
func (p *Part) isText() bool {
	return p.Params["charset"] != "" || strings.HasPrefix(p.Type, "text/")
}

// Filename returns the attachment name: Content-Disposition filename
// (RFC 2231 included), else the Content-Type name, RFC 2047-decoded when
// it is an encoded-word ("=?iso-8859-1?Q?M=FCnchen.pdf?=").
func (p *Part) Filename() string {
	fn := ""
	if cd := p.Header.Get("content-disposition"); cd != "" {
		fn = params("x/x;" + afterSemicolon(cd))["filename"]
	}
	if fn == "" {
		fn = p.Params["name"]
	}
	if fn == "" {
		return ""
	}
	if !utf8.ValidString(fn) {
		fn = latin1(fn)
	}
	return DecodeHeader(fn)
}

func afterSemicolon(s string) string {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return s[i+1:]
	}
	return ""
}

var uuLine = regexp.MustCompile(`^begin [0-7]{3,4} `)

// uudecode decodes a uuencoded body ("begin 644 name" ... "end").
func uudecode(b []byte) ([]byte, bool) {
	lines := strings.Split(string(b), "\n")
	i := 0
	for i < len(lines) && !uuLine.MatchString(lines[i]) {
		i++
	}
	if i == len(lines) {
		return nil, false
	}
	var out []byte
	for _, l := range lines[i+1:] {
		l = strings.TrimRight(l, "\r")
		if l == "end" || l == "`" || l == "" {
			if l == "end" {
				break
			}
			continue
		}
		n := int((l[0] - ' ') & 63)
		data := []byte(l[1:])
		var chunk []byte
		for j := 0; j+3 < len(data)+3 && len(chunk) < n; j += 4 {
			var q [4]byte
			for k := 0; k < 4; k++ {
				if j+k < len(data) {
					q[k] = (data[j+k] - ' ') & 63
				}
			}
			chunk = append(chunk, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2, q[2]<<6|q[3])
		}
		if len(chunk) > n {
			chunk = chunk[:n]
		}
		out = append(out, chunk...)
	}
	return out, true
}
