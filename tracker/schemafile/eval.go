package schemafile

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// This file holds the evaluator shared by schema.py and initial_data.py:
// names, attribute access, calls of built-in functions, literals and +.

// function is a callable built-in: a constructor (String, Class), a
// method bound to its receiver (user.setkey) or a module function.
type function struct {
	name string
	call func(c *call) (any, error)
}

// call is one call's evaluated arguments.
type call struct {
	line int
	fn   string
	args []any
	kws  []kwArg
}

type kwArg struct {
	name string
	val  any
	line int
}

// object is a value with attributes (db, db.security, a class).
type object interface {
	// attr returns the attribute, or errNoAttr, or a specific error.
	attr(name string) (any, error)
}

var errNoAttr = errors.New("no such attribute")

// noAttr is errNoAttr with a better message for plain attribute access
// (a call of a missing attribute still reads "unknown function").
type noAttr struct{ msg string }

func (e *noAttr) Error() string        { return e.msg }
func (e *noAttr) Is(target error) bool { return target == errNoAttr }

type interp struct {
	file  string
	names map[string]any
	// callHint ends "unknown function" errors: what may be called here.
	callHint string
}

func newInterp(name string) *interp {
	return &interp{file: filepath.Base(name), names: map[string]any{}}
}

// errAt builds a positioned error; run fills in the file name.
func errAt(line int, format string, args ...any) error {
	return &Error{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// run evaluates the statements in order, stopping at the first error.
func (in *interp) run(stmts []stmt) error {
	for _, s := range stmts {
		v, err := in.eval(s.expr)
		if err != nil {
			return in.fix(err, s.line)
		}
		for _, t := range s.targets {
			in.names[t] = v
		}
	}
	return nil
}

// fix gives err the file name and, when it has none, the line.
func (in *interp) fix(err error, line int) error {
	var e *Error
	if !errors.As(err, &e) {
		return &Error{File: in.file, Line: line, Msg: err.Error()}
	}
	if e.File == "" {
		e.File = in.file
	}
	if e.Line == 0 {
		e.Line = line
	}
	return e
}

func (in *interp) eval(n node) (any, error) {
	switch n := n.(type) {
	case *constNode:
		return n.val, nil
	case *nameNode:
		v, ok := in.names[n.name]
		if !ok {
			return nil, errAt(n.line, "name %s is not defined", n.name)
		}
		return v, nil
	case *attrNode:
		x, err := in.eval(n.x)
		if err != nil {
			return nil, err
		}
		return in.attr(x, n)
	case *callNode:
		return in.call(n)
	case *seqNode:
		out := make([]any, len(n.elts))
		for i, e := range n.elts {
			v, err := in.eval(e)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		if n.tuple {
			return Tuple(out), nil
		}
		return out, nil
	case *dictNode:
		d := &Dict{Values: map[string]any{}}
		for i, k := range n.keys {
			kv, err := in.eval(k)
			if err != nil {
				return nil, err
			}
			ks, ok := kv.(string)
			if !ok {
				return nil, errAt(k.pos(), "dict keys must be strings, not %s", typeName(kv))
			}
			v, err := in.eval(n.vals[i])
			if err != nil {
				return nil, err
			}
			d.Set(ks, v)
		}
		return d, nil
	case *addNode:
		return in.add(n)
	case *negNode:
		x, err := in.eval(n.x)
		if err != nil {
			return nil, err
		}
		switch v := x.(type) {
		case int64:
			if n.neg {
				return -v, nil
			}
			return v, nil
		case float64:
			if n.neg {
				return -v, nil
			}
			return v, nil
		}
		return nil, errAt(n.line, "bad operand type for unary minus: %s", typeName(x))
	}
	return nil, fmt.Errorf("internal error: unknown node %T", n)
}

func (in *interp) attr(x any, n *attrNode) (any, error) {
	if o, ok := x.(object); ok {
		v, err := o.attr(n.name)
		if err == nil {
			return v, nil
		}
		if err != errNoAttr { // a specific message, noAttr included
			return nil, errAt(n.line, "%v", err)
		}
	}
	return nil, errAt(n.line, "%s has no attribute %s", dotted(n.x), n.name)
}

func (in *interp) call(n *callNode) (any, error) {
	name := dotted(n.fn)
	var fv any
	var err error
	switch f := n.fn.(type) {
	case *nameNode:
		var ok bool
		if fv, ok = in.names[f.name]; !ok {
			return nil, errAt(n.line, "unknown function %s: %s", name, in.callHint)
		}
	case *attrNode:
		x, err := in.eval(f.x)
		if err != nil {
			return nil, err
		}
		o, ok := x.(object)
		if !ok {
			return nil, errAt(n.line, "unknown function %s: %s", name, in.callHint)
		}
		fv, err = o.attr(f.name)
		if errors.Is(err, errNoAttr) {
			return nil, errAt(n.line, "unknown function %s: %s", name, in.callHint)
		}
		if err != nil {
			return nil, errAt(n.line, "%v", err)
		}
	default:
		if fv, err = in.eval(n.fn); err != nil {
			return nil, err
		}
	}
	fn, ok := fv.(*function)
	if !ok {
		return nil, errAt(n.line, "%s is not callable (it is a %s)", name, typeName(fv))
	}
	c := &call{line: n.line, fn: fn.name}
	for _, a := range n.args {
		v, err := in.eval(a)
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, v)
	}
	for _, k := range n.kws {
		if k.name == "filter" && fn.name == "db.security.addPermission" {
			return nil, errAt(k.line, "addPermission(filter=...) is not supported: Python functions are not run")
		}
		if k.name == "check" {
			if err := in.checkArg(k); err != nil {
				return nil, err
			}
		}
		v, err := in.eval(k.val)
		if err != nil {
			return nil, err
		}
		c.kws = append(c.kws, kwArg{name: k.name, val: v, line: k.line})
	}
	v, err := fn.call(c)
	if err != nil {
		return nil, in.fix(err, n.line)
	}
	return v, nil
}

// checkArg explains check=FUNCTION: Python check functions are replaced
// by named checks (docs/schema-files.md).
func (in *interp) checkArg(k kwNode) error {
	var fn string
	switch v := k.val.(type) {
	case *nameNode:
		if _, ok := in.names[v.name]; ok {
			return nil
		}
		fn = v.name
	case *callNode:
		fn = dotted(v.fn)
	default:
		return nil
	}
	if slices.Contains(tracker.CheckNames(), fn) {
		return errAt(k.line, "check=%s refers to a Python function, which is not run: write check=%q — see docs/schema-files.md", dotted(k.val), fn)
	}
	return errAt(k.line, "check=%s refers to a Python function, which is not run: use a named check, one of %s — see docs/schema-files.md",
		dotted(k.val), strings.Join(tracker.CheckNames(), ", "))
}

func (in *interp) add(n *addNode) (any, error) {
	x, err := in.eval(n.x)
	if err != nil {
		return nil, err
	}
	y, err := in.eval(n.y)
	if err != nil {
		return nil, err
	}
	switch a := x.(type) {
	case string:
		if b, ok := y.(string); ok {
			return a + b, nil
		}
	case Tuple:
		if b, ok := y.(Tuple); ok {
			return append(append(Tuple{}, a...), b...), nil
		}
	case []any:
		if b, ok := y.([]any); ok {
			return append(append([]any{}, a...), b...), nil
		}
	case int64:
		switch b := y.(type) {
		case int64:
			return a + b, nil
		case float64:
			return float64(a) + b, nil
		}
	case float64:
		switch b := y.(type) {
		case int64:
			return a + float64(b), nil
		case float64:
			return a + b, nil
		}
	}
	return nil, errAt(n.line, "cannot add %s and %s: + joins strings, tuples or lists", typeName(x), typeName(y))
}

// dotted renders a callee for messages: db.security.addRole.
func dotted(n node) string {
	switch n := n.(type) {
	case *nameNode:
		return n.name
	case *attrNode:
		return dotted(n.x) + "." + n.name
	case *callNode:
		return dotted(n.fn) + "(...)"
	case *constNode:
		return Repr(n.val)
	}
	return "expression"
}

// typeName is the Python type name of an evaluated value.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "None"
	case string:
		return "str"
	case int64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case Tuple:
		return "tuple"
	case []any:
		return "list"
	case *Dict:
		return "dict"
	case *function:
		return "function"
	case *propSpec:
		return "property type"
	case *tracker.Permission:
		return "permission"
	}
	if o, ok := v.(interface{ kind() string }); ok {
		return o.kind()
	}
	return fmt.Sprintf("%T", v)
}

