// Package mailgw is Corral's inbound mail gateway: it parses one RFC 5322
// message, decides what it means for the tracker following Roundup's
// mailgw.py rules (subject grammar, designators, threading, author lookup,
// permissions, body cleaning), and applies it through tracker.Service.
//
// The message sources (stdin, mbox, SMTP/LMTP listeners, IMAP/POP3
// pollers) all hand messages to a Handler; the network sources live in
// mailgw/listen and mailgw/poll and depend only on the small interface in
// this file.
package mailgw

import (
	"context"
	"fmt"
)

// Source names for Envelope.Source. They decide how a refusal is reported:
// the batch sources (stdin, mbox, imap, pop3) answer with Roundup's bounce
// mail, the listeners (smtp, lmtp) with a 550 reply (DESIGN §2.1).
const (
	SourceStdin = "stdin"
	SourceMbox  = "mbox"
	SourceSMTP  = "smtp"
	SourceLMTP  = "lmtp"
	SourceIMAP  = "imap"
	SourcePOP3  = "pop3"
)

// Envelope is what a source knows about a message besides its bytes.
type Envelope struct {
	// From is the envelope sender (SMTP MAIL FROM, mbox "From " line);
	// empty when unknown. Bounces still go to the header addresses, as
	// Roundup sends them.
	From string
	// To lists the envelope recipients (SMTP RCPT TO); empty when unknown.
	To []string
	// Source is one of the Source* constants.
	Source string
	// Remote identifies the peer or mailbox (IP address, "user@host/INBOX",
	// mbox path) for logs.
	Remote string
}

// Status is the outcome class of one message, as a source must act on it.
type Status int

const (
	// Accepted means the message was handled: an item was created or
	// updated, it was dropped silently (loop, bulk, auto-reply), a help
	// mail was answered, or a refusal was answered with a bounce mail.
	// Sources delete/mark it seen; SMTP answers 250.
	Accepted Status = iota
	// Refused is a permanent refusal without bounce mail (SMTP/LMTP only,
	// unless [mailgw] smtp_refusal = bounce): the listener answers 550 at
	// DATA with Outcome.Text.
	Refused
	// Deferred is a temporary failure (database busy, outbox full, ...):
	// the message must stay for a retry — SMTP 451, IMAP left unseen,
	// POP3 not deleted, mbox kept, stdin exit status 75 (EX_TEMPFAIL).
	Deferred
)

// String names the status for logs and metrics labels.
func (s Status) String() string {
	switch s {
	case Accepted:
		return "accepted"
	case Refused:
		return "refused"
	case Deferred:
		return "deferred"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// Outcome reports what happened to one message.
type Outcome struct {
	Status Status
	// Text is the refusal or temporary-failure text (the bounce's error
	// text for a refusal), for SMTP replies and logs; empty on success.
	Text string
	// Designator names the item created or updated ("issue42"), or the
	// user confirmed by a registration reply; empty otherwise.
	Designator string
	// Bounced is true when the refusal was answered by a bounce mail
	// queued in the tracker's outbox.
	Bounced bool
	// Duplicate is true when the message had already been handled (same
	// Message-ID, or same content hash when it has none) and was skipped.
	Duplicate bool
}

// Handler processes one raw RFC 5322 message. It never panics on
// malformed input; everything it cannot parse is a refusal, everything
// that may succeed later is Deferred. Handle is safe for concurrent use.
type Handler interface {
	Handle(ctx context.Context, env Envelope, raw []byte) Outcome
}

// RecipientChecker is implemented by handlers that can decide at SMTP RCPT
// time whether an address belongs to this tracker (DESIGN §2.1: an unknown
// recipient gets 550 at RCPT).
type RecipientChecker interface {
	// CheckRecipient returns nil to accept rcpt, or a *RecipientError.
	CheckRecipient(ctx context.Context, rcpt string) error
}

// RecipientError refuses one recipient. Listeners map Temporary to 451 and
// otherwise to 550, with Text as the reply text (checked with errors.As,
// never by string, DESIGN §6).
type RecipientError struct {
	Temporary bool
	Text      string
}

// Error returns the reply text.
func (e *RecipientError) Error() string { return e.Text }
