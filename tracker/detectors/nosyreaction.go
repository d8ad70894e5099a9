package detectors

import (
	"fmt"

	"github.com/corral-tracker/corral/tracker"
)

// installNosyReaction is `nosyreaction`: Roundup's classic
// detectors/nosyreaction.py and bpo's variant of it
// (detectors/nosyreaction.py at cc94a75^, nosyreaction.py.off after),
// specs/mailgw.md §15 and §16.
//
// Auditor on issue create and set (updatenosy), building the nosy list
// from the new nosy value when the change sets one, else the stored one:
//   - the assignee the change sets joins it: classic's `assignedto`,
//     bpo's `assignee` (whichever the issue class has; a Multilink adds
//     every user);
//   - for each message the change adds (all of them on create): its
//     author when config.ini [nosy] add_author is "yes", or "new" and the
//     issue is being created (default "new"); its recipients likewise by
//     [nosy] add_recipients (default "new");
//   - bpo: the creators of the pull requests the change links (bpo added
//     the creator of the last one only), when the issue class has
//     pull_requests.
//
// Auditor on issue create at priority 110, after the others (bpo's
// addcreator): the creating user joins the nosy list, so an issue opened
// without a message still has its reporter on it. This is bpo-only; it
// runs when detectors/config.ini [nosyreaction] add_creator is yes, and
// when that is unset it runs for issue classes that have bpo's
// `assignee` property (the schema bpo's file was written for) and not
// for classic's `assignedto` ones.
//
// Reactor on issue create and set: when the change adds messages, or —
// with [nosy] property_changes = yes (config.ini or detectors/config.ini;
// default no) — when it changes any property that is not quiet, it
// enqueues ONE tracker.EventNosy event for the change (payload: the JSON
// of tracker.NewChangeEvent, key: the issue designator). Roundup's
// reactor mails only new messages (property-only changes send nothing,
// specs/mailgw.md §16); bpo's own mailer (sendmail.py.off) also mailed
// property-only changes as a "system message", which property_changes
// turns on. The nosy mailer (tracker/notify) picks the recipients and
// builds one mail per message, as IssueClass.nosymessage does.
//
// Needs: IssueClass issue with nosy (Multilink user) and messages
// (Multilink msg); msg with author (Link user) and recipients (Multilink
// user); assignedto/assignee and pull_requests are optional.
func installNosyReaction(s *tracker.Service) (func(), error) {
	n := newNeeds("nosyreaction", s)
	n.link("issue", "nosy", tracker.Multilink, "user")
	n.link("issue", "messages", tracker.Multilink, "msg")
	n.link("msg", "author", tracker.Link, "user")
	n.link("msg", "recipients", tracker.Multilink, "user")
	d := &nosyReaction{}
	for _, name := range []string{"assignedto", "assignee"} {
		if p := n.optional("issue", name); p != nil {
			if p.Kind.IsLink() && p.Class == "user" {
				d.assignees = append(d.assignees, name)
			} else {
				n.problem("issue.%s must be a Link or Multilink to user", name)
			}
		}
	}
	d.bpo = n.optional("issue", "assignee") != nil
	if p := n.optional("issue", "pull_requests"); p != nil && p.Kind == tracker.Multilink {
		d.pullRequests = p.Class
	}
	checkBool(n, s, "nosyreaction", "add_creator")
	checkBool(n, s, "nosy", "property_changes")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("issue", "create", "nosyreaction", prioDefault, d.updateNosy)
		s.Audit("issue", "set", "nosyreaction", prioDefault, d.updateNosy)
		s.Audit("issue", "create", "nosyreaction.addcreator", prioAddCreator, d.addCreator)
		s.React("issue", "create", "nosyreaction", prioDefault, d.react)
		s.React("issue", "set", "nosyreaction", prioDefault, d.react)
	}, nil
}

// nosyReaction holds what Install learnt from the schema.
type nosyReaction struct {
	// assignees are the assignee properties present.
	assignees []string
	// bpo: the issue class is bpo's (has `assignee`), so addcreator runs
	// unless [nosyreaction] add_creator says otherwise.
	bpo bool
	// pullRequests is the class issue.pull_requests links to, if any.
	pullRequests string
}

// updateNosy is nosyreaction.py's updatenosy.
func (d *nosyReaction) updateNosy(tx *tracker.Tx, ch *tracker.Change) error {
	creating := ch.Old == nil
	nosy := currentIDs(ch, "nosy")
	var add []string
	for _, p := range d.assignees {
		switch v := ch.New[p].(type) {
		case string:
			if v != "" {
				add = append(add, v)
			}
		case []string:
			add = append(add, v...)
		}
	}
	if msgs := addedIDs(ch, "messages"); len(msgs) > 0 {
		s := tx.Service()
		v, ok := configValue(s, "nosy", "add_author")
		author := applies(yesNoNew(v, ok, "new"), creating)
		v, ok = configValue(s, "nosy", "add_recipients")
		recipients := applies(yesNoNew(v, ok, "new"), creating)
		if author || recipients {
			items, err := tx.GetMany("msg", msgs, []string{"recipients"})
			if err != nil {
				return fmt.Errorf("reading new messages: %w", err)
			}
			for _, m := range items {
				if author && m.Str("author") != "" {
					add = append(add, m.Str("author"))
				}
				if recipients {
					add = append(add, m.IDs("recipients")...)
				}
			}
		}
	}
	if d.pullRequests != "" {
		for _, pr := range addedIDs(ch, "pull_requests") {
			it, err := tx.Get(d.pullRequests, pr)
			if err != nil {
				return fmt.Errorf("reading pull request %s: %w", pr, err)
			}
			if it.Creator != "" {
				add = append(add, it.Creator)
			}
		}
	}
	if len(add) == 0 {
		return nil
	}
	if merged := withIDs(nosy, add...); !sameIDs(merged, nosy) {
		ch.New["nosy"] = merged
	}
	return nil
}

// applies reads a yes/no/new option for a change.
func applies(option string, creating bool) bool {
	return option == "yes" || (option == "new" && creating)
}

// addCreator is bpo nosyreaction.py's addcreator.
func (d *nosyReaction) addCreator(tx *tracker.Tx, ch *tracker.Change) error {
	v, ok := detectorValue(tx.Service(), "nosyreaction", "add_creator")
	if !boolValue(v, ok, d.bpo) || tx.UserID() == "" {
		return nil
	}
	nosy := currentIDs(ch, "nosy")
	if merged := withIDs(nosy, tx.UserID()); !sameIDs(merged, nosy) {
		ch.New["nosy"] = merged
	}
	return nil
}

// react is nosyreaction.py's nosyreaction, reduced to queueing the work.
func (d *nosyReaction) react(tx *tracker.Tx, ch *tracker.Change) error {
	ev := tracker.NewChangeEvent(tx, ch)
	if len(ev.Messages) == 0 {
		v, ok := eitherValue(tx.Service(), "nosy", "property_changes")
		if !boolValue(v, ok, false) || !visibleChange(ch) {
			return nil
		}
	}
	return enqueueJSON(tx, tracker.EventNosy, designator(ch), ev)
}

// visibleChange reports whether the change touches a property that is
// not quiet (quiet ones never show in a change note).
func visibleChange(ch *tracker.Change) bool {
	for k := range ch.New {
		if p := ch.Class.Prop(k); p != nil && !p.Quiet {
			return true
		}
	}
	return false
}
