package detectors

import (
	"fmt"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// installAutoNosy is `autonosy`, bpo's detectors/autonosy.py: an auditor
// on issue create and set.
//
//   - When the change sets the components, the add_as_nosy users of each
//     of them join the nosy list.
//   - When the priority (after the change) is "release blocker",
//     the release manager of each of its versions (after the change)
//     joins the nosy list.
//
// bpo kept the release managers in a dict of user ids in autonosy.py
// (Python 2.6: barry, 2.7 and 3.1: benjamin.peterson, ..., 3.10:
// pablogsal). Here they are a setting of detectors/config.ini, a list of
// "VERSION: USER" entries separated by commas or line breaks, USER being
// a username (or a user id), several users separated by spaces:
//
//	[autonosy]
//	release_managers = Python 3.12: thomas.wouters, Python 3.13: thomas.wouters,
//	    Python 3.14: hugo
//
// VERSION is the version's name (its key). Unset means no release
// managers. An entry without ':' fails Install; a user that does not
// exist is skipped with a warning in the log.
//
// Needs: issue.components (Multilink component), component.add_as_nosy
// (Multilink user), issue.nosy; with release managers configured also
// issue.priority (Link to a keyed priority class) and issue.versions
// (Multilink to a keyed version class).
func installAutoNosy(s *tracker.Service) (func(), error) {
	n := newNeeds("autonosy", s)
	n.link("issue", "components", tracker.Multilink, "component")
	n.link("component", "add_as_nosy", tracker.Multilink, "user")
	n.link("issue", "nosy", tracker.Multilink, "user")
	if v, ok := detectorValue(s, "autonosy", "release_managers"); ok {
		if _, err := parseReleaseManagers(v); err != nil {
			n.problem("detectors/config.ini [autonosy] release_managers: %v", err)
		}
		n.link("issue", "priority", tracker.Link, "priority")
		n.keyed("priority")
		n.link("issue", "versions", tracker.Multilink, "version")
		n.keyed("version")
	}
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("issue", "create", "autonosy", prioDefault, autoNosy)
		s.Audit("issue", "set", "autonosy", prioDefault, autoNosy)
	}, nil
}

// parseReleaseManagers reads [autonosy] release_managers into version
// name → users.
func parseReleaseManagers(v string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, entry := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		version, users, ok := strings.Cut(entry, ":")
		version, users = strings.TrimSpace(version), strings.TrimSpace(users)
		if !ok || version == "" || users == "" {
			return nil, fmt.Errorf("%q is not VERSION: USER", entry)
		}
		out[version] = append(out[version], strings.Fields(users)...)
	}
	return out, nil
}

// autoNosy is autonosy.py's autonosy.
func autoNosy(tx *tracker.Tx, ch *tracker.Change) error {
	nosy := currentIDs(ch, "nosy")
	var add []string
	components, _ := newIDs(ch, "components")
	for _, id := range components {
		c, err := tx.Get("component", id)
		if err != nil {
			return fmt.Errorf("reading component %s: %w", id, err)
		}
		add = append(add, c.IDs("add_as_nosy")...)
	}
	rms, err := releaseManagers(tx, ch)
	if err != nil {
		return err
	}
	add = append(add, rms...)
	if len(add) == 0 {
		return nil
	}
	if merged := withIDs(nosy, add...); !sameIDs(merged, nosy) {
		ch.New["nosy"] = merged
	}
	return nil
}

// releaseManagers returns the user ids of the release managers of a
// release blocker's versions.
func releaseManagers(tx *tracker.Tx, ch *tracker.Change) ([]string, error) {
	s := tx.Service()
	v, ok := detectorValue(s, "autonosy", "release_managers")
	if !ok {
		return nil, nil
	}
	table, err := parseReleaseManagers(v)
	if err != nil {
		return nil, nil // reported by Install
	}
	blocker, err := lookup(tx, "priority", "release blocker")
	if err != nil || blocker == "" || currentStr(ch, "priority") != blocker {
		return nil, err
	}
	var out []string
	for _, vid := range currentIDs(ch, "versions") {
		ver, err := tx.Get("version", vid)
		if err != nil {
			return nil, fmt.Errorf("reading version %s: %w", vid, err)
		}
		for _, user := range table[ver.Str(ver.Class.KeyProp)] {
			id, err := userID(tx, user)
			if err != nil {
				return nil, err
			}
			if id == "" {
				s.Logger().Warn("autonosy: release manager does not exist", "user", user, "version", ver.Str(ver.Class.KeyProp))
				continue
			}
			out = append(out, id)
		}
	}
	return out, nil
}

// userID resolves a username, or a user id, to an active user's id ("" if
// there is none).
func userID(tx *tracker.Tx, name string) (string, error) {
	id, err := lookup(tx, "user", name)
	if err != nil || id != "" {
		return id, err
	}
	if tracker.ValidID(name) {
		if u, err := tx.Get("user", name); err == nil && !u.Retired {
			return name, nil
		}
	}
	return "", nil
}
