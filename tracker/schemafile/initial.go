package schemafile

import (
	"fmt"
)

// Create is one item creation read from initial_data.py: Roundup's
// `db.getclass(Class).create(prop=value, ...)`. Props values are Go
// literals — string, int64, float64, bool, nil, []any (a tuple or list)
// — or NewID, PasswordSpec, DateSpec, IntervalSpec, or whatever value the
// caller bound in vars (adminpw). Line is where the call is, for the
// caller's own errors ("initial_data.py:12: ...").
type Create struct {
	Class string
	Props map[string]any
	Line  int
}

// NewID stands for the id of the item made by an earlier create() whose
// result was assigned to a name (`admin = db.user.create(...)`, then
// `assignedto=admin`). Index is that creation's position in the slice
// LoadInitialData returns; the caller replaces it by the real id once
// that item exists.
type NewID struct {
	Index int
}

// PasswordSpec is roundup.password.Password(...) in initial_data.py: a
// password given in clear (Plaintext) or already hashed (Encrypted, e.g.
// "{PBKDF2S5}..."). Scheme is the requested hash scheme, if any.
type PasswordSpec struct {
	Plaintext, Encrypted, Scheme string
}

// DateSpec is roundup.date.Date(SPEC): a date in Roundup's input syntax
// ("2024-01-31.13:00", "." for now), parsed by the caller.
type DateSpec string

// IntervalSpec is roundup.date.Interval(SPEC): "3d", "-1w 2d", "1:30".
type IntervalSpec string

// LoadInitialData evaluates initial_data.py, as Roundup's
// instance.init runs it at `roundup-admin initialise`, and returns the
// item creations in order (ids follow that order within each class). The
// names in vars are bound (Roundup binds adminpw and admin_email); `db`
// is bound, and so are `Password`, `password.Password`, `date.Date` and
// `date.Interval` (what `from roundup import ...` lines would bring).
//
// Accepted forms: `db.getclass('x').create(...)`, `x = db.getclass('x')`
// then `x.create(...)`, `db.x.create(...)`. The class names are not
// checked here; the caller applies the creations to its schema. create()
// returns a NewID placeholder that later creations may use as a value.
func LoadInitialData(name string, src []byte, vars map[string]any) ([]Create, error) {
	in := newInterp(name)
	stmts, err := parse(in.file, string(src))
	if err != nil {
		return nil, err
	}
	in.callHint = "initial_data.py may call db.getclass(NAME), CLASS.create(prop=value, ...), Password(...), date.Date(...) — see docs/schema-files.md"
	ie := &initEval{}
	for k, v := range vars {
		in.names[k] = v
	}
	in.names["db"] = &initDB{ie: ie}
	bindModules(in.names)
	if err := in.run(stmts); err != nil {
		return nil, err
	}
	return ie.creates, nil
}

type initEval struct {
	creates []Create
}

// initDB is initial_data.py's db: getclass(NAME) and db.NAME.
type initDB struct{ ie *initEval }

func (d *initDB) kind() string { return "database" }

func (d *initDB) attr(name string) (any, error) {
	switch name {
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
			return &classRef{ie: d.ie, name: n}, nil
		}}, nil
	case "security":
		return nil, &noAttr{"db.security belongs in schema.py: initial_data.py only creates items"}
	}
	return &classRef{ie: d.ie, name: name}, nil
}

// classRef is a class named in initial_data.py.
type classRef struct {
	ie   *initEval
	name string
}

func (r *classRef) kind() string { return "class " + r.name }

func (r *classRef) attr(name string) (any, error) {
	if name != "create" {
		return nil, errNoAttr
	}
	return &function{name: r.name + ".create", call: func(c *call) (any, error) {
		if len(c.args) > 0 {
			return nil, errAt(c.line, "%s() takes keyword arguments only: create(prop=value, ...)", c.fn)
		}
		props := make(map[string]any, len(c.kws))
		for _, k := range c.kws {
			v, err := createValue(k.val)
			if err != nil {
				return nil, errAt(k.line, "%s=: %v", k.name, err)
			}
			props[k.name] = v
		}
		r.ie.creates = append(r.ie.creates, Create{Class: r.name, Props: props, Line: c.line})
		return NewID{Index: len(r.ie.creates) - 1}, nil
	}}, nil
}

// createValue converts an evaluated value for Create.Props.
func createValue(v any) (any, error) {
	switch x := v.(type) {
	case Tuple:
		return createValue([]any(x))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			ev, err := createValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case *Dict:
		return nil, fmt.Errorf("a dict is not a property value")
	case *function, *classRef, *initDB, *module:
		return nil, fmt.Errorf("a %s is not a property value", typeName(v))
	}
	return v, nil
}

// bindModules binds what `from roundup import date, password` and `from
// roundup.password import Password` bring in Roundup trackers.
func bindModules(names map[string]any) {
	pw := &function{name: "password.Password", call: newPassword}
	date := &module{name: "date", funcs: map[string]*function{
		"Date":     {name: "date.Date", call: func(c *call) (any, error) { s, err := specArg(c); return DateSpec(s), err }},
		"Interval": {name: "date.Interval", call: func(c *call) (any, error) { s, err := specArg(c); return IntervalSpec(s), err }},
	}}
	names["date"] = date
	names["password"] = &module{name: "password", funcs: map[string]*function{"Password": pw}}
	if _, ok := names["Password"]; !ok {
		names["Password"] = &function{name: "Password", call: newPassword} // schema.py binds the property type instead
	}
}

func specArg(c *call) (string, error) {
	args, err := bindArgs(c, []string{"spec"})
	if err != nil {
		return "", err
	}
	s, ok, err := argString(args, "spec")
	if err == nil && !ok {
		err = errAt(c.line, "%s() needs a string", c.fn)
	}
	return s, err
}

// newPassword is roundup.password.Password(plaintext=None, scheme=None,
// encrypted=None, ...).
func newPassword(c *call) (any, error) {
	args, err := bindArgs(c, []string{"plaintext", "scheme", "encrypted"})
	if err != nil {
		return nil, err
	}
	var p PasswordSpec
	if p.Plaintext, _, err = argString(args, "plaintext"); err != nil {
		return nil, err
	}
	if p.Scheme, _, err = argString(args, "scheme"); err != nil {
		return nil, err
	}
	if p.Encrypted, _, err = argString(args, "encrypted"); err != nil {
		return nil, err
	}
	return p, nil
}
