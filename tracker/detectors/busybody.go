package detectors

import (
	"fmt"
	"strconv"

	"github.com/corral-tracker/corral/tracker"
)

// installBusybody is `busybody`, bpo's detectors/busybody.py (P. Dubois,
// 2007; folded into sendmail.py later that year): a reactor on issue
// create and set sending a copy of every notification to the addresses
// of detectors/config.ini [main] busybody_email (comma separated), "for
// a busybody list that wants to know about EVERY change". It enqueues a
// tracker.EventCopy event with a MailCopy payload (key: the issue
// designator) for each message the change adds that is not spam, or —
// for a change without new messages — one without a message (the change
// note alone). A change whose new messages are all spam sends nothing.
// No addresses, no events.
//
// Spam: a msg whose spambayes_score is above [main]
// spambayes_spam_cutoff of detectors/config.ini (else the Service's
// SpamCutoff, 0.85), when msg has that property.
//
// Needs: issue.messages (Multilink msg).
func installBusybody(s *tracker.Service) (func(), error) {
	n := newNeeds("busybody", s)
	n.link("issue", "messages", tracker.Multilink, "msg")
	checkCutoff(n, s)
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.React("issue", "create", "busybody", prioDefault, busyReaction)
		s.React("issue", "set", "busybody", prioDefault, busyReaction)
	}, nil
}

// busyReaction is busybody.py's busyreaction.
func busyReaction(tx *tracker.Tx, ch *tracker.Change) error {
	v, _ := detectorValue(tx.Service(), "main", "busybody_email")
	to := splitList(v)
	if len(to) == 0 {
		return nil
	}
	ev := tracker.NewChangeEvent(tx, ch)
	msgs := addedIDs(ch, "messages")
	if len(msgs) == 0 {
		return enqueueJSON(tx, tracker.EventCopy, designator(ch), MailCopy{Detector: "busybody", To: to, Event: ev})
	}
	return mailCopies(tx, ch, "busybody", to, msgs, ev)
}

// mailCopies enqueues one MailCopy per message that is not spam.
func mailCopies(tx *tracker.Tx, ch *tracker.Change, detector string, to, msgs []string, ev *tracker.ChangeEvent) error {
	for _, id := range msgs {
		spam, err := isSpam(tx, id)
		if err != nil {
			return err
		}
		if spam {
			continue
		}
		if err := enqueueJSON(tx, tracker.EventCopy, designator(ch), MailCopy{Detector: detector, To: to, Msg: id, Event: ev}); err != nil {
			return err
		}
	}
	return nil
}

// isSpam is bpo's is_spam: the msg's spambayes_score is above the cutoff.
func isSpam(tx *tracker.Tx, msgID string) (bool, error) {
	if tx.Service().Schema.Class("msg").Prop("spambayes_score") == nil {
		return false, nil
	}
	m, err := tx.Get("msg", msgID)
	if err != nil {
		return false, fmt.Errorf("reading msg%s: %w", msgID, err)
	}
	score, ok := m.Values["spambayes_score"].(float64)
	return ok && score > spamCutoff(tx.Service()), nil
}

// spamCutoff is detectors/config.ini [main] spambayes_spam_cutoff, else
// the Service's SpamCutoff.
func spamCutoff(s *tracker.Service) float64 {
	if v, ok := detectorValue(s, "main", "spambayes_spam_cutoff"); ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return s.Options().SpamCutoff
}

// checkCutoff records an unreadable spam cutoff on n.
func checkCutoff(n *needs, s *tracker.Service) {
	if v, ok := detectorValue(s, "main", "spambayes_spam_cutoff"); ok {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			n.problem("detectors/config.ini [main] spambayes_spam_cutoff: %q is not a number", v)
		}
	}
}
