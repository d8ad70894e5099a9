package detectors

import (
	"errors"
	"fmt"
	"slices"

	"github.com/corral-tracker/corral/tracker"
)

// lookup returns the id of the active item of class whose key is key, or
// "" when there is none (Roundup's Class.lookup raising KeyError, which
// the detectors here treat as "this tracker has no such value").
func lookup(tx *tracker.Tx, class, key string) (string, error) {
	id, err := tx.Lookup(class, key)
	if errors.Is(err, tracker.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("looking up %s %q: %w", class, key, err)
	}
	return id, nil
}

// current returns the value a property will have after the change: the
// new one when the change sets it, else the stored one (nil on create).
func current(ch *tracker.Change, prop string) any {
	if v, ok := ch.New[prop]; ok {
		return v
	}
	if ch.Old != nil {
		return ch.Old.Values[prop]
	}
	return nil
}

// currentStr is current for Link and String properties.
func currentStr(ch *tracker.Change, prop string) string {
	s, _ := current(ch, prop).(string)
	return s
}

// currentIDs is current for Multilink properties.
func currentIDs(ch *tracker.Change, prop string) []string {
	l, _ := current(ch, prop).([]string)
	return l
}

// oldIDs returns a Multilink's stored value (nil on create).
func oldIDs(ch *tracker.Change, prop string) []string {
	if ch.Old == nil {
		return nil
	}
	return ch.Old.IDs(prop)
}

// oldStr returns a Link or String's stored value ("" on create).
func oldStr(ch *tracker.Change, prop string) string {
	if ch.Old == nil {
		return ""
	}
	return ch.Old.Str(prop)
}

// newIDs returns the Multilink value the change sets, and whether it sets
// one.
func newIDs(ch *tracker.Change, prop string) ([]string, bool) {
	v, ok := ch.New[prop]
	if !ok {
		return nil, false
	}
	l, _ := v.([]string)
	return l, true
}

// addedIDs returns the ids the change adds to a Multilink (all of them on
// create), in id order.
func addedIDs(ch *tracker.Change, prop string) []string {
	l, ok := newIDs(ch, prop)
	if !ok {
		return nil
	}
	old := oldIDs(ch, prop)
	var out []string
	for _, id := range l {
		if !slices.Contains(old, id) {
			out = append(out, id)
		}
	}
	return out
}

// withIDs returns ids plus more, sorted and without repeats, as a new
// slice (values in a Change are never modified in place).
func withIDs(ids []string, more ...string) []string {
	out := append(append([]string(nil), ids...), more...)
	tracker.SortIDs(out)
	return slices.Compact(out)
}

// sameIDs reports whether two id lists hold the same ids.
func sameIDs(a, b []string) bool {
	return slices.Equal(withIDs(a), withIDs(b))
}

// number converts n into the Go value of a Number or Integer property.
func number(p *tracker.Property, n int) any {
	if p.Kind == tracker.Integer {
		return int64(n)
	}
	return float64(n)
}
