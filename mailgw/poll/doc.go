// Package poll fetches tracker mail from a mailbox: an IMAP poller
// (RFC 3501/9051, IDLE per RFC 2177) and a POP3 poller (RFC 1939), both
// handing each message to a mailgw.Handler and disposing of it on the
// server only after the handler reported that the tracker committed it.
//
// This is where Corral departs from Roundup's do_imap/_do_pop
// (specs/mailgw.md §2), which mark a message \Deleted before handling it
// and so lose mail when the tracker fails half-way. Here (DESIGN §2.1):
//
//   - IMAP: a message is fetched with BODY.PEEK[] (it stays unseen), then
//     handled; only an Accepted (or Refused) outcome applies [mailgw]
//     imap_after — STORE +FLAGS \Seen, MOVE (RFC 6851; COPY + \Deleted +
//     EXPUNGE where MOVE is missing) or \Deleted + EXPUNGE. A Deferred
//     message stays unseen and is tried again at the next full re-sync.
//   - POP3: DELE is sent only after an Accepted (or Refused) outcome, and
//     QUIT commits the deletions (RFC 1939 §6); a Deferred message stays
//     on the server. A session is closed with QUIT every few dozen
//     messages so that a crash repeats little work.
//
// A crash between the tracker's commit and the disposal makes the message
// come round again; the gateway recognises it by Message-ID and answers
// Accepted with Duplicate set, so nothing is posted twice and nothing is
// lost.
//
// The IMAP poller keeps a UID watermark per mailbox (reset when
// UIDVALIDITY changes, RFC 3501 §2.3.1.1): after an IDLE wake-up it looks
// only at new UIDs; every ResyncInterval, after a reconnect and when a
// deferred message is due it searches the whole mailbox for UNSEEN
// UNDELETED messages. The watermark is not persisted: after a restart the
// first full search finds whatever is still unseen. Connections are
// re-established with jittered exponential backoff.
//
// go-imap/v2 is a beta; only imapconn.go imports it, behind the small
// imapSession interface. The POP3 client is our own (pop3client.go).
//
// Mailbox passwords never come from the command line: see ReadPassword.
package poll
