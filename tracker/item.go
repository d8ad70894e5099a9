package tracker

import (
	"time"
)

// Values maps property names to Go values of the property's type (see
// Kind); nil means "not set". In Set, a nil value empties the property.
type Values map[string]any

// Item is one item's stored state. Values holds the declared properties
// (Multilinks as sorted id lists); FileClass content is loaded on demand
// with Tx.Content.
type Item struct {
	Class    *Class
	ID       string
	Values   Values
	Creation time.Time
	Activity time.Time
	Creator  string
	Actor    string
	Retired  bool
}

// Designator returns "issue42".
func (it *Item) Designator() string { return it.Class.Name + it.ID }

// Get returns a property value, the automatic ones included.
func (it *Item) Get(prop string) any {
	switch prop {
	case "id":
		return it.ID
	case "creation":
		return it.Creation
	case "activity":
		return it.Activity
	case "creator":
		return nilIfEmpty(it.Creator)
	case "actor":
		return nilIfEmpty(it.Actor)
	}
	return it.Values[prop]
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Str returns a String (or Link) property, "" when unset.
func (it *Item) Str(prop string) string {
	s, _ := it.Get(prop).(string)
	return s
}

// IDs returns a Multilink property (nil when empty).
func (it *Item) IDs(prop string) []string {
	l, _ := it.Values[prop].([]string)
	return l
}

// Clone returns a copy whose Values (and multilink slices) may be changed
// without touching the original.
func (it *Item) Clone() *Item {
	c := *it
	c.Values = make(Values, len(it.Values))
	for k, v := range it.Values {
		if l, ok := v.([]string); ok {
			v = append([]string(nil), l...)
		}
		c.Values[k] = v
	}
	return &c
}
