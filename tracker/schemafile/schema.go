package schemafile

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/corral-tracker/corral/tracker"
)

// Load reads and evaluates a tracker home's schema.py (see LoadSchema).
func Load(path string) (*tracker.Schema, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading schema: %w", err)
	}
	return LoadSchema(path, src)
}

// LoadSchema evaluates the schema.py source src, as Roundup's
// instance.open runs it with exec(): `db`, `Class`, `FileClass`,
// `IssueClass` and the property types String, Number, Integer, Boolean,
// Date, Interval, Password, Link and Multilink are bound; classes,
// key/label/order properties, roles and permissions are declared on a new
// tracker.Schema, which is then finished (tracker.Schema.Finish). name is
// the file's path or name; errors are *Error values reading
// "schema.py:LINE: message" with the base name.
//
// Keyword options are Roundup's (roundup/hyperdb.py); an unknown one is
// an error naming it. Accepted but without effect in Corral: Date's
// offset, display_time and format, Password's scheme, and
// try_id_parsing on links. default_value is converted to the property's
// Go type (tracker.Property.Default); Date, Interval, Password and Link
// defaults stay as written (a string).
func LoadSchema(name string, src []byte) (*tracker.Schema, error) {
	s, err := declare(name, src)
	if err != nil {
		return nil, err
	}
	if err := s.Finish(); err != nil {
		return nil, &Error{File: filepath.Base(name), Msg: err.Error()}
	}
	return s, nil
}

// declare is LoadSchema without the final Finish.
func declare(name string, src []byte) (*tracker.Schema, error) {
	se := &schemaEval{
		in:        newInterp(name),
		s:         tracker.NewSchema(),
		propLines: map[*tracker.Property]int{},
		permLines: map[*tracker.Permission]int{},
	}
	stmts, err := parse(se.in.file, string(src))
	if err != nil {
		return nil, err
	}
	se.bind()
	if err := se.in.run(stmts); err != nil {
		return nil, err
	}
	if err := se.validate(); err != nil {
		return nil, se.in.fix(err, 0)
	}
	return se.s, nil
}

type schemaEval struct {
	in *interp
	s  *tracker.Schema
	// lines of declarations whose references are checked at the end,
	// when every class is known
	propLines map[*tracker.Property]int
	permLines map[*tracker.Permission]int
	permOrder []*tracker.Permission
}

// propParams are the keyword parameters of Roundup's property types,
// in positional order (roundup/hyperdb.py).
var propParams = map[string]struct {
	kind   tracker.Kind
	params []string
}{
	"String":    {tracker.String, []string{"indexme", "required", "default_value", "quiet"}},
	"Password":  {tracker.PasswordKind, []string{"scheme", "required", "default_value", "quiet"}},
	"Date":      {tracker.Date, []string{"offset", "required", "default_value", "quiet", "display_time", "format"}},
	"Interval":  {tracker.IntervalKind, []string{"required", "default_value", "quiet"}},
	"Boolean":   {tracker.Boolean, []string{"required", "default_value", "quiet"}},
	"Integer":   {tracker.Integer, []string{"required", "default_value", "quiet"}},
	"Number":    {tracker.Number, []string{"use_double", "required", "default_value", "quiet"}},
	"Link":      {tracker.Link, []string{"classname", "do_journal", "try_id_parsing", "required", "default_value", "msg_header_property", "quiet", "rev_multilink"}},
	"Multilink": {tracker.Multilink, []string{"classname", "do_journal", "required", "quiet", "try_id_parsing", "rev_multilink"}},
}

const schemaCalls = "schema.py may call Class, FileClass, IssueClass, String, Number, Integer, Boolean, Date, Interval, Password, Link, Multilink, " +
	"CLASS.setkey/setlabelprop/setorderprop/disableJournalling, db.getclass, db.security.addRole/addPermission/addPermissionToRole — see docs/schema-files.md"

