package schemafile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// secObj is db.security (roundup/security.py Security).
type secObj struct{ se *schemaEval }

func (o *secObj) kind() string { return "security" }

func (o *secObj) attr(name string) (any, error) {
	var f func(*call) (any, error)
	switch name {
	case "addRole":
		f = o.addRole
	case "addPermission":
		f = o.addPermission
	case "addPermissionToRole":
		f = o.addPermissionToRole
	default:
		return nil, errNoAttr
	}
	return &function{name: "db.security." + name, call: f}, nil
}

// addRole is addRole(name=..., description=...).
func (o *secObj) addRole(c *call) (any, error) {
	args, err := bindArgs(c, []string{"name", "description"})
	if err != nil {
		return nil, err
	}
	name, ok, err := argString(args, "name")
	if err != nil {
		return nil, err
	}
	if !ok || name == "" {
		return nil, errAt(c.line, "addRole() needs name=")
	}
	desc, _, err := argString(args, "description")
	if err != nil {
		return nil, err
	}
	o.se.s.Security.AddRole(name, desc)
	return nil, nil
}

// addPermission is addPermission(name=, klass=, properties=, check=,
// description=, props_only=); it returns the permission for
// addPermissionToRole. Roundup takes keywords only.
func (o *secObj) addPermission(c *call) (any, error) {
	if len(c.args) > 0 {
		return nil, errAt(c.line, "addPermission() takes keyword arguments only: addPermission(name='Edit', klass='issue', ...)")
	}
	args, err := bindArgs(c, []string{"name", "klass", "properties", "check", "description", "props_only"})
	if err != nil {
		return nil, err
	}
	p := &tracker.Permission{}
	var ok bool
	if p.Name, ok, err = argString(args, "name"); err != nil {
		return nil, err
	}
	if !ok || p.Name == "" {
		return nil, errAt(c.line, "addPermission() needs name=")
	}
	if p.Class, _, err = argString(args, "klass"); err != nil {
		return nil, err
	}
	if p.Description, _, err = argString(args, "description"); err != nil {
		return nil, err
	}
	if p.PropsOnly, err = argBool(args, "props_only"); err != nil {
		return nil, err
	}
	if a, ok := args["properties"]; ok && a.val != nil {
		if p.Properties, err = stringList(a.val); err != nil {
			return nil, errAt(a.line, "properties: %v", err)
		}
	}
	if p.Check, _, err = argString(args, "check"); err != nil {
		return nil, err
	}
	if p.Check != "" {
		if err := validCheck(p.Check); err != nil {
			return nil, errAt(args["check"].line, "%v", err)
		}
	}
	got := o.se.s.Security.AddPermission(p)
	if _, seen := o.se.permLines[got]; !seen {
		o.se.permLines[got] = c.line
		o.se.permOrder = append(o.se.permOrder, got)
	}
	return got, nil
}

// validCheck accepts the named checks of tracker.CheckNames and
// user_prop:PROP (docs/schema-files.md).
func validCheck(name string) error {
	names := tracker.CheckNames()
	if slices.Contains(names, name) && name != "user_prop" {
		return nil
	}
	if base, arg, ok := strings.Cut(name, ":"); ok && base == "user_prop" && arg != "" {
		return nil
	}
	return fmt.Errorf("unknown check %q: use one of %s, or user_prop:PROP — see docs/schema-files.md", name, strings.Join(names, ", "))
}

// stringList accepts a tuple or list of strings.
func stringList(v any) ([]string, error) {
	var elts []any
	switch x := v.(type) {
	case Tuple:
		elts = x
	case []any:
		elts = x
	default:
		return nil, fmt.Errorf("expected a tuple or list of property names, not %s", typeName(v))
	}
	out := make([]string, 0, len(elts))
	for _, e := range elts {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("expected property names, found %s", typeName(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// addPermissionToRole is addPermissionToRole(rolename, permission[,
// classname]): permission is a value returned by addPermission or a
// permission name, looked up with its class as Roundup's getPermission
// does.
func (o *secObj) addPermissionToRole(c *call) (any, error) {
	args, err := bindArgs(c, []string{"rolename", "permission", "classname", "properties", "check", "props_only"})
	if err != nil {
		return nil, err
	}
	role, ok, err := argString(args, "rolename")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errAt(c.line, "addPermissionToRole() needs a role name")
	}
	for _, n := range []string{"properties", "check", "props_only"} {
		if a, ok := args[n]; ok && a.val != nil {
			return nil, errAt(a.line, "addPermissionToRole(%s=...) is not supported: create the permission with p = db.security.addPermission(...) and pass p", n)
		}
	}
	sec := o.se.s.Security
	var perm *tracker.Permission
	switch pv := args["permission"].val.(type) {
	case *tracker.Permission:
		perm = pv
	case string:
		class, _, err := argString(args, "classname")
		if err != nil {
			return nil, err
		}
		if class != "" && o.se.s.Class(class) == nil {
			return nil, errAt(c.line, "no class %q defined (declare it before granting permissions on it)", class)
		}
		if perm, err = sec.FindPermission(pv, class); err != nil {
			return nil, errAt(c.line, "%v", err)
		}
	default:
		return nil, errAt(c.line, "addPermissionToRole(): the permission must be a name or a value returned by addPermission, not %s", typeName(args["permission"].val))
	}
	if sec.Role(role) == nil {
		return nil, errAt(c.line, "no role %q defined: declare it with db.security.addRole(name=%q, description=...)", role, role)
	}
	if err := sec.AddPermissionToRole(role, perm); err != nil {
		return nil, errAt(c.line, "%v", err)
	}
	return nil, nil
}
