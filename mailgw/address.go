package mailgw

import "strings"

// Address is one mailbox of an address header: the decoded display name
// and the address as written (Python's email.utils.getaddresses pairs).
type Address struct {
	Name, Addr string
}

// Addresses returns the mailboxes of every occurrence of an address field
// (From, Resent-From, To, Cc), in order. The parser is as forgiving as
// Python's getaddresses, which Roundup uses: "Name <addr>", "addr (Name)",
// bare "addr", quoted names with commas, groups ("list: a, b;"), and
// anything unparsable is kept as a bare address rather than refused.
func (h Header) Addresses(name string) []Address {
	var out []Address
	for _, v := range h.Values(name) {
		out = append(out, ParseAddressList(v)...)
	}
	return out
}

// ParseAddressList splits one address field value into mailboxes.
func ParseAddressList(v string) []Address {
	var out []Address
	for _, item := range splitAddresses(v) {
		if a, ok := parseMailbox(item); ok {
			out = append(out, a)
		}
	}
	return out
}

// splitAddresses cuts a list at commas (and group syntax ':' / ';')
// outside quotes, comments and angle brackets.
func splitAddresses(v string) []string {
	var items []string
	var cur strings.Builder
	depth, inQuote, inAngle := 0, false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case inQuote:
			cur.WriteByte(c)
			if c == '\\' && i+1 < len(v) {
				i++
				cur.WriteByte(v[i])
			} else if c == '"' {
				inQuote = false
			}
			continue
		case depth > 0:
			cur.WriteByte(c)
			if c == '\\' && i+1 < len(v) {
				i++
				cur.WriteByte(v[i])
			} else if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			}
			continue
		}
		switch c {
		case '"':
			inQuote = true
		case '(':
			depth++
		case '<':
			inAngle = true
		case '>':
			inAngle = false
		case ',', ';':
			if !inAngle {
				items = append(items, cur.String())
				cur.Reset()
				continue
			}
		case ':':
			if !inAngle && !strings.Contains(cur.String(), "@") {
				cur.Reset() // a group name: "undisclosed-recipients:"
				continue
			}
		}
		cur.WriteByte(c)
	}
	return append(items, cur.String())
}

// parseMailbox reads one "Name <addr>" / "addr (Name)" / "addr" item.
func parseMailbox(item string) (Address, bool) {
	item = strings.TrimSpace(item)
	if item == "" {
		return Address{}, false
	}
	if lt := strings.LastIndexByte(item, '<'); lt >= 0 {
		gt := strings.IndexByte(item[lt:], '>')
		addr := item[lt+1:]
		rest := ""
		if gt >= 0 {
			addr = item[lt+1 : lt+gt]
			rest = item[lt+gt+1:]
		}
		name := strings.TrimSpace(item[:lt])
		if name == "" {
			name = comment(rest)
		}
		return Address{Name: DecodeHeader(unquote(stripComments(name))), Addr: cleanAddr(addr)}, true
	}
	// "addr (Name)": the comment names the mailbox.
	name := comment(item)
	addr := cleanAddr(stripComments(item))
	if addr == "" {
		return Address{}, false
	}
	return Address{Name: DecodeHeader(name), Addr: addr}, true
}

// comment returns the text of the first (comment) in s.
func comment(s string) string {
	i := strings.IndexByte(s, '(')
	if i < 0 {
		return ""
	}
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return strings.TrimSpace(s[i+1 : j])
			}
		}
	}
	return strings.TrimSpace(s[i+1:])
}

// stripComments removes (comments) outside quoted strings.
func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote:
			if c == '"' {
				inQuote = false
			}
		case c == '"' && depth == 0:
			inQuote = true
		case c == '(':
			depth++
			continue
		case c == ')' && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unquote removes the quotes of a quoted-string display name and its
// backslash escapes.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		return b.String()
	}
	return s
}

// cleanAddr drops blanks and quotes around an address ("bob @ example.com"
// is read as Python does, without the blanks).
func cleanAddr(s string) string {
	s = strings.Join(strings.Fields(s), "")
	return strings.Trim(s, `"`)
}