func (se *schemaEval) bind() {
	se.in.callHint = schemaCalls
	se.in.names["db"] = &dbObj{se: se}
	for name, kind := range map[string]tracker.ClassKind{"Class": tracker.PlainClass, "FileClass": tracker.FileClass, "IssueClass": tracker.IssueClass} {
		se.in.names[name] = &function{name: name, call: func(c *call) (any, error) { return se.newClass(c, kind) }}
	}
	for name := range propParams {
		se.in.names[name] = &function{name: name, call: func(c *call) (any, error) { return newProp(c) }}
	}
	bindModules(se.in.names)
}

// propSpec is an evaluated String(), Link('user'), ... not yet given to a
// class.
type propSpec struct {
	p tracker.Property
}

func newProp(c *call) (any, error) {
	spec := propParams[c.fn]
	args, err := bindArgs(c, spec.params)
	if err != nil {
		return nil, err
	}
	ps := &propSpec{p: tracker.Property{Kind: spec.kind}}
	p := &ps.p
	if p.Kind.IsLink() {
		cl, ok, err := argString(args, "classname")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errAt(c.line, "%s() needs the class it links to: %s('user')", c.fn, c.fn)
		}
		p.Class = cl
		journal, err := argYesNo(args, "do_journal", true)
		if err != nil {
			return nil, err
		}
		p.NoJournal = !journal
		if _, err := argYesNo(args, "try_id_parsing", true); err != nil {
			return nil, err
		}
		if p.RevMultilink, _, err = argString(args, "rev_multilink"); err != nil {
			return nil, err
		}
		if p.MsgHeaderProperty, _, err = argString(args, "msg_header_property"); err != nil {
			return nil, err
		}
	}
	if p.Indexme, err = argYesNo(args, "indexme", false); err != nil {
		return nil, err
	}
	if p.Required, err = argBool(args, "required"); err != nil {
		return nil, err
	}
	if p.Quiet, err = argBool(args, "quiet"); err != nil {
		return nil, err
	}
	if p.UseDouble, err = argBool(args, "use_double"); err != nil {
		return nil, err
	}
	if a, ok := args["default_value"]; ok && a.val != nil {
		if p.Default, err = convertDefault(p.Kind, a.val); err != nil {
			return nil, errAt(a.line, "default_value: %v", err)
		}
	}
	return ps, nil
}

// convertDefault turns a default_value into the Go type of its property.
func convertDefault(k tracker.Kind, v any) (any, error) {
	switch k {
	case tracker.String:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case tracker.Number:
		switch n := v.(type) {
		case int64:
			return float64(n), nil
		case float64:
			return n, nil
		}
	case tracker.Integer:
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case tracker.Boolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case tracker.Link:
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		}
	case tracker.Date, tracker.IntervalKind, tracker.PasswordKind:
		switch x := v.(type) {
		case string:
			return x, nil
		case DateSpec:
			return string(x), nil
		case IntervalSpec:
			return string(x), nil
		case PasswordSpec:
			return x.Plaintext, nil
		}
	}
	return nil, fmt.Errorf("%s does not fit a %s property", Repr(v), k)
}

// newClass evaluates Class(db, NAME, prop=Type(), ...) and its flavours.
func (se *schemaEval) newClass(c *call, kind tracker.ClassKind) (any, error) {
	if len(c.args) != 2 {
		return nil, errAt(c.line, "%s() takes db and the class name, then properties as keywords: %s(db, \"name\", prop=String())", c.fn, c.fn)
	}
	if _, ok := c.args[0].(*dbObj); !ok {
		return nil, errAt(c.line, "%s(): the first argument must be db", c.fn)
	}
	name, ok := c.args[1].(string)
	if !ok {
		return nil, errAt(c.line, "%s(): the class name must be a string, not %s", c.fn, typeName(c.args[1]))
	}
	props := make([]*tracker.Property, 0, len(c.kws))
	for _, k := range c.kws {
		ps, ok := k.val.(*propSpec)
		if !ok {
			return nil, errAt(k.line, "property %s must be a property type such as String() or Link('user'), not %s", k.name, typeName(k.val))
		}
		p := ps.p // each class gets its own copy
		p.Name = k.name
		props = append(props, &p)
		se.propLines[&p] = k.line
	}
	cl, err := se.s.AddClass(name, kind, props)
	if err != nil {
		return nil, err
	}
	return &classObj{se: se, c: cl}, nil
}

