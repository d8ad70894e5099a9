package mailgw

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// isTrackerAddress reports whether addr (lower case) is this tracker's:
// [tracker] email, one of Options.Aliases, or either with a "+tag"
// subaddress (RFC 5233). Roundup drops only the exact [tracker] email
// from the recipients.
func (g *Gateway) isTrackerAddress(addr string) bool {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" {
		return false
	}
	local, domain, ok := strings.Cut(addr, "@")
	if base, _, tagged := strings.Cut(local, "+"); ok && tagged {
		if g.isTrackerAddress(base + "@" + domain) {
			return true
		}
	}
	if addr == strings.ToLower(g.opts.TrackerEmail) {
		return true
	}
	for _, a := range g.opts.Aliases {
		if addr == strings.ToLower(strings.TrimSpace(a)) {
			return true
		}
	}
	return false
}

// CheckRecipient accepts, at SMTP/LMTP RCPT time, the addresses that
// belong to this tracker ([tracker] email, the aliases, and their +tag
// forms) and refuses any other with a permanent *RecipientError (550
// 5.1.1), so mail for unknown addresses is refused before its data is
// sent (DESIGN §2.1). An empty [tracker] email accepts every recipient.
func (g *Gateway) CheckRecipient(_ context.Context, rcpt string) error {
	addr := strings.Trim(strings.TrimSpace(rcpt), "<>")
	if g.opts.TrackerEmail == "" || g.isTrackerAddress(addr) {
		return nil
	}
	return &RecipientError{Text: "5.1.1 <" + addr + ">: no such mailbox here"}
}

// confirm is rego_confirm: a reply carrying "-- key KEY" completes the
// web registration stored under KEY ([main] new_web_user_roles) and is
// answered with "Your registration to TRACKER is complete".
func (g *Gateway) confirm(ctx context.Context, in *inbound, key string) (Outcome, error) {
	var out Outcome
	err := g.svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		first, err := tx.MarkIncoming(in.key, "registration confirmed")
		if err != nil {
			return err
		}
		if !first {
			out = Outcome{Status: Accepted, Duplicate: true, Text: "already handled"}
			return nil
		}
		id, err := tx.ConfirmRegistration(key, g.opts.NewWebUserRoles)
		switch {
		case isNotFound(err):
			g.log.Info("registration key refused", "error", err)
			return usage(textBadKey)
		case err != nil && (!isTemporary(err) || errors.Is(err, tracker.ErrConflict)):
			return usage(textProblem, err.Error())
		case err != nil:
			return err
		}
		subject := "Your registration to " + g.opts.TrackerName + " is complete"
		if err := notify.Queue(tx, "mailgw:"+strings.ToLower(in.from.Addr), g.mailer.Simple([]string{in.from.Addr}, subject, "")); err != nil {
			return err
		}
		out = Outcome{Status: Accepted, Designator: "user" + id, Text: "registration confirmed"}
		return nil
	})
	if err != nil {
		if _, ok := asRefusal(err); ok {
			return Outcome{}, err
		}
		return Outcome{}, &temporary{fmt.Errorf("confirming a registration: %w", err)}
	}
	return out, nil
}
