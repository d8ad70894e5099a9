package ircgw

import (
	"strconv"
	"strings"
)

// chanLimits is how many channels one connection may join, per group of
// channel prefixes, from ISUPPORT (RPL_ISUPPORT 005, draft-brocklesby-irc-
// isupport): CHANLIMIT=#&+:10 or CHANLIMIT=#:120,&:5 (an empty number means
// no limit) or the older MAXCHANNELS=n. irkerd only reads a CHANLIMIT that
// starts with "#:", so it ignores ngIRCd's "#&+:10" (specs/irkerd.md
// §13.14); every form is read here.
type chanLimits struct {
	groups []limitGroup
	def    int // limit for prefixes no group names; 0 means none
}

type limitGroup struct {
	prefixes string
	max      int // 0: unlimited
}

// newChanLimits returns the limits assumed before the server says any:
// def channels whatever the prefix.
func newChanLimits(def int) chanLimits { return chanLimits{def: def} }

// group returns the prefixes sharing a limit with the channel name and
// that limit (0: unlimited).
func (l chanLimits) group(name string) (prefixes string, max int) {
	if name == "" {
		return "", l.def
	}
	for _, g := range l.groups {
		if strings.IndexByte(g.prefixes, name[0]) >= 0 {
			return g.prefixes, g.max
		}
	}
	return string(name[0]), l.def
}

// parseISupport updates the limits from the tokens of one 005 line. It
// reports whether anything changed.
func (l *chanLimits) parseISupport(tokens []string) bool {
	changed := false
	for _, tok := range tokens {
		name, value, _ := strings.Cut(tok, "=")
		switch name {
		case "CHANLIMIT":
			var groups []limitGroup
			for part := range strings.SplitSeq(value, ",") {
				prefixes, n, ok := strings.Cut(part, ":")
				if !ok || prefixes == "" {
					continue
				}
				max := 0
				if n != "" {
					v, err := strconv.Atoi(n)
					if err != nil || v < 0 {
						continue
					}
					max = v
				}
				groups = append(groups, limitGroup{prefixes: prefixes, max: max})
			}
			if len(groups) > 0 {
				l.groups, changed = groups, true
			}
		case "MAXCHANNELS":
			if v, err := strconv.Atoi(value); err == nil && v > 0 && len(l.groups) == 0 {
				l.groups, changed = []limitGroup{{prefixes: "#&+!", max: v}}, true
			}
		}
	}
	return changed
}

// capGroup lowers the limit of the group holding name to n, after the
// server refused a JOIN with 405 ERR_TOOMANYCHANNELS below its advertised
// limit.
func (l *chanLimits) capGroup(name string, n int) {
	prefixes, max := l.group(name)
	if max != 0 && max <= n {
		return
	}
	for i, g := range l.groups {
		if g.prefixes == prefixes {
			l.groups[i].max = n
			return
		}
	}
	l.groups = append(l.groups, limitGroup{prefixes: prefixes, max: n})
}

// clone returns a copy that does not share the groups slice.
func (l chanLimits) clone() chanLimits {
	l.groups = append([]limitGroup(nil), l.groups...)
	return l
}

// casefold folds a nick or channel name with RFC 1459 case mapping
// ({}|^ are the lower case of []\~), the most permissive of the common
// CASEMAPPINGs, so replies naming a channel in another case still match.
func casefold(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + 32
		case c == '[':
			b[i] = '{'
		case c == ']':
			b[i] = '}'
		case c == '\\':
			b[i] = '|'
		case c == '~':
			b[i] = '^'
		}
	}
	return string(b)
}
