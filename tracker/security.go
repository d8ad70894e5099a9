package tracker

import (
	"fmt"
	"sort"
	"strings"
)

// Permission is one grantable right, Roundup's roundup/security.py
// Permission: a name ("Edit"), optionally limited to a class, to a set of
// properties, and by a named check on the item (DESIGN.md §2: check
// functions are named built-ins instead of Python).
type Permission struct {
	Name        string
	Class       string   // "" = any class
	Properties  []string // nil = every property
	Check       string   // "" = no item check; see Checks
	PropsOnly   bool     // only matches when a property is asked about
	Description string

	props map[string]bool
}

func (p *Permission) hasProp(name string) bool {
	if p.Properties == nil {
		return true
	}
	return p.props[name]
}

// Role is a named set of permissions. Names are case-insensitive; user
// items hold them comma-separated in user.roles.
type Role struct {
	Name        string
	Description string
	Perms       []*Permission
}

// Security holds the roles and permissions of a schema.
type Security struct {
	roles     map[string]*Role // by lower-case name
	roleOrder []string
	perms     map[string][]*Permission // by name
	permOrder []string
}

// Global permissions that exist in every tracker: Roundup creates them in
// roundup/cgi/client.py, mailgw.py, rest.py and xmlrpc.py initialiseSecurity.
var globalPerms = []struct{ name, class, desc string }{
	{"Web Access", "", "User may access the web interface"},
	{"Web Roles", "", "User may manipulate user Roles through the web"},
	{"Email Access", "", "User may use the email interface"},
	{"Rest Access", "", "User may access the rest interface"},
	{"Xmlrpc Access", "", "User may access the xmlrpc interface"},
	{"Register", "user", "User is allowed to register new user"},
}

// NewSecurity returns Roundup's starting point: roles User, Admin and
// Anonymous; Admin may create, edit, view, retire and restore everything
// and holds the global access permissions.
func NewSecurity() *Security {
	s := &Security{roles: map[string]*Role{}, perms: map[string][]*Permission{}}
	s.AddRole("User", "A regular user, no privs")
	s.AddRole("Admin", "An admin user, full privs")
	s.AddRole("Anonymous", "An anonymous user")
	for _, n := range []string{"Create", "Edit", "Restore", "Retire", "View"} {
		p := s.AddPermission(&Permission{Name: n, Description: "User may " + lower(n) + " everything"})
		s.roles["admin"].Perms = append(s.roles["admin"].Perms, p)
	}
	for _, g := range globalPerms {
		p := s.AddPermission(&Permission{Name: g.name, Class: g.class, Description: g.desc})
		if g.name != "Register" {
			s.roles["admin"].Perms = append(s.roles["admin"].Perms, p)
		}
	}
	return s
}

// AddRole declares a role (db.security.addRole). Redeclaring updates the
// description.
func (s *Security) AddRole(name, description string) *Role {
	k := strings.ToLower(name)
	if r := s.roles[k]; r != nil {
		if description != "" {
			r.Description = description
		}
		return r
	}
	r := &Role{Name: name, Description: description}
	s.roles[k] = r
	s.roleOrder = append(s.roleOrder, k)
	return r
}

// Role returns the named role (case-insensitive) or nil.
func (s *Security) Role(name string) *Role { return s.roles[strings.ToLower(name)] }

// Roles returns the roles in declaration order.
func (s *Security) Roles() []*Role {
	out := make([]*Role, 0, len(s.roleOrder))
	for _, k := range s.roleOrder {
		out = append(out, s.roles[k])
	}
	return out
}

// AddPermission declares a permission (db.security.addPermission) and
// returns it for addPermissionToRole. Every call makes a new permission,
// as in Roundup, so each keeps its own description.
func (s *Security) AddPermission(p *Permission) *Permission {
	if p.Properties != nil {
		p.props = map[string]bool{}
		for _, n := range p.Properties {
			p.props[n] = true
		}
	}
	if _, ok := s.perms[p.Name]; !ok {
		s.permOrder = append(s.permOrder, p.Name)
	}
	s.perms[p.Name] = append(s.perms[p.Name], p)
	return p
}

// FindPermission returns the permission declared exactly with this name
// and class and no property list or check — Roundup's getPermission as
// used by addPermissionToRole(role, "View", "issue").
func (s *Security) FindPermission(name, class string) (*Permission, error) {
	list, ok := s.perms[name]
	if !ok {
		return nil, fmt.Errorf("no permission %q defined", name)
	}
	for _, p := range list {
		if p.Class == class && p.Properties == nil && p.Check == "" && !p.PropsOnly {
			return p, nil
		}
	}
	if class == "" {
		return nil, fmt.Errorf("no permission %q defined", name)
	}
	return nil, fmt.Errorf("no permission %q defined for %q", name, class)
}

