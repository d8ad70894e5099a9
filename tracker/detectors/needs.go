package detectors

import (
	"fmt"
	"slices"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// needs collects what one detector requires of the schema and reports
// everything missing in one error ("autonosy: class component has no
// property add_as_nosy; ...").
type needs struct {
	detector string
	schema   *tracker.Schema
	missing  []string
}

func newNeeds(detector string, s *tracker.Service) *needs {
	return &needs{detector: detector, schema: s.Schema}
}

func (n *needs) add(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !slices.Contains(n.missing, msg) {
		n.missing = append(n.missing, msg)
	}
}

// class requires a class (of any flavour).
func (n *needs) class(name string) *tracker.Class {
	c := n.schema.Class(name)
	if c == nil {
		n.add("no class %s", name)
	}
	return c
}

// fileClass requires a FileClass (content and type).
func (n *needs) fileClass(name string) *tracker.Class {
	c := n.class(name)
	if c != nil && !c.HasContent() {
		n.add("class %s is not a FileClass", name)
	}
	return c
}

// keyed requires a class with a key property, since the detector looks
// items up by name ("open", "normal", "patch").
func (n *needs) keyed(name string) *tracker.Class {
	c := n.class(name)
	if c != nil && c.KeyProp == "" {
		n.add("class %s has no key property", name)
	}
	return c
}

// prop requires a property of one of the given kinds (any kind when
// none is given).
func (n *needs) prop(class, name string, kinds ...tracker.Kind) *tracker.Property {
	c := n.class(class)
	if c == nil {
		return nil
	}
	p := c.Prop(name)
	if p == nil || p.Protected {
		n.add("class %s has no property %s", class, name)
		return nil
	}
	if len(kinds) > 0 && !slices.Contains(kinds, p.Kind) {
		var ks []string
		for _, k := range kinds {
			ks = append(ks, k.String())
		}
		n.add("%s.%s is a %s, not a %s", class, name, p.Kind, strings.Join(ks, " or "))
		return nil
	}
	return p
}

// link requires a Link or Multilink (kind) to target.
func (n *needs) link(class, name string, kind tracker.Kind, target string) *tracker.Property {
	p := n.prop(class, name, kind)
	if p == nil {
		return nil
	}
	if p.Class != target {
		n.add("%s.%s links to %s, not to %s", class, name, p.Class, target)
		return nil
	}
	return p
}

// optional returns a property when the class declares it, else nil.
func (n *needs) optional(class, name string) *tracker.Property {
	c := n.schema.Class(class)
	if c == nil {
		return nil
	}
	if p := c.Prop(name); p != nil && !p.Protected {
		return p
	}
	return nil
}

// problem records a configuration problem.
func (n *needs) problem(format string, args ...any) { n.add(format, args...) }

// err returns the collected problems as one error, or nil.
func (n *needs) err() error {
	if len(n.missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", n.detector, strings.Join(n.missing, "; "))
}
