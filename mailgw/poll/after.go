package poll

import (
	"fmt"
	"strings"
)

// AfterAction is what the IMAP poller does with a message once the
// tracker has committed it ([mailgw] imap_after, DESIGN §2.1).
type AfterAction int

const (
	// AfterSeen sets \Seen (UID STORE +FLAGS.SILENT (\Seen), RFC 3501
	// §6.4.6); the message stays in the mailbox for people to read.
	AfterSeen AfterAction = iota
	// AfterMove moves the message to After.Mailbox (UID MOVE, RFC 6851;
	// UID COPY + \Deleted + EXPUNGE on servers without MOVE).
	AfterMove
	// AfterDelete sets \Deleted and expunges the message (UID EXPUNGE,
	// RFC 4315, where the server has UIDPLUS; EXPUNGE otherwise).
	AfterDelete
)

// After is a parsed [mailgw] imap_after value.
type After struct {
	Action  AfterAction
	Mailbox string // for AfterMove
}

// ParseAfter parses imap_after: "seen", "delete" or "move:MAILBOX" (the
// action in any letter case, the mailbox name as given). The empty string
// is "seen", the default.
func ParseAfter(s string) (After, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "seen":
		return After{Action: AfterSeen}, nil
	case "delete":
		return After{Action: AfterDelete}, nil
	}
	if len(s) > len("move:") && strings.EqualFold(s[:len("move:")], "move:") {
		if mbox := strings.TrimSpace(s[len("move:"):]); mbox != "" {
			return After{Action: AfterMove, Mailbox: mbox}, nil
		}
	}
	return After{}, fmt.Errorf("imap_after %q is not seen, delete or move:MAILBOX", s)
}

// String gives the imap_after spelling.
func (a After) String() string {
	switch a.Action {
	case AfterMove:
		return "move:" + a.Mailbox
	case AfterDelete:
		return "delete"
	}
	return "seen"
}
