package config

// The mail and messaging sections: [mail] (outgoing), [mailgw]
// (incoming), [pgp] (ignored), [nosy], [markdown] and Corral's [irker].
// Corral's additions are `[mailgw] smtp_refusal`, `imap_after`,
// `password_file` and the [irker] section; `[mail] debug` writes an mbox
// file and `[nosy] email_sending` defaults to multiple (DESIGN.md §2.1).

func yesNoNew() []string { return []string{"yes", "no", "new"} }

func mailOptions() []Option {
	return []Option{
		{Name: "domain", Kind: String, NoDefault: true,
			Help: "The email domain that admin_email, issue_tracker and\ndispatcher_email belong to; it is added to those that have no\ndomain. Do not include the '@' symbol."},
		{Name: "host", Kind: String, NoDefault: true, Aliases: []string{"MAILHOST"},
			Help: "SMTP mail host that the tracker will use to send mail."},
		{Name: "username", Kind: String, Default: "",
			Help: "SMTP login name, if your mail host requires authenticated access.\nIf username is not empty, password (below) MUST be set!"},
		{Name: "password", Kind: String, NoDefault: true, RequiredIf: "username", Secret: true,
			Help: "SMTP login password, if your mail host requires authenticated\naccess."},
		{Name: "port", Kind: Int, Default: "25", Min: 0, HasMin: true,
			Help: "Port to send SMTP on."},
		{Name: "local_hostname", Kind: String, Default: "",
			Help: "The fully qualified host name to announce in SMTP (HELO/EHLO).\nIf empty, the system's host name is used."},
		{Name: "tls", Kind: Bool, Default: "no",
			Help: "If your SMTP mail host provides or requires TLS\n(Transport Layer Security) then set this option to 'yes'."},
		{Name: "tls_keyfile", Kind: Path, Default: "",
			Help: "If TLS is used, you may set this option to the name\nof a PEM formatted file that contains your private key."},
		{Name: "tls_certfile", Kind: Path, Default: "",
			Help: "If TLS is used, you may set this option to the name\nof a PEM formatted certificate chain file."},
		{Name: "charset", Kind: String, Default: "utf-8", Aliases: []string{"EMAIL_CHARSET"},
			Help: "Character set to encode email headers with. utf-8 is the most\nflexible; some mail readers need a narrower one (e.g. iso-8859-1)."},
		{Name: "debug", Kind: Path, Default: "",
			Help: "If set, every outgoing message (notifications, bounces,\nregistration mail) is appended to this file in mbox format\n*instead* of being sent."},
		{Name: "dkim_domain", Kind: String, Default: "",
			Help: "Sign outgoing mail with DKIM (RFC 6376) for this domain\n(Corral). Needs dkim_selector and dkim_private_key."},
		{Name: "dkim_selector", Kind: String, Default: "",
			Help: "DKIM selector: the public key is published at\nSELECTOR._domainkey.DOMAIN (Corral)."},
		{Name: "dkim_private_key", Kind: Path, Default: "",
			Help: "PEM file holding the DKIM private key, RSA or Ed25519\n(Corral)."},
		{Name: "add_authorinfo", Kind: Bool, Default: "yes",
			Help: "Add a line with author information at the top of all messages\nsent by the tracker."},
		{Name: "add_authoremail", Kind: Bool, Default: "yes",
			Help: "Include the author's mail address in that author line; 'no'\nkeeps addresses out of mail archives."},
	}
}

