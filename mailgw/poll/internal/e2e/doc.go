// Package e2e holds end-to-end tests of the network sources with the real
// gateway: they build the corral-admin and corral-mailgw binaries, make a
// python-dev tracker home on SQLite, and drive corral-mailgw's imap and
// smtp sources against dovecot and go-smtp's client. They import nothing
// of the command (cmd/internal is out of reach from here): the binaries
// are the interface, as an administrator sees them.
//
//   - TestIMAPKill9: corral-mailgw --watch imap is killed with SIGKILL at
//     random points while ingesting 1,000 messages; after restarts every
//     message is in the tracker exactly once and \Seen in the mailbox.
//   - TestSMTPLockedDatabase: with the SQLite database locked by another
//     connection holding a write transaction, DATA is answered 451; once
//     the lock is gone the retried delivery gets 250, and a second retry
//     is recognised as a duplicate.
//   - BenchmarkSMTPIngestGateway: 8 parallel SMTP senders into the real
//     gateway (msgs/s).
package e2e
