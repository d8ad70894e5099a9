package detectors

import (
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// configValue returns a config.ini option, trimmed; ok is false when it
// is unset or empty.
func configValue(s *tracker.Service, section, option string) (string, bool) {
	return trimmed(s.Config(), section, option)
}

// detectorValue returns a detectors/config.ini option, trimmed; ok is
// false when it is unset or empty.
func detectorValue(s *tracker.Service, section, option string) (string, bool) {
	return trimmed(s.DetectorConfig(), section, option)
}

// eitherValue returns the config.ini option when set, else the one of
// detectors/config.ini: Corral's [irker] options live in config.ini, bpo
// kept [irker] channels in detectors/config.ini, and both are honoured.
func eitherValue(s *tracker.Service, section, option string) (string, bool) {
	if v, ok := configValue(s, section, option); ok {
		return v, true
	}
	return detectorValue(s, section, option)
}

func trimmed(set tracker.Settings, section, option string) (string, bool) {
	if set == nil {
		return "", false
	}
	v, ok := set.Get(section, option)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

// boolValue reads a yes/no option; an unset or unreadable value gives def
// (Install reports unreadable detector settings).
func boolValue(v string, ok, def bool) bool {
	if !ok {
		return def
	}
	b, err := tracker.ParseBool(v)
	if err != nil {
		return def
	}
	return b
}

// yesNoNew reads Roundup's yes/no/new choice ([nosy] add_author,
// add_recipients): anything else gives def.
func yesNoNew(v string, ok bool, def string) string {
	switch v = strings.ToLower(v); {
	case ok && (v == "yes" || v == "no" || v == "new"):
		return v
	}
	return def
}

// splitList splits a list option at commas and white space, as bpo's
// `channels = irc://a/x,irc://b/y` and the address lists of busybody
// and tellteam are written.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// checkBool records an unreadable yes/no detector setting on n.
func checkBool(n *needs, s *tracker.Service, section, option string) {
	if v, ok := detectorValue(s, section, option); ok {
		if _, err := tracker.ParseBool(v); err != nil {
			n.problem("detectors/config.ini [%s] %s: %v", section, option, err)
		}
	}
}
