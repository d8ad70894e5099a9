package detectors

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker"
)

// mIRC formatting codes of bpo's irker.py TEMPLATE.
const (
	ircGreen  = "\x0303"
	ircBluish = "\x0310"
	ircBold   = "\x02"
	ircReset  = "\x0f"
)

// ircMaxLog is bpo's max_content: a longer log part is cut to 117
// characters and "...".
const ircMaxLog = 120

// installIrker is `irker`, bpo's detectors/irker.py (notify_irker, by
// Ezio Melotti): a reactor on issue create and set that announces a
// change on IRC by enqueueing one tracker.EventIrker event (payload
// IrkerAnnouncement, key the issue designator) for the announcer, which
// hands it to irkerd.
//
// Announced: every change that adds messages (a new issue with its first
// message included), one line per change however many messages it adds;
// with [irker] announce_changes = yes also changes without a message
// that touch a property which is not quiet (DESIGN.md §2.1). The
// channels are [irker] channels of config.ini, or of detectors/config.ini
// where bpo kept them, split at commas and spaces; without channels
// nothing is enqueued.
//
// The line is bpo's, byte for byte (specs/irkerd.md §14):
//
//	\x0303AUTHOR\x0f \x0310#ID\x0f/TITLE\x02:\x02 LOG URL
//
// AUTHOR is the acting user's username, TITLE the issue's title (never
// shortened), URL config.ini [tracker] web + "issue" + ID. LOG is
// "[STATUS] " when the status changed ("[new] " for a new issue) followed
// by the contents of the new messages run together; when longer than 120
// characters it is cut to 117 and "..." added, then every run of white
// space becomes one space. bpo counted bytes of UTF-8 (Python 2 str) and
// could cut a character in two; here characters are counted. For a change
// without a message LOG is the status part and "PROP: VALUE" for the
// other changed properties ("nosy: +alice -bob" for Multilinks), sorted
// and separated by "; " — bpo never announced those.
//
// Needs: IssueClass issue with messages (Multilink to FileClass msg),
// user.username; issue.status (a Link) is used when declared.
func installIrker(s *tracker.Service) (func(), error) {
	n := newNeeds("irker", s)
	n.link("issue", "messages", tracker.Multilink, "msg")
	n.prop("issue", "title", tracker.String)
	n.fileClass("msg")
	n.prop("user", "username", tracker.String)
	d := &irker{}
	if p := n.optional("issue", "status"); p != nil && p.Kind == tracker.Link {
		d.statusClass = p.Class
	}
	checkBool(n, s, "irker", "announce_changes")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.React("issue", "create", "irker", prioDefault, d.react)
		s.React("issue", "set", "irker", prioDefault, d.react)
	}, nil
}

type irker struct {
	// statusClass is the class issue.status links to ("" when the issue
	// class has no status Link).
	statusClass string
}

// react is irker.py's notify_irker.
func (d *irker) react(tx *tracker.Tx, ch *tracker.Change) error {
	s := tx.Service()
	v, _ := eitherValue(s, "irker", "channels")
	channels := splitList(v)
	if len(channels) == 0 {
		return nil
	}
	msgs := addedIDs(ch, "messages")
	if len(msgs) == 0 {
		v, ok := eitherValue(s, "irker", "announce_changes")
		if !boolValue(v, ok, false) || !visibleChange(ch) {
			return nil
		}
	}
	issue, err := tx.Get(ch.Class.Name, ch.ID)
	if err != nil {
		return fmt.Errorf("reading %s: %w", designator(ch), err)
	}
	var log strings.Builder
	statusChanged := false
	if d.statusClass != "" {
		if now := issue.Str("status"); now != oldStr(ch, "status") {
			switch {
			case ch.Old == nil:
				log.WriteString("[new] ")
				statusChanged = true
			case now != "":
				log.WriteString("[" + tx.Label(d.statusClass, now) + "] ")
				statusChanged = true
			}
		}
	}
	if len(msgs) > 0 {
		for _, id := range msgs {
			content, err := tx.Content("msg", id)
			if err != nil {
				return fmt.Errorf("reading msg%s: %w", id, err)
			}
			log.Write(content)
		}
	} else {
		log.WriteString(changeSummary(tx, ch, statusChanged))
	}
	line := ircLog(log.String())
	if len(msgs) == 0 {
		line = strings.TrimSpace(line)
	}
	web, _ := configValue(s, "tracker", "web")
	msg := fmt.Sprintf("%s%s%s %s#%s%s/%s%s:%s %s %s%s%s",
		ircGreen, username(tx, tx.UserID()), ircReset,
		ircBluish, ch.ID, ircReset, issue.Str("title"), ircBold, ircBold,
		line, web, ch.Class.Name, ch.ID)
	return enqueueJSON(tx, tracker.EventIrker, designator(ch), IrkerAnnouncement{Channels: channels, Message: msg})
}

// ircLog cuts the log part as bpo did: more than 120 characters become
// the first 117 and "...", then every white space run (Python 2's \s on
// bytes) becomes one space.
func ircLog(s string) string {
	if utf8.RuneCountInString(s) > ircMaxLog {
		n := 0
		for i := range s {
			if n == ircMaxLog-3 {
				s = s[:i] + "..."
				break
			}
			n++
		}
	}
	var b strings.Builder
	inSpace := false
	for _, r := range s {
		space := r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
		if space && inSpace {
			continue
		}
		inSpace = space
		if space {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// username returns a user's username, or the id when it cannot be read.
func username(tx *tracker.Tx, id string) string {
	if u, err := tx.Get("user", id); err == nil && u.Str("username") != "" {
		return u.Str("username")
	}
	return id
}

// changeSummary describes a change without a message for IRC: the
// changed properties other than quiet ones (and the status when the
// status part shows it), sorted by name.
func changeSummary(tx *tracker.Tx, ch *tracker.Change, statusShown bool) string {
	var names []string
	for k := range ch.New {
		p := ch.Class.Prop(k)
		if p == nil || p.Quiet || (k == "status" && statusShown) {
			continue
		}
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		p := ch.Class.Prop(k)
		parts = append(parts, k+": "+describeValue(tx, ch, p))
	}
	return strings.Join(parts, "; ")
}

// describeValue shows a property's new value: labels for links,
// "+added -removed" for Multilinks.
func describeValue(tx *tracker.Tx, ch *tracker.Change, p *tracker.Property) string {
	v := ch.New[p.Name]
	switch p.Kind {
	case tracker.Link:
		id, _ := v.(string)
		if id == "" {
			return "(none)"
		}
		return tx.Label(p.Class, id)
	case tracker.Multilink:
		var parts []string
		if add := addedIDs(ch, p.Name); len(add) > 0 {
			parts = append(parts, "+"+labels(tx, p.Class, add))
		}
		var removed []string
		now, _ := v.([]string)
		for _, id := range oldIDs(ch, p.Name) {
			if !slices.Contains(now, id) {
				removed = append(removed, id)
			}
		}
		if len(removed) > 0 {
			parts = append(parts, "-"+labels(tx, p.Class, removed))
		}
		return strings.Join(parts, " ")
	}
	if v == nil {
		return "(none)"
	}
	return tracker.FormatValue(p, v)
}

func labels(tx *tracker.Tx, class string, ids []string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, tx.Label(class, id))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