// dbObj is schema.py's db: getclass, db.CLASS and db.security.
type dbObj struct{ se *schemaEval }

func (d *dbObj) kind() string { return "database" }

func (d *dbObj) attr(name string) (any, error) {
	switch name {
	case "security":
		return &secObj{se: d.se}, nil
	case "getclass":
		return &function{name: "db.getclass", call: func(c *call) (any, error) {
			args, err := bindArgs(c, []string{"classname"})
			if err != nil {
				return nil, err
			}
			n, ok, err := argString(args, "classname")
			if err != nil || !ok {
				return nil, errAt(c.line, "db.getclass() needs a class name")
			}
			return d.class(n)
		}}, nil
	}
	if d.se.s.Class(name) == nil {
		return nil, &noAttr{fmt.Sprintf("db.%s: there is no class called %q (declare it earlier in schema.py)", name, name)}
	}
	return d.class(name)
}

func (d *dbObj) class(name string) (any, error) {
	cl := d.se.s.Class(name)
	if cl == nil {
		return nil, fmt.Errorf("there is no class called %q (declare it earlier in schema.py)", name)
	}
	return &classObj{se: d.se, c: cl}, nil
}

// classObj is a declared class: user = Class(db, "user", ...).
type classObj struct {
	se *schemaEval
	c  *tracker.Class
}

func (o *classObj) kind() string { return "class " + o.c.Name }

func (o *classObj) attr(name string) (any, error) {
	c := o.c
	switch name {
	case "setkey", "setlabelprop", "setorderprop":
		return &function{name: c.Name + "." + name, call: func(cl *call) (any, error) {
			args, err := bindArgs(cl, []string{"propname"})
			if err != nil {
				return nil, err
			}
			pn, ok, err := argString(args, "propname")
			if err != nil || !ok {
				return nil, errAt(cl.line, "%s() needs a property name", cl.fn)
			}
			p := c.Prop(pn)
			if p == nil {
				return nil, errAt(cl.line, "class %s has no property %q", c.Name, pn)
			}
			switch name {
			case "setkey":
				if p.Kind != tracker.String {
					return nil, errAt(cl.line, "class %s: key property %q must be a String, not %s", c.Name, pn, p.Kind)
				}
				c.KeyProp = pn
			case "setlabelprop":
				c.LabelPropName = pn
			case "setorderprop":
				c.OrderPropName = pn
			}
			return nil, nil
		}}, nil
	case "disableJournalling", "enableJournalling":
		return &function{name: c.Name + "." + name, call: func(cl *call) (any, error) {
			if _, err := bindArgs(cl, nil); err != nil {
				return nil, err
			}
			c.NoJournal = name == "disableJournalling"
			return nil, nil
		}}, nil
	}
	return nil, errNoAttr
}

// validate checks what may only be checked once every class is declared
// — link targets and the classes permissions name — so the error can
// carry the declaring line. Property names in permissions are not
// checked: Roundup accepts unknown ones (bpo's file and msg share one
// list) and only `roundup-admin security` reports them.
func (se *schemaEval) validate() error {
	for _, c := range se.s.Classes {
		for _, p := range c.Props {
			if p.Kind.IsLink() && !p.Computed && se.s.Class(p.Class) == nil {
				return errAt(se.propLines[p], "class %s property %s: %s to unknown class %q", c.Name, p.Name, p.Kind, p.Class)
			}
		}
	}
	for _, p := range se.permOrder {
		if p.Class == "" {
			continue
		}
		if se.s.Class(p.Class) == nil {
			return errAt(se.permLines[p], "permission %q: there is no class %q", p.Name, p.Class)
		}
	}
	return nil
}
