package tracker

import "strings"

// AddressIn returns the line of a user's prop — "address" (one line) or
// "alternate_addresses" (one address per line) — that equals addr
// case-insensitively, trimmed, and whether there is one. The mail
// gateway's author lookup, its re-check of a remembered author, the
// user auditor's "already in use" check and the web's lost-login lookup
// all compare addresses this way (Roundup's uidFromAddress and
// userauditor compare lower-cased addresses).
func (it *Item) AddressIn(prop, addr string) (string, bool) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", false
	}
	for _, line := range strings.Split(it.Str(prop), "\n") {
		if line = strings.TrimSpace(line); strings.EqualFold(line, addr) {
			return line, true
		}
	}
	return "", false
}

// OwnsAddress reports whether addr is the user's address or one of its
// alternate addresses.
func (it *Item) OwnsAddress(addr string) bool {
	_, main := it.AddressIn("address", addr)
	_, alt := it.AddressIn("alternate_addresses", addr)
	return main || alt
}