// AddPermissionToRole grants p to the role (db.security.addPermissionToRole).
func (s *Security) AddPermissionToRole(role string, p *Permission) error {
	r := s.Role(role)
	if r == nil {
		return fmt.Errorf("no role %q defined", role)
	}
	for _, q := range r.Perms {
		if q == p {
			return nil
		}
	}
	r.Perms = append(r.Perms, p)
	return nil
}

// addClass creates the per-class permissions Roundup's backends create
// for every class (rdbms_common.addclass): Create, Edit, View, Retire.
func (s *Security) addClass(class string) {
	for _, p := range []struct{ name, verb string }{
		{"Create", "create"}, {"Edit", "edit"}, {"View", "access"}, {"Retire", "retire"},
	} {
		s.AddPermission(&Permission{Name: p.name, Class: class, Description: "User is allowed to " + p.verb + " " + class})
	}
}

// validate checks that every permission names an existing class and a
// known check. Unknown property names are not errors — bugs.python.org
// shares one property list between msg and file permissions, and Roundup
// only reports them in `roundup-admin security` — see PropertyWarnings.
func (s *Security) validate(schema *Schema) error {
	var errs []string
	for _, name := range s.permOrder {
		for _, p := range s.perms[name] {
			if p.Class == "" {
				continue
			}
			if schema.Class(p.Class) == nil {
				errs = append(errs, fmt.Sprintf("permission %q: no class %q", p.Name, p.Class))
				continue
			}
			if p.Check != "" {
				if _, _, err := lookupCheck(p.Check); err != nil {
					errs = append(errs, fmt.Sprintf("permission %q for %q: %v", p.Name, p.Class, err))
				}
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("security: %s", strings.Join(errs, "; "))
	}
	return nil
}

// PropertyWarnings lists permissions naming properties their class does
// not have (roundup-admin security's validation).
func (s *Security) PropertyWarnings(schema *Schema) []string {
	var out []string
	for _, name := range s.permOrder {
		for _, p := range s.perms[name] {
			c := schema.Class(p.Class)
			if c == nil {
				continue
			}
			for _, prop := range p.Properties {
				if c.Prop(prop) == nil {
					out = append(out, fmt.Sprintf("Permission %q for class %q names unknown property %q", p.Name, p.Class, prop))
				}
			}
		}
	}
	return out
}

// candidates returns, for the given roles, the permissions that match
// name, class and property before any item check — Roundup's
// Permission.test without the check call. Permissions without a check
// come first, as Roundup tries them first.
func (s *Security) candidates(roles []string, perm, class, prop string) (plain, checked []*Permission) {
	for _, rn := range roles {
		r := s.roles[rn]
		if r == nil {
			continue
		}
		for _, p := range r.Perms {
			if p.Name != perm {
				continue
			}
			if p.Class != "" && p.Class != class {
				continue
			}
			if prop != "" && !p.hasProp(prop) {
				continue
			}
			if prop == "" && p.Properties != nil && p.PropsOnly {
				continue
			}
			if p.Check == "" {
				plain = append(plain, p)
			} else {
				checked = append(checked, p)
			}
		}
	}
	return plain, checked
}

// ParseRoles splits a user.roles value ("User, Developer") into
// lower-case role names, as Roundup's user.get_roles does.
func ParseRoles(v string) []string {
	var out []string
	for _, r := range strings.Split(v, ",") {
		r = strings.ToLower(strings.TrimSpace(r))
		if r != "" {
			out = append(out, r)
		}
	}
	return out
}

// Describe writes roundup-admin's `security [ROLE]` listing: each role and
// its permissions with the class and property limits.
func (s *Security) Describe(role string, newWebRoles, newEmailRoles string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "New Web users get the Role %q\n", newWebRoles)
	fmt.Fprintf(&b, "New Email users get the Role %q\n", newEmailRoles)
	roles := s.roleOrder
	if role != "" {
		k := strings.ToLower(role)
		if s.roles[k] == nil {
			return "", fmt.Errorf("no such Role %q", role)
		}
		roles = []string{k}
	}
	sorted := append([]string(nil), roles...)
	sort.Strings(sorted)
	for _, k := range sorted {
		r := s.roles[k]
		fmt.Fprintf(&b, "Role %q:\n", k)
		for _, p := range r.Perms {
			desc := p.Description
			switch {
			case p.Class == "":
				fmt.Fprintf(&b, " %s (%s)\n", desc, p.Name)
			case p.Properties == nil:
				fmt.Fprintf(&b, " %s (%s for %q only)\n", desc, p.Name, p.Class)
			default:
				quoted := make([]string, len(p.Properties))
				for i, n := range p.Properties {
					quoted[i] = "'" + n + "'"
				}
				tuple := "(" + strings.Join(quoted, ", ")
				if len(quoted) == 1 {
					tuple += ","
				}
				tuple += ")"
				fmt.Fprintf(&b, " %s (%s for %q: %s only)\n", desc, p.Name, p.Class, tuple)
			}
		}
	}
	return b.String(), nil
}
