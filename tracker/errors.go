package tracker

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is wrapped by every lookup that finds no item, class or
// property, so callers can answer 404 / "no such item" with errors.Is.
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped when a write collides with a concurrent change or
// a uniqueness rule (a key value already in use), so callers can answer
// 409/412 or ask the user to retry.
var ErrConflict = errors.New("conflict")

// Reject is returned by an auditor to veto a change, as Roundup's
// roundup.exceptions.Reject: the whole transaction is rolled back and the
// message is shown to the user (web form, mail bounce, admin stderr).
type Reject struct {
	Msg string
}

func (r *Reject) Error() string { return r.Msg }

// Rejectf builds a *Reject with a formatted message.
func Rejectf(format string, args ...any) error {
	return &Reject{Msg: fmt.Sprintf(format, args...)}
}

// PermissionError says a user lacks a permission. Its text follows
// Roundup's mailgw/cgi wording ("You do not have permission to edit
// issue title") so the same message reaches web, mail and REST users.
type PermissionError struct {
	User       string // username when known, else user id
	Permission string // "Create", "Edit", "View", "Retire", "Restore", "Email Access", ...
	Class      string
	Prop       string
	ItemID     string
}

func (e *PermissionError) Error() string {
	verb := e.Permission
	switch e.Permission {
	case "Create", "Edit", "View", "Retire", "Restore":
		s := "You do not have permission to " + lower(verb) + " " + e.Class
		if e.ItemID != "" {
			s += e.ItemID
		}
		if e.Prop != "" {
			s += " property " + e.Prop
		}
		return s
	}
	return "You do not have permission: " + verb
}

// ValueError reports a value that cannot be parsed or does not fit its
// property. Msg is the whole text, worded as Roundup's hyperdb words it
// ("property status: 'opne' is not a status.") because admin output and
// mail bounces show it as it is; Class and Prop name what it is about.
type ValueError struct {
	Class, Prop string
	Msg         string
}

func (e *ValueError) Error() string { return e.Msg }

// PyRepr quotes s the way Python's repr() quotes a str — single quotes
// unless s contains one and no double quote — as Roundup's messages do
// ('nobody', "o'brien").
func PyRepr(s string) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