func mailgwOptions() []Option {
	return []Option{
		{Name: "keep_quoted_text", Kind: Choice, Default: "yes", Choices: yesNoNew(), Aliases: []string{"EMAIL_KEEP_QUOTED_TEXT"},
			Help: "Keep email citations when accepting messages. \"no\" strips\n\"quoted\" text and signatures from the message; \"new\" keeps\nquoted text only when a new issue is created."},
		{Name: "leave_body_unchanged", Kind: Choice, Default: "no", Choices: yesNoNew(), Aliases: []string{"EMAIL_LEAVE_BODY_UNCHANGED"},
			Help: "\"yes\" keeps the email body as is, citations _and_ signatures;\n\"new\" does so only when a new issue is created."},
		{Name: "default_class", Kind: String, Default: "issue", Aliases: []string{"MAIL_DEFAULT_CLASS"},
			Help: "Class used when an email subject names none.\nEmpty disables this: such mail is refused."},
		{Name: "language", Kind: String, Default: "",
			Help: "Default locale of the mail gateway; empty means the tracker's."},
		{Name: "subject_prefix_parsing", Kind: Choice, Default: "strict", Choices: []string{"strict", "loose", "none"},
			Help: "Parsing of the [prefix] of incoming subjects: \"strict\" refuses\nan unknown [prefix], \"loose\" keeps it in the title, \"none\"\nalways keeps any [prefix] in the title."},
		{Name: "subject_suffix_parsing", Kind: Choice, Default: "strict", Choices: []string{"strict", "loose", "none"},
			Help: "Parsing of the [suffix] (properties) of incoming subjects:\n\"strict\", \"loose\" or \"none\", as for the prefix."},
		{Name: "subject_suffix_delimiters", Kind: String, Default: "[]", check: checkDelimiters,
			Help: "The two brackets around the prefix and suffix of a subject\n(\"suffix\" in the name is historical)."},
		{Name: "subject_content_match", Kind: String, Default: "always", check: checkContentMatch,
			Help: "Match a subject without a designator against issue titles:\n\"always\", \"never\", or \"creation + INTERVAL\" / \"activity +\nINTERVAL\" to match issues created or active within INTERVAL."},
		{Name: "subject_updates_title", Kind: Bool, Default: "yes",
			Help: "Update the issue title when an incoming subject differs."},
		{Name: "refwd_re", Kind: Regexp, Default: `(\s*\W?\s*(fw|fwd|re|aw|sv|ang)\W)+`,
			Help: "Regular expression matching the reply or forward prefixes\nthat mailers add to a subject; they are stripped."},
		{Name: "origmsg_re", Kind: Regexp, Default: `^[>|\s]*-----\s?Original Message\s?-----$`,
			Help: "Regular expression matching the start of a quoted original\nmessage in the body."},
		{Name: "sign_re", Kind: Regexp, Default: `^[>|\s]*-- ?$`,
			Help: "Regular expression matching the start of a signature\nin the message body."},
		{Name: "eol_re", Kind: Regexp, Default: `[\r\n]+`,
			Help: "Regular expression matching end of line."},
		{Name: "blankline_re", Kind: Regexp, Default: `[\r\n]+\s*[\r\n]+`,
			Help: "Regular expression matching a blank line."},
		{Name: "unpack_rfc822", Kind: Bool, Default: "no",
			Help: "Unpack attached messages (message/rfc822) into their parts,\neach attached as a file, instead of one file."},
		{Name: "ignore_alternatives", Kind: Bool, Default: "no",
			Help: "When the text/plain part used is inside multipart/alternative,\ndrop the other alternatives instead of attaching them."},
		{Name: "convert_htmltotext", Kind: Choice, Default: "none", Choices: []string{"beautifulsoup", "justhtml", "dehtml", "none"},
			Help: "Convert mail that has only text/html parts to text. Corral has\none converter, used for any value but \"none\"; with \"none\" such\nmail is refused with an explanation."},
		{Name: "keep_real_from", Kind: Bool, Default: "no", Aliases: []string{"EMAIL_KEEP_REAL_FROM"},
			Help: "Use the From: header and ignore Resent-From: (when a moderator\nbounces mail on to the tracker)."},
		{Name: "smtp_refusal", Kind: Choice, Default: "reject", Choices: []string{"reject", "bounce"},
			Help: "How the SMTP/LMTP listener refuses a mail: \"reject\" answers\n550 with the error text and sends no bounce mail (no backscatter\nto forged senders); \"bounce\" accepts it (250) and mails the error\nback, as Roundup does."},
		{Name: "imap_after", Kind: String, Default: "seen", check: checkIMAPAfter,
			Help: "What to do with an IMAP message once the tracker committed it:\n\"seen\" marks it \\Seen, \"move:MAILBOX\" moves it to MAILBOX,\n\"delete\" deletes it."},
		{Name: "password_file", Kind: Path, Default: "",
			Help: "File holding the IMAP/POP3 mailbox password (first line).\nAlternatives: $CORRAL_MAIL_PASSWORD or a systemd credential."},
		{Name: "tls_certfile", Kind: Path, Default: "",
			Help: "PEM certificate chain of the SMTP/LMTP listener: with\ntls_keyfile it offers STARTTLS (RFC 3207). Re-read on SIGHUP."},
		{Name: "tls_keyfile", Kind: Path, Default: "",
			Help: "PEM private key for tls_certfile."},
		{Name: "sender_interval", Kind: Int, Default: "2", Min: 0, HasMin: true,
			Help: "The SMTP/LMTP listener's pace per envelope sender: one message\nevery this many seconds sustained, after a burst of sender_burst;\na sender over it is told to retry later (451 4.7.1). 0 turns the\nlimit off (a trusted relay in front does its own)."},
		{Name: "sender_burst", Kind: Int, Default: "30", Min: 1, HasMin: true,
			Help: "How many messages one envelope sender may send at once before\nsender_interval applies."},
	}
}

