package tracker

import (
	"fmt"
	"sort"
	"strings"
)

// Kind is a property type of Roundup's hyperdb (roundup/hyperdb.py).
type Kind uint8

// The nine property types. Go values held in Values: String string,
// Number float64, Integer int64, Boolean bool, Date time.Time (UTC, ms),
// Interval Interval, Password Password, Link string (an id), Multilink
// []string (ids in ascending numeric order); nil means "not set".
const (
	String Kind = iota + 1
	Number
	Integer
	Boolean
	Date
	IntervalKind
	PasswordKind
	Link
	Multilink
)

var kindNames = map[Kind]string{
	String: "String", Number: "Number", Integer: "Integer", Boolean: "Boolean",
	Date: "Date", IntervalKind: "Interval", PasswordKind: "Password",
	Link: "Link", Multilink: "Multilink",
}

func (k Kind) String() string { return kindNames[k] }

// IsLink reports whether k refers to items of another class.
func (k Kind) IsLink() bool { return k == Link || k == Multilink }

// Property describes one property of a class, as declared in schema.py
// (`status=Link('status')`, `title=String(indexme='yes')`).
type Property struct {
	Name string
	Kind Kind
	// Class is the target class of a Link or Multilink.
	Class string
	// Indexme puts a String into the full-text index (Roundup indexme='yes').
	Indexme bool
	// Quiet properties are journalled but hidden from history, change
	// notes and edit confirmations (Roundup 2.0 quiet=True).
	Quiet bool
	// Required: a create or set must leave a value.
	Required bool
	// NoJournal is Roundup's do_journal='no' on Link/Multilink: no
	// link/unlink entries are written on the target item.
	NoJournal bool
	// Default is default_value, already converted to the property's Go type.
	Default any
	// RevMultilink names a computed reverse multilink on the target class.
	RevMultilink string
	// MsgHeaderProperty names the property of the linked item that goes
	// into X-Roundup-issue-<prop> mail headers.
	MsgHeaderProperty string
	// UseDouble is Number(use_double=True); kept for specification output.
	UseDouble bool
	// Protected marks the automatic properties id, creation, activity,
	// creator and actor, which no one sets directly.
	Protected bool
	// Computed marks a reverse multilink: read-only, derived from the
	// forward property (Property.Reverse names it as "class.prop").
	Computed bool
	Reverse  string
}

// ClassKind distinguishes Roundup's three class flavours.
type ClassKind uint8

// Class flavours: Class, FileClass (content + type) and IssueClass (title,
// messages, files, nosy, superseder and the nosy-mail machinery).
const (
	PlainClass ClassKind = iota
	FileClass
	IssueClass
)

func (k ClassKind) String() string {
	return [...]string{"Class", "FileClass", "IssueClass"}[k]
}

// Class is a schema class: its name, flavour and properties in declaration
// order (the IssueClass/FileClass defaults after the declared ones, as
// Roundup's `specification` prints them).
type Class struct {
	Name  string
	Kind  ClassKind
	Props []*Property
	// KeyProp is set by setkey(): a unique String among active items.
	KeyProp string
	// LabelPropName and OrderPropName are setlabelprop()/setorderprop();
	// use Label() and Order() for the effective values.
	LabelPropName string
	OrderPropName string
	// NoJournal is disableJournalling().
	NoJournal bool

	byName map[string]*Property
}

// The automatic properties every item has (Roundup hyperdb: id, creation,
// activity, creator, actor).
var protectedProps = []*Property{
	{Name: "id", Kind: String, Protected: true},
	{Name: "creation", Kind: Date, Protected: true},
	{Name: "activity", Kind: Date, Protected: true},
	{Name: "creator", Kind: Link, Class: "user", Protected: true},
	{Name: "actor", Kind: Link, Class: "user", Protected: true},
}

// ProtectedProps lists the automatic properties of every class.
func ProtectedProps() []*Property { return protectedProps }

