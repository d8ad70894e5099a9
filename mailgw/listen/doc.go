// Package listen is Corral's SMTP (RFC 5321) and LMTP (RFC 2033) listener
// for tracker mail, on go-smtp. An MTA delivers to it; it hands each
// message to a mailgw.Handler and answers only after the handler
// returned, which is after the tracker committed the message (DESIGN
// §2.1):
//
//   - RCPT: a handler that is also a mailgw.RecipientChecker decides
//     whether the address belongs to the tracker: 550 5.1.1 for an
//     unknown recipient, 451 4.3.0 for a temporary problem.
//   - DATA: Accepted → 250; Refused (a permission or content refusal,
//     [mailgw] smtp_refusal = reject) → 550 5.7.1 with the bounce's error
//     text and no bounce mail, so forged senders get no backscatter;
//     Deferred (database locked, ...) → 451 4.3.0 and the MTA retries.
//     With smtp_refusal = bounce the gateway answers Accepted and mails
//     the bounce, as Roundup does; this package needs no setting for it.
//   - One message is handled once, whatever the number of recipients:
//     all of them belong to this tracker, and the gateway reads its
//     recipients from To/Cc as Roundup does. SMTP gives one reply; LMTP
//     gives one reply per recipient (RFC 2033 §4.2), all the same.
//
// Every SMTP reply is a *smtp.SMTPError built in replies.go from the
// outcome or the *mailgw.RecipientError; temporary and permanent are told
// apart with errors.As and Temporary(), never by text (DESIGN §6).
//
// Limits: MaxMessageBytes (SIZE, RFC 1870; 552 5.3.4 beyond it),
// MaxRecipients, and a token bucket per envelope sender (451 4.7.1 at
// MAIL when exceeded). STARTTLS (RFC 3207) is offered when a certificate
// is configured. AUTH (RFC 4954, PLAIN) is offered only when an
// Authenticator is configured, and only over TLS; RequireAuth turns the
// listener into a submission-style port that takes mail only from
// authenticated clients. Without an Authenticator no AUTH is advertised
// at all: a tracker's inbound port is an MX-style port where anyone may
// deliver to the tracker's own addresses.
//
// The listener adds no Received: trace field (RFC 5321 §4.4): the
// gateway dedups messages without a Message-ID by content hash, and a
// per-delivery time stamp would make a retried delivery look new. The
// peer is passed in mailgw.Envelope.Remote instead.
//
// Shutdown closes the listeners, lets each connection finish the message
// it is receiving or handling, answers it, and then closes the connection
// with 421 at its next command.
package listen
