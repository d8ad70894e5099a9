package mailgw

// Attachment is a MIME part stored as a file item.
type Attachment struct {
	// Name is the decoded file name, "" when the part has none (the
	// gateway then calls it "unnamed", as Roundup does).
	Name string
	// Type is the part's media type, lower case, without parameters.
	Type string
	// Data is the decoded content; text parts are UTF-8.
	Data []byte
}

// Extractor walks a message for its body and attachments by Roundup's
// rules (RoundupMessage.extract_content, specs/mailgw.md §12).
type Extractor struct {
	// IgnoreAlternatives is [mailgw] ignore_alternatives: once the body
	// was found inside a multipart/alternative, the other alternatives
	// are dropped instead of attached.
	IgnoreAlternatives bool
	// UnpackRFC822 is [mailgw] unpack_rfc822: an attached message is
	// walked like multipart/mixed instead of becoming one .eml file.
	UnpackRFC822 bool
	// HTML converts a text/html part to the body text; nil keeps HTML as
	// an attachment only ([mailgw] convert_htmltotext = none).
	HTML func(string) string
}

// Extract returns the body text (nil when the message has no usable text
// part — Roundup then refuses it as not plain text) and the attachments
// in document order:
//
//   - text/plain is a body candidate; text/html too when converted (the
//     HTML is attached as well); message/rfc822 is attached whole (named
//     after its Subject, ".eml") unless unpacked; a PGP signature inside
//     multipart/signed is dropped; any other leaf is attached;
//   - in a multipart the first child that yields a body gives it and
//     later ones are attached — except in multipart/alternative, where a
//     later text/plain replaces the body (RFC 2046 §5.1.4: later
//     alternatives are better) and the earlier one is attached, unless the
//     earlier one was converted HTML;
//   - an empty text/plain does not count as a body, so a later part can
//     take its place (Roundup's quirk: empty text plus an attachment is
//     refused as not plain text).
func (e *Extractor) Extract(root *Part) (body *string, atts []Attachment) {
	body, atts, _ = e.extract(root, "", e.IgnoreAlternatives)
	return body, atts
}

func (e *Extractor) extract(p *Part, parentType string, ig bool) (*string, []Attachment, bool) {
	switch {
	case p.Type == "text/plain":
		t := p.Text()
		return &t, nil, false
	case p.Type == "text/html" && e.HTML != nil:
		t := e.HTML(p.Text())
		return &t, []Attachment{e.asAttachment(p)}, true
	case p.Type == "message/rfc822" && !e.UnpackRFC822:
		return nil, []Attachment{e.asAttachment(p)}, false
	case p.IsMultipart():
		var content *string
		var cpart *Part
		var atts []Attachment
		htmlFound := false
		for _, c := range p.Parts {
			nc, na, html := e.extract(c, p.Type, empty(content) && ig)
			switch {
			case empty(content):
				content, cpart = nc, c
				if html {
					htmlFound = true
				}
			case !empty(nc):
				switch {
				case html:
					// its HTML is among na already
				case p.Type != "multipart/alternative":
					atts = appendAtt(atts, e.textAsAttachment(c))
				case htmlFound:
					content, cpart = nc, c
				default:
					atts = appendAtt(atts, e.textAsAttachment(cpart))
					content, cpart = nc, c
				}
			}
			atts = append(atts, na...)
		}
		if ig && p.Type == "multipart/alternative" && !empty(content) {
			atts = nil
		}
		return content, atts, false
	case parentType == "multipart/signed" && p.Type == "application/pgp-signature":
		return nil, nil, false
	}
	return nil, []Attachment{e.asAttachment(p)}, false
}

func empty(s *string) bool { return s == nil || *s == "" }

func appendAtt(atts []Attachment, a *Attachment) []Attachment {
	if a == nil {
		return atts
	}
	return append(atts, *a)
}

// textAsAttachment is the part itself, or for a multipart its first
// text/plain part (depth first); nil when there is none.
func (e *Extractor) textAsAttachment(p *Part) *Attachment {
	if !p.IsMultipart() {
		a := e.asAttachment(p)
		return &a
	}
	for _, c := range p.Parts {
		if c.IsMultipart() {
			if a := e.textAsAttachment(c); a != nil {
				return a
			}
		} else if c.Type == "text/plain" {
			a := e.asAttachment(c)
			return &a
		}
	}
	return nil
}

// asAttachment turns a part into a file: its name, type and decoded
// content. An attached message keeps its bytes as they came (Roundup
// re-serialises it) and is named after its decoded Subject + ".eml".
func (e *Extractor) asAttachment(p *Part) Attachment {
	a := Attachment{Name: p.Filename(), Type: p.Type}
	switch {
	case p.Type == "message/rfc822":
		a.Data = p.Decoded()
		if len(p.Parts) == 1 {
			if s := p.Parts[0].Header.Text("subject"); s != "" {
				a.Name = s + ".eml"
			}
		}
	case p.isText():
		a.Data = []byte(p.Text())
	default:
		a.Data = p.Decoded()
	}
	return a
}