// Prop returns the named property (declared or automatic) or nil.
func (c *Class) Prop(name string) *Property {
	if p := c.byName[name]; p != nil {
		return p
	}
	for _, p := range protectedProps {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// HasContent reports whether items keep a content blob (FileClass).
func (c *Class) HasContent() bool { return c.Kind == FileClass }

// Label returns the property shown for links to this class: setlabelprop,
// else the key, else "name", else "title", else "id" (Roundup's
// Class.labelprop default order; Roundup falls back to the first property
// alphabetically only when none of these exist, we use id then).
func (c *Class) Label() string {
	if c.LabelPropName != "" {
		return c.LabelPropName
	}
	if c.KeyProp != "" {
		return c.KeyProp
	}
	for _, n := range []string{"name", "title"} {
		if p := c.byName[n]; p != nil && p.Kind == String {
			return n
		}
	}
	return "id"
}

// Order returns the property links to this class sort by: setorderprop,
// else "order" when declared, else the label (Roundup Class.orderprop).
func (c *Class) Order() string {
	if c.OrderPropName != "" {
		return c.OrderPropName
	}
	if c.byName["order"] != nil {
		return "order"
	}
	return c.Label()
}

// StoredProps returns the declared properties that are stored (not
// computed reverse multilinks), content included for FileClass.
func (c *Class) StoredProps() []*Property {
	out := make([]*Property, 0, len(c.Props))
	for _, p := range c.Props {
		if !p.Computed {
			out = append(out, p)
		}
	}
	return out
}

// PropNames returns the declared property names sorted, as Roundup's
// `display` and export header order them.
func (c *Class) PropNames() []string {
	names := make([]string, 0, len(c.Props))
	for _, p := range c.Props {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}

// Schema is a tracker's set of classes plus its security declarations.
type Schema struct {
	Classes  []*Class
	Security *Security

	byName map[string]*Class
}

// NewSchema returns an empty schema whose Security already holds Roundup's
// built-in roles and global permissions.
func NewSchema() *Schema {
	return &Schema{byName: map[string]*Class{}, Security: NewSecurity()}
}

// Class returns the named class or nil.
func (s *Schema) Class(name string) *Class { return s.byName[name] }

// MustClass returns the named class or an error wrapping ErrNotFound with
// Roundup's wording.
func (s *Schema) MustClass(name string) (*Class, error) {
	if c := s.byName[name]; c != nil {
		return c, nil
	}
	return nil, fmt.Errorf("no such class %q: %w", name, ErrNotFound)
}

// ClassNames returns all class names sorted.
func (s *Schema) ClassNames() []string {
	names := make([]string, 0, len(s.Classes))
	for _, c := range s.Classes {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return names
}

// AddClass declares a class. The IssueClass and FileClass default
// properties are appended unless declared, as in Roundup. Every class gets
// its Create/Edit/View/Retire/Restore/Search permissions (no role).
func (s *Schema) AddClass(name string, kind ClassKind, props []*Property) (*Class, error) {
	if !validName(name) {
		return nil, fmt.Errorf("class name %q: must start with a letter and hold only letters, digits and _", name)
	}
	if s.byName[name] != nil {
		return nil, fmt.Errorf("class %q declared twice", name)
	}
	c := &Class{Name: name, Kind: kind, byName: map[string]*Property{}}
	for _, p := range props {
		if err := c.addProp(p); err != nil {
			return nil, err
		}
	}
	var defaults []*Property
	switch kind {
	case FileClass:
		defaults = []*Property{
			{Name: "content", Kind: String, Indexme: true},
			{Name: "type", Kind: String},
		}
	case IssueClass:
		defaults = []*Property{
			{Name: "title", Kind: String, Indexme: true},
			{Name: "messages", Kind: Multilink, Class: "msg"},
			{Name: "files", Kind: Multilink, Class: "file"},
			{Name: "nosy", Kind: Multilink, Class: "user", NoJournal: true},
			{Name: "superseder", Kind: Multilink, Class: name},
		}
	}
	for _, p := range defaults {
		if c.byName[p.Name] == nil {
			if err := c.addProp(p); err != nil {
				return nil, err
			}
		}
	}
	s.Classes = append(s.Classes, c)
	s.byName[name] = c
	s.Security.addClass(name)
	return c, nil
}

func (c *Class) addProp(p *Property) error {
	if !validName(p.Name) {
		return fmt.Errorf("class %s: property name %q is not valid", c.Name, p.Name)
	}
	for _, pp := range protectedProps {
		if pp.Name == p.Name {
			return fmt.Errorf("class %s: property %q is automatic and cannot be declared", c.Name, p.Name)
		}
	}
	if c.byName[p.Name] != nil {
		return fmt.Errorf("class %s: property %q declared twice", c.Name, p.Name)
	}
	c.Props = append(c.Props, p)
	c.byName[p.Name] = p
	return nil
}

// Finish validates cross references (Link targets exist, key/label/order
// properties exist) and creates the computed reverse multilinks. Call it
// once after all classes are declared.
func (s *Schema) Finish() error {
	var errs []string
	for _, c := range s.Classes {
		for _, p := range c.Props {
			if p.Kind.IsLink() && s.byName[p.Class] == nil {
				errs = append(errs, fmt.Sprintf("class %s property %s: links to unknown class %q", c.Name, p.Name, p.Class))
			}
		}
		for what, n := range map[string]string{"key": c.KeyProp, "label": c.LabelPropName, "order": c.OrderPropName} {
			if n != "" && c.Prop(n) == nil {
				errs = append(errs, fmt.Sprintf("class %s: %s property %q does not exist", c.Name, what, n))
			}
		}
		if c.KeyProp != "" {
			if p := c.Prop(c.KeyProp); p != nil && p.Kind != String {
				errs = append(errs, fmt.Sprintf("class %s: key property %q must be a String", c.Name, c.KeyProp))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("schema: %s", strings.Join(errs, "; "))
	}
	for _, c := range s.Classes {
		for _, p := range c.Props {
			if p.RevMultilink == "" || p.Computed {
				continue
			}
			t := s.byName[p.Class]
			if t.byName[p.RevMultilink] != nil {
				continue
			}
			_ = t.addProp(&Property{Name: p.RevMultilink, Kind: Multilink, Class: c.Name,
				Computed: true, Reverse: c.Name + "." + p.Name})
		}
	}
	return s.Security.validate(s)
}

func validName(n string) bool {
	if n == "" {
		return false
	}
	for i, r := range n {
		switch {
		case r == '_', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// SplitDesignator splits "issue42" into ("issue", "42"); ok is false when s
// is not a class name followed by a positive number. Leading zeros are
// stripped, as Roundup's URL parser does.
func SplitDesignator(s string) (class, id string, ok bool) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == 0 || i == len(s) || !validName(s[:i]) {
		return "", "", false
	}
	id = strings.TrimLeft(s[i:], "0")
	if id == "" {
		return "", "", false
	}
	return s[:i], id, true
}
