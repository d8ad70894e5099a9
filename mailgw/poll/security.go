package poll

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
)

// Security says how a poller protects its connection to the mail server.
type Security int

const (
	// StartTLSIfOffered upgrades the connection with STARTTLS (IMAP,
	// RFC 3501 §6.2.1) or STLS (POP3, RFC 2595 §4) when the server
	// advertises it and stays in plaintext otherwise. It is the default
	// for corral-mailgw's imap and pop sources: Roundup's plaintext
	// sources, encrypted whenever the server allows it.
	StartTLSIfOffered Security = iota
	// StartTLS requires the upgrade; a server that does not offer it is
	// an error.
	StartTLS
	// ImplicitTLS speaks TLS from the first byte (imaps on 993, pops on
	// 995; RFC 8314 §3.3).
	ImplicitTLS
	// Plaintext never uses TLS.
	Plaintext
)

// String names the mode for logs.
func (s Security) String() string {
	switch s {
	case StartTLSIfOffered:
		return "starttls-if-offered"
	case StartTLS:
		return "starttls"
	case ImplicitTLS:
		return "tls"
	case Plaintext:
		return "plaintext"
	}
	return fmt.Sprintf("security(%d)", int(s))
}

// withPort adds port to addr when it has none ("mail.example.org" →
// "mail.example.org:993"); IPv6 literals may be given in brackets.
func withPort(addr, port string) string {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	return net.JoinHostPort(strings.Trim(addr, "[]"), port)
}

// tlsConfigFor returns a copy of cfg (or a new one) whose ServerName is
// the host of addr unless cfg names one: certificates are always verified
// against the name the user gave.
func tlsConfigFor(cfg *tls.Config, addr string) *tls.Config {
	var c *tls.Config
	if cfg != nil {
		c = cfg.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			c.ServerName = host
		}
	}
	return c
}
