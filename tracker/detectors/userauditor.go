package detectors

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Username rules: bpo's detectors/userauditor.py and Roundup 2.6's
// classic one (share/roundup/templates/classic/detectors/userauditor.py).
var (
	bpoUsername     = regexp.MustCompile(`(?i)^[a-z0-9_.-]+$`)
	roundupUsername = regexp.MustCompile(`(?i)^[a-z0-9_@!%.+-]+$`)
)

const (
	bpoUsernameText     = "Username must consist only of the letters a-z (any case), digits 0-9 and the symbols: ._-"
	roundupUsernameText = "Username/Login Name must consist only of the letters a-z (any case), digits 0-9 and the symbols: @._-!+%"
)

// Roundup 2.6's address syntax ("the 99.99% solution for syntax only",
// regular-expressions.info): a full address when it holds an '@', else a
// local part alone.
const (
	emailLocalPart = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
	emailDomain    = `(?:localhost|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9]))`
)

var (
	emailFull  = regexp.MustCompile(`(?i)^` + emailLocalPart + `@` + emailDomain + `$`)
	emailLocal = regexp.MustCompile(`(?i)^` + emailLocalPart + `$`)
)

// installUserAuditor is `userauditor`: bpo's detectors/userauditor.py
// merged with Roundup 2.6's classic one. An auditor on user create and
// set checking the values the change sets, in this order, with these
// refusals (bpo's texts where bpo had the check, Roundup's otherwise):
//
//   - username: only letters, digits and "._-" — "Username must consist
//     only of the letters a-z (any case), digits 0-9 and the symbols:
//     ._-" (bpo). With detectors/config.ini [userauditor]
//     username_charset = roundup, Roundup 2.6's wider set "@._-!+%" and
//     its text "Username/Login Name must consist only of ...".
//   - address and each line of alternate_addresses: no spaces — "Email
//     address must not contain spaces" (bpo); Roundup's syntax check —
//     `Email address syntax is invalid "ADDR"`; not used by another user
//     as address or alternate address (compared case-insensitively;
//     Roundup compares alternates by substring) — "Email address ADDR
//     already in use".
//   - roles: every role exists — `Role "name" does not exist`.
//   - Admin: a change that gives the Admin role to a user who did not
//     have it is refused unless the acting user is an Admin — "Only
//     Admins may assign the Admin role!" (bpo's text; bpo compared with
//     the edited user's own old roles, which barred Admins as well, and
//     let a new user be created with Admin; the rule here is what the
//     text says).
//   - homepage (bpo): the URL scheme must be http or https — "Invalid URL
//     scheme in homepage URL".
//   - timezone (Roundup): a whole-hour offset within -23..23 or a tz
//     database name — `Timezone "X" exceeds valid range [-23...23]`,
//     `Timezone "X" does not exist`.
//
// Needs: class user with a String username; address, alternate_addresses,
// roles, homepage and timezone are checked when declared.
func installUserAuditor(s *tracker.Service) (func(), error) {
	n := newNeeds("userauditor", s)
	n.prop("user", "username", tracker.String)
	u := &userAuditor{bpo: true}
	for _, name := range []string{"address", "alternate_addresses", "roles", "homepage", "timezone"} {
		if p := n.optional("user", name); p != nil && p.Kind != tracker.String {
			n.problem("user.%s is a %s, not a String", name, p.Kind)
		}
	}
	switch v, _ := detectorValue(s, "userauditor", "username_charset"); strings.ToLower(v) {
	case "", "bpo":
	case "roundup":
		u.bpo = false
	default:
		n.problem("detectors/config.ini [userauditor] username_charset: %q is not bpo or roundup", v)
	}
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("user", "create", "userauditor", prioDefault, u.audit)
		s.Audit("user", "set", "userauditor", prioDefault, u.audit)
	}, nil
}

type userAuditor struct {
	// bpo selects bpo's username rule (else Roundup 2.6's).
	bpo bool
}

func (u *userAuditor) audit(tx *tracker.Tx, ch *tracker.Change) error {
	if name, ok := ch.New["username"].(string); ok {
		if u.bpo && !bpoUsername.MatchString(name) {
			return tracker.Rejectf("%s", bpoUsernameText)
		}
		if !u.bpo && !roundupUsername.MatchString(name) {
			return tracker.Rejectf("%s", roundupUsernameText)
		}
	}
	for _, addr := range newAddresses(ch) {
		if err := checkAddress(tx, ch, addr); err != nil {
			return err
		}
	}
	if roles, ok := ch.New["roles"].(string); ok && roles != "" {
		list := tracker.ParseRoles(roles)
		for _, r := range list {
			if tx.Service().Schema.Security.Role(r) == nil {
				return tracker.Rejectf("Role \"%s\" does not exist", r)
			}
		}
		had := slices.Contains(tracker.ParseRoles(oldStr(ch, "roles")), "admin")
		if slices.Contains(list, "admin") && !had && !tx.HasRole("admin") {
			return tracker.Rejectf("Only Admins may assign the Admin role!")
		}
	}
	if hp, ok := ch.New["homepage"].(string); ok && hp != "" {
		if pu, err := url.Parse(hp); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") {
			return tracker.Rejectf("Invalid URL scheme in homepage URL")
		}
	}
	if tz, ok := ch.New["timezone"].(string); ok && tz != "" {
		return checkTimezone(tz)
	}
	return nil
}

// newAddresses lists the addresses a change sets (Roundup's
// get_addresses): address, then the lines of alternate_addresses.
func newAddresses(ch *tracker.Change) []string {
	var out []string
	if a, ok := ch.New["address"].(string); ok && a != "" {
		out = append(out, a)
	}
	if alt, ok := ch.New["alternate_addresses"].(string); ok {
		for _, line := range strings.Split(alt, "\n") {
			if line = strings.TrimRight(line, "\r"); line != "" {
				out = append(out, line)
			}
		}
	}
	return out
}

// checkAddress applies the address rules to one address.
func checkAddress(tx *tracker.Tx, ch *tracker.Change, addr string) error {
	if strings.Contains(addr, " ") {
		return tracker.Rejectf("Email address must not contain spaces")
	}
	valid := emailLocal.MatchString(addr)
	if strings.Contains(addr, "@") {
		valid = emailFull.MatchString(addr)
	}
	if !valid {
		return tracker.Rejectf("Email address syntax is invalid \"%s\"", addr)
	}
	for _, prop := range []string{"address", "alternate_addresses"} {
		if ch.Class.Prop(prop) == nil {
			continue
		}
		ids, _, err := tx.Filter("user", &tracker.Filter{Spec: map[string][]string{prop: {addr}}})
		if err != nil {
			return fmt.Errorf("looking for users with address %s: %w", addr, err)
		}
		for _, id := range ids {
			if id == ch.ID {
				continue
			}
			other, err := tx.Get("user", id)
			if err != nil {
				return fmt.Errorf("reading user %s: %w", id, err)
			}
			if _, ok := other.AddressIn(prop, addr); ok {
				return tracker.Rejectf("Email address %s already in use", addr)
			}
		}
	}
	return nil
}

// checkTimezone is Roundup's timezone check (roundup.date.get_timezone):
// an integer is an offset in hours, anything else a zone name.
func checkTimezone(tz string) error {
	if n, err := strconv.Atoi(tz); err == nil {
		if n < -23 || n > 23 {
			return tracker.Rejectf("Timezone \"%s\" exceeds valid range [-23...23]", tz)
		}
		return nil
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
		return tracker.Rejectf("Timezone \"%s\" does not exist", tz)
	}
	return nil
}
