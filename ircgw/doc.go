// Package ircgw is Corral's irker relay: a drop-in replacement for irker
// 2.23's irkerd, the daemon that takes one-line JSON requests
// ({"to": "irc://host/chan", "privmsg": "text"}) on TCP and UDP port 6659
// and relays them to IRC over persistent connections.
//
// It keeps irkerd's contract (specs/irkerd.md §2): the same wire format,
// the same URL rules (# added unless #&+, case rules, ?key= and bare ?key,
// ,isnick, user:pass@, default ports 6667/6697), the same text rules (one
// PRIVMSG per line, cut to the IRC line limit), one connection per server
// shared by its channels, lazy JOIN, nick fallback irker%03d, idle
// connections closed after 3 h. It fixes irkerd's bugs (§13): concurrent
// TCP clients with read timeouts, a lone "\r" never reaches the server as a
// line break, byte-accurate UTF-8-safe truncation that accounts for the
// relay prefix, a second connection past the server's channel limit, JOIN
// errors and KICKs that park a channel instead of losing its messages,
// queues kept across reconnects with jittered exponential backoff, and
// per-connection token-bucket pacing.
//
// Delivery is confirmed: each PRIVMSG is written together with a PING in
// one write, and the line counts as delivered only when the matching PONG
// arrives without an error numeric for its target in between (IRC servers
// answer commands in order). A line whose confirmation is lost with the
// connection is sent again after the reconnect, so messages are delivered
// at least once and, in practice, exactly once and in order per channel.
//
// girc (github.com/lrstanley/girc) runs each IRC connection: dialing
// through our own dialer (TLS with verification, write deadlines),
// registration, CAP/SASL, nick collisions and PING replies. Because girc
// drops lines silently while disconnected, bursts past its limiter and
// splits lines its own way (specs/irkerd.md §15), the relay keeps its own
// queue per connection and writes paced, pre-cut lines itself.
//
// ircgw imports nothing else of Corral: it is irkerd. The tracker talks to
// it with irker JSON, or in-process through [Relay.Send].
package ircgw
