package main

// security.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// cmdSecurity is `security [Role name]` (do_security): which roles new
// web and mail users get, then each role (names in lower case, sorted)
// with its permissions, sorted by class and name as Roundup's
// Role.permission_list, in its three shapes:
//
//	DESCRIPTION (PERM)
//	DESCRIPTION (PERM for "CLASS" only)
//	DESCRIPTION (PERM for "CLASS": ('p1', 'p2') only)
//
// A permission naming a property its class lacks ends the listing with
// "**Invalid properties for CLASS: [...]" and exit status 1, as in
// Roundup. An unknown role prints `No such Role "x"` (on stderr) and
// exits 1.
func (a *admin) cmdSecurity(args []string) error {
	sec := a.h.Schema.Security
	var roles []*tracker.Role
	if len(args) == 1 {
		r := sec.Role(args[0])
		if r == nil {
			fmt.Fprintf(a.err, "No such Role \"%s\"\n", args[0])
			return errReported
		}
		roles = []*tracker.Role{r}
	} else {
		roles = sec.Roles()
		for _, kind := range []string{"Web", "Email"} {
			list := a.h.Config.List("main", "new_"+strings.ToLower(kind)+"_user_roles")
			names := strings.Join(list, ",")
			if len(list) > 1 {
				a.printf("New %s users get the Roles \"%s\"\n", kind, names)
			} else {
				a.printf("New %s users get the Role \"%s\"\n", kind, names)
			}
		}
	}
	sort.SliceStable(roles, func(i, j int) bool { return strings.ToLower(roles[i].Name) < strings.ToLower(roles[j].Name) })
	for _, r := range roles {
		a.printf("Role \"%s\":\n", strings.ToLower(r.Name))
		perms := append([]*tracker.Permission(nil), r.Perms...)
		sort.SliceStable(perms, func(i, j int) bool {
			pi, pj := perms[i], perms[j]
			if pi.Class != pj.Class {
				return pi.Class < pj.Class
			}
			if pi.Name != pj.Name {
				return pi.Name < pj.Name
			}
			return pi.Check == "" && pj.Check != ""
		})
		for _, p := range perms {
			switch {
			case p.Class == "":
				a.printf(" %s (%s)\n", p.Description, p.Name)
			case p.Properties == nil:
				a.printf(" %s (%s for \"%s\" only)\n", p.Description, p.Name, p.Class)
			default:
				a.printf(" %s (%s for \"%s\": %s only)\n", p.Description, p.Name, p.Class, pyTuple(p.Properties))
				if bad := badProps(a.h.Schema.Class(p.Class), p.Properties); len(bad) > 0 {
					a.printf("\n  **Invalid properties for %s: %s\n\n", p.Class, pyList(bad))
					return errReported
				}
			}
		}
	}
	return nil
}

// badProps lists the names among props that c does not have.
func badProps(c *tracker.Class, props []string) []string {
	var bad []string
	for _, n := range props {
		if c == nil || c.Prop(n) == nil {
			bad = append(bad, n)
		}
	}
	return bad
}
