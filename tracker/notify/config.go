// Package notify is Corral's outgoing mail: the nosy mailer (Roundup's
// nosyreaction reactor and IssueClass.nosymessage/send_message, rule by
// rule as specs/mailgw.md §16–§20 describe them), copies for bpo's
// busybody and tellteam lists, bounces and account mail, and their
// durable delivery through the outbox — by SMTP or into the `[mail]
// debug` mbox file.
//
// Reactors only enqueue events inside the transaction that made the
// change; a Worker claims them after commit, renders each mail from the
// committed state, delivers it and records who got it, so nothing is
// announced before it is committed and nothing committed is lost: a crash
// between delivery and marking the event done repeats that mail once the
// lease expires, it never drops one.
package notify

import (
	"strings"
)

// Config holds the configuration the mailer uses, filled by the caller
// from config.ini (this package reads no files). Field comments name the
// Roundup option.
type Config struct {
	TrackerName string // [tracker] name
	TrackerWeb  string // [tracker] web, with a trailing slash
	// TrackerEmail is [tracker] email made a full address (Roundup adds
	// [mail] domain when it has no '@').
	TrackerEmail string
	// ReplyTo is [tracker] replyto_address: "" = tracker name and email,
	// "AUTHOR" = the author, else used literally.
	ReplyTo string
	// AdminEmail is [main] admin_email, full address: the SMTP envelope
	// sender of notifications (bounces go to the admin).
	AdminEmail   string
	EmailFromTag string // [main] email_from_tag
	Domain       string // [mail] domain (generated Message-Ids)
	Charset      string // [mail] charset (utf-8)
	// AddAuthorInfo / AddAuthorEmail: [mail] add_authorinfo and
	// add_authoremail, the "New submission from NAME <ADDR>:" line.
	AddAuthorInfo, AddAuthorEmail bool
	// MessagesToAuthor is [nosy] messages_to_author: yes, no, new, nosy.
	MessagesToAuthor string
	// SignaturePosition is [nosy] signature_position: top, bottom, none.
	SignaturePosition string
	// EmailSending is [nosy] email_sending: single or multiple.
	EmailSending string
	// MaxAttachmentSize is [nosy] max_attachment_size in bytes.
	MaxAttachmentSize int64
	// SecretKey is [web] secret_key: signs unsubscribe links.
	SecretKey string
	// Version goes into X-Roundup-Version.
	Version string
	// TimeZone names [main] timezone for the Date header ("" = UTC).
	TimeZone string
	// DKIM signs outgoing mail when set.
	DKIM *DKIMConfig
}

// DKIMConfig enables DKIM signatures (RFC 6376) on outgoing mail.
type DKIMConfig struct {
	Domain, Selector string
	// PrivateKeyPEM is an RSA or Ed25519 private key in PEM.
	PrivateKeyPEM []byte
}

// FullAddress appends @domain to an address without one, as Roundup
// does for [tracker] email and [main] admin_email.
func FullAddress(addr, domain string) string {
	if addr == "" || strings.Contains(addr, "@") || domain == "" {
		return addr
	}
	return addr + "@" + domain
}

func (c *Config) defaults() {
	if c.Charset == "" {
		c.Charset = "utf-8"
	}
	if c.MessagesToAuthor == "" {
		c.MessagesToAuthor = "no"
	}
	if c.SignaturePosition == "" {
		c.SignaturePosition = "bottom"
	}
	if c.EmailSending == "" {
		c.EmailSending = "multiple"
	}
	if c.MaxAttachmentSize <= 0 {
		c.MaxAttachmentSize = 1<<63 - 1
	}
	if c.TrackerWeb != "" && !strings.HasSuffix(c.TrackerWeb, "/") {
		c.TrackerWeb += "/"
	}
	if c.Version == "" {
		c.Version = "corral"
	}
}
