package tracker

import (
	"fmt"
	"strings"
)

// Can answers every permission question (DESIGN.md §4): may the acting
// user exercise perm ("View", "Edit", "Create", "Retire", "Restore",
// "Web Access", ...) on class (or "" for global permissions), optionally
// on one property and one item. It follows Roundup's
// Security.hasPermission: a permission matches when its class is unset or
// equal, its property list is unset or holds prop, it is not props-only
// when no prop is asked, and its check (if any, and an item is given)
// passes. Checks are consulted only after permissions without one.
func (tx *Tx) Can(perm, class, prop, itemID string) bool {
	ok, _ := tx.can(tx.roles, tx.userID, perm, class, prop, itemID)
	return ok
}

// CanUser answers the same question for another user (e.g. whether a
// nosy recipient may view an issue).
func (tx *Tx) CanUser(userID, perm, class, prop, itemID string) bool {
	roles := tx.roles
	if userID != tx.userID {
		uc := tx.s.Schema.Class("user")
		if uc == nil {
			return false
		}
		u, err := tx.getRaw(uc, userID)
		if err != nil || u.Retired {
			return false
		}
		roles = ParseRoles(u.Str("roles"))
	}
	ok, _ := tx.can(roles, userID, perm, class, prop, itemID)
	return ok
}

func (tx *Tx) can(roles []string, userID, perm, class, prop, itemID string) (bool, error) {
	plain, checked := tx.s.Schema.Security.candidates(roles, perm, class, prop)
	if len(plain) > 0 {
		return true, nil
	}
	if len(checked) == 0 {
		return false, nil
	}
	if itemID == "" {
		// Roundup: without an item the check is not consulted and the
		// permission matches (a class-level question).
		return true, nil
	}
	c := tx.s.Schema.Class(class)
	if c == nil {
		return false, nil
	}
	for _, p := range checked {
		fn, arg, err := lookupCheck(p.Check)
		if err != nil {
			continue
		}
		ok, err := fn(tx, userID, c, itemID, arg)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// CanView reports whether the acting user may see a property of an item
// (the web's "[hidden]" rule).
func (tx *Tx) CanView(class, prop, itemID string) bool {
	return tx.Can("View", class, prop, itemID)
}

// CanSearch reports whether the acting user may filter, sort or group a
// class on a property path ("assignee.username"), Roundup's
// hasSearchPermission: every step needs a View (or Search) permission
// covering the property without an item check — a check cannot be
// answered for the items a search merely compares — and a Link or
// Multilink step also the target's id, label and order properties.
func (tx *Tx) CanSearch(class, path string) bool {
	return tx.checkSearch(tx.s.Schema.Class(class), path) == nil
}

func (tx *Tx) checkSearch(c *Class, path string) error {
	if c == nil {
		return fmt.Errorf("no such class: %w", ErrNotFound)
	}
	// A transaction without a user is the tracker's own lookup (the mail
	// gateway finding an author by address): no user's limits apply.
	if tx.sys > 0 || tx.userID == "" || tx.HasRole("admin") {
		return nil
	}
	refuse := func(cls, prop string) error {
		return &PermissionError{User: tx.userID, Permission: "Search", Class: cls, Prop: prop}
	}
	cls := c
	for _, part := range strings.Split(path, ".") {
		p := cls.Prop(part)
		if p == nil {
			return nil // reported as a bad property by the query builder
		}
		if !tx.searchable(cls.Name, part) {
			return refuse(cls.Name, part)
		}
		if !p.Kind.IsLink() {
			break
		}
		t := tx.s.Schema.Class(p.Class)
		if t == nil {
			break
		}
		for _, n := range []string{"id", t.Label(), t.Order()} {
			if !tx.searchable(t.Name, n) {
				return refuse(t.Name, n)
			}
		}
		cls = t
	}
	return nil
}

// searchable: a View or Search permission without a check covers prop.
func (tx *Tx) searchable(class, prop string) bool {
	for _, perm := range []string{"View", "Search"} {
		plain, _ := tx.s.Schema.Security.candidates(tx.roles, perm, class, prop)
		if len(plain) > 0 {
			return true
		}
	}
	return false
}
