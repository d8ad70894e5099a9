package tracker

import (
	"errors"
	"fmt"
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
// property ("status: no such status 'opne'"); it names the property.
type ValueError struct {
	Class, Prop string
	Msg         string
}

func (e *ValueError) Error() string {
	if e.Prop == "" {
		return e.Msg
	}
	return e.Prop + ": " + e.Msg
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
