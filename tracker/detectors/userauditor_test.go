package detectors

import (
	"testing"

	_ "time/tzdata" // zone names must resolve without system tzdata

	"github.com/corral-tracker/corral/tracker"
)

func TestUserAuditor(t *testing.T) {
	tests := []struct {
		name      string
		detectors tracker.MapSettings
		as        string // acting user: "admin" or "coord" (a Coordinator)
		target    string // "" creates a user, else changes this one
		vals      raw
		want      string // refusal; "" = accepted
	}{
		{"plain username", nil, "admin", "", raw{"username": "ok.user-1_"}, ""},
		{"space in username", nil, "admin", "", raw{"username": "bad name"}, bpoUsernameText},
		{"plus in username (bpo)", nil, "admin", "", raw{"username": "alice+x"}, bpoUsernameText},
		{"plus in username (roundup)", tracker.MapSettings{"userauditor.username_charset": "roundup"}, "admin", "", raw{"username": "alice+x@example.com"}, ""},
		{"space in username (roundup)", tracker.MapSettings{"userauditor.username_charset": "roundup"}, "admin", "", raw{"username": "a b"}, roundupUsernameText},
		{"rename", nil, "admin", "alice", raw{"username": "alice smith"}, bpoUsernameText},
		{"space in address", nil, "admin", "", raw{"username": "u", "address": "u @example.com"}, "Email address must not contain spaces"},
		{"address syntax", nil, "admin", "", raw{"username": "u", "address": "u@"}, `Email address syntax is invalid "u@"`},
		{"local address", nil, "admin", "", raw{"username": "u", "address": "roundup-admin"}, ""},
		{"localhost address", nil, "admin", "", raw{"username": "u", "address": "u@localhost"}, ""},
		{"address in use", nil, "admin", "", raw{"username": "u", "address": "Alice@Example.com"}, "Email address Alice@Example.com already in use"},
		{"address in use as alternate", nil, "admin", "", raw{"username": "u", "address": "al@example.org"}, "Email address al@example.org already in use"},
		{"own address again", nil, "admin", "alice", raw{"address": "alice@example.com", "realname": "Alice"}, ""},
		{"alternate with space", nil, "admin", "", raw{"username": "u", "alternate_addresses": "u2@example.com\nu 3@example.com"}, "Email address must not contain spaces"},
		{"alternate syntax", nil, "admin", "", raw{"username": "u", "alternate_addresses": "u2@example.com\nu3@@example.com\n"}, `Email address syntax is invalid "u3@@example.com"`},
		{"alternate in use", nil, "admin", "", raw{"username": "u", "alternate_addresses": "alice@example.com"}, "Email address alice@example.com already in use"},
		{"unknown role", nil, "admin", "", raw{"username": "u", "roles": "User, Wizard"}, `Role "wizard" does not exist`},
		{"admin grants Admin", nil, "admin", "alice", raw{"roles": "User,Admin"}, ""},
		{"coordinator grants Admin", nil, "coord", "alice", raw{"roles": "User,Admin"}, "Only Admins may assign the Admin role!"},
		{"coordinator grants Developer", nil, "coord", "alice", raw{"roles": "User,Developer"}, ""},
		{"homepage scheme", nil, "admin", "", raw{"username": "u", "homepage": "javascript:alert(1)"}, "Invalid URL scheme in homepage URL"},
		{"homepage https", nil, "admin", "", raw{"username": "u", "homepage": "https://example.com/~u"}, ""},
		{"timezone name", nil, "admin", "", raw{"username": "u", "timezone": "Europe/Berlin"}, ""},
		{"timezone offset", nil, "admin", "", raw{"username": "u", "timezone": "-5"}, ""},
		{"timezone range", nil, "admin", "", raw{"username": "u", "timezone": "25"}, `Timezone "25" exceeds valid range [-23...23]`},
		{"timezone unknown", nil, "admin", "", raw{"username": "u", "timezone": "Mars/Olympus"}, `Timezone "Mars/Olympus" does not exist`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{detectors: tc.detectors, names: []string{"userauditor"}})
			users := map[string]string{"admin": tracker.AdminID, "alice": e.user("alice", "User"), "coord": e.user("coord", "Coordinator")}
			e.set(tracker.AdminID, "user", users["coord"], raw{"alternate_addresses": "c2@example.org\nal@example.org"})
			var err error
			if tc.target == "" {
				_, err = e.tryCreate(users[tc.as], "user", tc.vals)
			} else {
				err = e.trySet(users[tc.as], "user", users[tc.target], tc.vals)
			}
			if got := rejection(t, err); got != tc.want {
				t.Errorf("userauditor(%v) = %q, want %q", tc.vals, got, tc.want)
			}
		})
	}
}
