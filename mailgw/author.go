package mailgw

import (
	"errors"
	"strconv"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// findUser is Roundup's uidFromAddress lookup (specs/mailgw.md §9): an
// active user whose address equals addr case-insensitively, else one
// with addr as a whole line of alternate_addresses; of several, the
// first that is not admin or anonymous. "" when there is none.
func findUser(tx *tracker.Tx, addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", nil
	}
	ids, err := exactFind(tx, "user", "address", addr)
	if err != nil {
		return "", err
	}
	if id, err := pickUser(tx, ids); id != "" || err != nil {
		return id, err
	}
	uc := tx.Service().Schema.Class("user")
	if uc == nil || uc.Prop("alternate_addresses") == nil {
		return "", nil
	}
	cand, _, err := tx.Filter("user", &tracker.Filter{Spec: map[string][]string{"alternate_addresses": {addr}}})
	if err != nil || len(cand) == 0 {
		return "", err
	}
	items, err := tx.GetMany("user", cand, []string{})
	if err != nil {
		return "", err
	}
	var found []string
	for _, u := range items {
		if _, ok := u.AddressIn("alternate_addresses", addr); ok {
			found = append(found, u.ID)
		}
	}
	tracker.SortIDs(found)
	return pickUser(tx, found)
}

// pickUser is extractUserFromList: the first user that is not admin or
// anonymous, else the first.
func pickUser(tx *tracker.Tx, ids []string) (string, error) {
	if len(ids) <= 1 {
		if len(ids) == 1 {
			return ids[0], nil
		}
		return "", nil
	}
	for _, id := range ids {
		u, err := tx.Get("user", id)
		if err != nil {
			return "", err
		}
		if n := u.Str("username"); n != "admin" && n != "anonymous" {
			return id, nil
		}
	}
	return ids[0], nil
}

// registerUser creates a user for an unknown address, as uidFromAddress
// does when anonymous may register by mail: username the local part (1,
// 2, ... appended while taken), the address, the display name as
// realname, [main] new_email_user_roles, a random password, plus -S
// user.* values. An auditor's Reject (bpo's username rules) leaves the
// sender anonymous: "" and no error.
func (g *Gateway) registerUser(tx *tracker.Tx, a Address) (string, error) {
	base := a.Addr
	if i := strings.IndexByte(base, '@'); i >= 0 {
		base = base[:i]
	}
	name := base
	for n := 1; ; n++ {
		_, err := tx.Lookup("user", name)
		if errors.Is(err, tracker.ErrNotFound) {
			break
		}
		if err != nil {
			return "", err
		}
		name = base + strconv.Itoa(n)
	}
	raw := map[string]string{
		"username": name,
		"address":  a.Addr,
		"roles":    g.opts.NewEmailUserRoles,
		"password": tracker.GeneratePassword(12),
	}
	if a.Name != "" && tx.Service().Schema.Class("user").Prop("realname") != nil {
		raw["realname"] = a.Name
	}
	vals, err := tx.ParseValues("user", "", raw)
	if err != nil {
		return "", err
	}
	extra, err := g.setValues(tx, "user")
	if err != nil {
		return "", err
	}
	for k, v := range extra {
		vals[k] = v
	}
	var id string
	err = tx.System(func() error {
		var err error
		id, err = tx.Create("user", vals)
		return err
	})
	var rj *tracker.Reject
	var ve *tracker.ValueError
	if errors.As(err, &rj) || errors.As(err, &ve) {
		g.log.Info("not registering mail sender", "address", a.Addr, "reason", err.Error())
		return "", nil
	}
	return id, err
}

// recipients is get_recipients: the users of every To and Cc address but
// this tracker's own ones, registered when anonymous may register by
// mail; unknown addresses are skipped.
//
// The lookups are the tracker's own, not the author's searches: they run
// without the author's Search limits.
func (g *Gateway) recipients(tx *tracker.Tx, in *inbound, d *decision) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	h := in.root.Header
	err := tx.System(func() error {
		for _, a := range append(h.Addresses("to"), h.Addresses("cc")...) {
			addr := strings.ToLower(strings.TrimSpace(a.Addr))
			if addr == "" || g.isTrackerAddress(addr) {
				continue
			}
			id, err := findUser(tx, a.Addr)
			if err != nil {
				return err
			}
			if id == "" && d.register {
				if id, err = g.registerUser(tx, a); err != nil {
					return err
				}
			}
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		return nil
	})
	return out, err
}