func pgpOptions() []Option {
	return []Option{
		{Name: "enable", Kind: Bool, Default: "no",
			Help: "Enable PGP processing (not supported by Corral)."},
		{Name: "roles", Kind: String, Default: "",
			Help: "Roles to do PGP processing for."},
		{Name: "homedir", Kind: String, Default: "",
			Help: "Location of the PGP directory."},
		{Name: "encrypt", Kind: Bool, Default: "no",
			Help: "Encrypt all outgoing mail."},
		{Name: "require_incoming", Kind: Choice, Default: "signed", Choices: []string{"signed", "encrypted", "both"},
			Help: "Require incoming PGP mail to be signed, encrypted or both."},
	}
}

func nosyOptions() []Option {
	return []Option{
		{Name: "messages_to_author", Kind: Choice, Default: "no", Choices: []string{"yes", "no", "new", "nosy"}, Aliases: []string{"MESSAGES_TO_AUTHOR"},
			Help: "Send nosy messages to the author of the message: \"yes\" even\nif not on the nosy list, \"new\" likewise but only for a new\nissue, \"nosy\" as the nosy list says, \"no\" never."},
		{Name: "signature_position", Kind: Choice, Default: "bottom", Choices: []string{"top", "bottom", "none"}, Aliases: []string{"EMAIL_SIGNATURE_POSITION"},
			Help: "Where to place the email signature."},
		{Name: "add_author", Kind: Choice, Default: "new", Choices: yesNoNew(), Aliases: []string{"ADD_AUTHOR_TO_NOSY"},
			Help: "Add the author of a message to the nosy list: \"new\" only when\nthe message creates an issue, \"yes\" on followups too, \"no\" never."},
		{Name: "add_recipients", Kind: Choice, Default: "new", Choices: yesNoNew(), Aliases: []string{"ADD_RECIPIENTS_TO_NOSY"},
			Help: "Add the recipients (To:, Cc:) of a message to the nosy list:\n\"new\", \"yes\" or \"no\", as for add_author."},
		{Name: "email_sending", Kind: Choice, Default: "multiple", Choices: []string{"single", "multiple"},
			Help: "\"multiple\" sends a separate email to each recipient, so no one\nsees another's address; \"single\" sends one email with every\nrecipient as Cc (Roundup's default)."},
		{Name: "property_changes", Kind: Bool, Default: "no",
			Help: "Mail the nosy list a change note when only properties change\n(no new message), as bugs.python.org's own mailer did. Roundup\nsends nothing then."},
		{Name: "max_attachment_size", Kind: Int, Default: "9223372036854775807", Min: 0, HasMin: true,
			Help: "Files larger than this many bytes are not attached to nosy\nmails but linked to the tracker's download page."},
	}
}

func markdownOptions() []Option {
	return []Option{
		{Name: "break_on_newline", Kind: Bool, Default: "no",
			Help: "Render a single newline in Markdown text as a line break\n(GitHub Flavored Markdown style)."},
	}
}

func irkerOptions() []Option {
	return []Option{
		{Name: "channels", Kind: List, Default: "",
			Help: "IRC channel URLs to announce to (irc://host/channel, ...).\nIf empty, [irker] channels of detectors/config.ini is used,\nwhere bpo kept it."},
		{Name: "server", Kind: String, Default: "localhost:6659", check: checkHostPort,
			Help: "Address of irkerd (HOST:PORT) in relay mode."},
		{Name: "mode", Kind: Choice, Default: "relay", Choices: []string{"relay", "direct"},
			Help: "\"relay\" sends irker JSON to irkerd at server; \"direct\" runs\nthe relay inside the tracker process."},
		{Name: "announce_changes", Kind: Bool, Default: "no",
			Help: "Also announce property-only changes (no new message)."},
	}
}