// bindArgs matches a call's arguments to a Python signature: positional
// arguments fill params in order, keywords by name. Unknown keywords and
// surplus arguments are errors naming them.
func bindArgs(c *call, params []string) (map[string]kwArg, error) {
	if len(c.args) > len(params) {
		return nil, errAt(c.line, "%s() takes at most %d positional arguments (%d given)", c.fn, len(params), len(c.args))
	}
	out := make(map[string]kwArg, len(c.args)+len(c.kws))
	for i, a := range c.args {
		out[params[i]] = kwArg{name: params[i], val: a, line: c.line}
	}
	for _, k := range c.kws {
		if !slices.Contains(params, k.name) {
			return nil, errAt(k.line, "%s() got an unknown keyword argument %s (accepted: %s)", c.fn, k.name, strings.Join(params, ", "))
		}
		if _, dup := out[k.name]; dup {
			return nil, errAt(k.line, "%s() got multiple values for argument %s", c.fn, k.name)
		}
		out[k.name] = k
	}
	return out, nil
}

// argString returns a string argument; ok is false when absent or None.
func argString(args map[string]kwArg, name string) (s string, ok bool, err error) {
	a, present := args[name]
	if !present || a.val == nil {
		return "", false, nil
	}
	s, isStr := a.val.(string)
	if !isStr {
		return "", false, errAt(a.line, "%s must be a string, not %s", name, typeName(a.val))
	}
	return s, true, nil
}

// argBool returns a True/False argument (absent or None is false).
func argBool(args map[string]kwArg, name string) (bool, error) {
	a, ok := args[name]
	if !ok || a.val == nil {
		return false, nil
	}
	b, isBool := a.val.(bool)
	if !isBool {
		return false, errAt(a.line, "%s must be True or False, not %s", name, Repr(a.val))
	}
	return b, nil
}

// argYesNo reads Roundup's 'yes'/'no' flags, also accepting True/False.
func argYesNo(args map[string]kwArg, name string, def bool) (bool, error) {
	a, ok := args[name]
	if !ok || a.val == nil {
		return def, nil
	}
	switch v := a.val.(type) {
	case bool:
		return v, nil
	case string:
		switch v {
		case "yes":
			return true, nil
		case "no":
			return false, nil
		}
	}
	return false, errAt(a.line, "%s must be 'yes' or 'no', not %s", name, Repr(a.val))
}

// module is a Python module holding functions (roundup's date, password).
type module struct {
	name  string
	funcs map[string]*function
}

func (m *module) attr(name string) (any, error) {
	if f, ok := m.funcs[name]; ok {
		return f, nil
	}
	return nil, errNoAttr
}

func (m *module) kind() string { return "module" }
