package detectors

import (
	"github.com/corral-tracker/corral/tracker"
)

// installTellTeam is `tellteam`, bpo's detectors/tellteam.py
// (newissuetriage; folded into sendmail.py in 2007): a reactor on issue
// create sending the new-issue notification to the triage team, the
// addresses of detectors/config.ini [main] triage_email (comma
// separated). It enqueues a tracker.EventCopy event with a MailCopy
// payload (key: the issue designator) for each message of the new issue
// that is not spam (see busybody); an issue created without a message
// sends nothing, as in bpo. No addresses, no events.
//
// Needs: issue.messages (Multilink msg).
func installTellTeam(s *tracker.Service) (func(), error) {
	n := newNeeds("tellteam", s)
	n.link("issue", "messages", tracker.Multilink, "msg")
	checkCutoff(n, s)
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() { s.React("issue", "create", "tellteam", prioDefault, newIssueTriage) }, nil
}

// newIssueTriage is tellteam.py's newissuetriage.
func newIssueTriage(tx *tracker.Tx, ch *tracker.Change) error {
	v, _ := detectorValue(tx.Service(), "main", "triage_email")
	to := splitList(v)
	msgs := addedIDs(ch, "messages")
	if len(to) == 0 || len(msgs) == 0 {
		return nil
	}
	return mailCopies(tx, ch, "tellteam", to, msgs, tracker.NewChangeEvent(tx, ch))
}
