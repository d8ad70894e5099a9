package config

// The [main] and [tracker] sections: where the tracker's files are, who
// it is, and registration. Names and defaults are Roundup 2.x's
// (roundup/configuration.py SETTINGS); help texts are shortened.

func mainOptions() []Option {
	return []Option{
		{Name: "database", Kind: Path, Default: "db",
			Help: "Database directory path (the SQLite file and anything local)."},
		{Name: "template_engine", Kind: String, Default: "zopetal", Ignored: true,
			Help: "Templating engine to use (zopetal, chameleon or jinja2 in Roundup).\nCorral renders its own Go templates and ignores this."},
		{Name: "templates", Kind: Path, Default: "html",
			Help: "Path to the HTML templates directory. Templates found there\noverride the embedded ones."},
		{Name: "static_files", Kind: PathList, Default: "",
			Help: "A list of space separated directory paths (or a single\ndirectory) holding additional public static files served via\nthe web UI (images, CSS). A '-' ends the list: the TEMPLATES\ndirectory is then not searched. Access to these files is not\nchecked, so do not put anything private there."},
		{Name: "admin_email", Kind: Address, Default: "roundup-admin",
			Help: "Email address that the tracker will complain to if it runs\ninto trouble.\nIf no domain is given, [mail] domain is added."},
		{Name: "dispatcher_email", Kind: Address, Default: "roundup-admin",
			Help: "The 'dispatcher' is a role that can get notified when errors\noccur while sending email to a user (see error_messages_to).\nIf no domain is given, [mail] domain is added."},
		{Name: "email_from_tag", Kind: String, Default: "",
			Help: "Additional text to include in the \"name\" part of the From:\naddress used in nosy messages: \"Foo Bar EMAIL_FROM_TAG\" <tracker@...>"},
		{Name: "new_web_user_roles", Kind: List, Default: "User",
			Help: "Roles that a user gets when they register\nwith the web user interface (e.g. 'Admin,User')."},
		{Name: "new_email_user_roles", Kind: List, Default: "User",
			Help: "Roles that a user gets when they register\nwith the email gateway (e.g. 'Admin,User')."},
		{Name: "obsolete_history_roles", Kind: List, Default: "Admin",
			Help: "Roles allowed to see history entries of properties or classes\nthat a schema change made obsolete."},
		{Name: "error_messages_to", Kind: Choice, Default: "user", Choices: []string{"user", "dispatcher", "both"},
			Help: "Send error message emails to the \"dispatcher\", the \"user\",\nor \"both\". The dispatcher is DISPATCHER_EMAIL."},
		{Name: "html_version", Kind: Choice, Default: "html4", Choices: []string{"html4"},
			obsolete: map[string]string{"xhtml": "html4"},
			Help:     "HTML version to generate. Only html4 is supported\n(Roundup 2.4 dropped xhtml; an old xhtml setting is read as html4)."},
		{Name: "timezone", Kind: String, Default: "UTC", Aliases: []string{"DEFAULT_TIMEZONE"}, check: checkTimezone,
			Help: "Default timezone, applied when a user's timezone is not set:\na zone name (e.g. EET or Europe/Warsaw) or an offset from UTC in hours."},
		{Name: "instant_registration", Kind: Bool, Default: "no",
			Help: "Register new users instantly, or require confirmation via\nemail?"},
		{Name: "email_registration_confirmation", Kind: Bool, Default: "yes",
			Help: "Offer registration confirmation by email or only\nthrough the web?"},
		{Name: "indexer", Kind: Choice, Default: "", Choices: []string{"", "xapian", "whoosh", "native", "native-fts"},
			Help: "Text indexer Roundup should use. Corral always uses the database's\nown full-text search (SQLite FTS5, PostgreSQL tsvector) and accepts\nthese values for compatibility."},
		{Name: "indexer_language", Kind: String, Default: "english",
			Help: "Language of the full-text indexer: stemming and stop words\n(PostgreSQL text search configuration name)."},
		{Name: "indexer_stopwords", Kind: List, Default: "",
			Help: "Additional stop-words for the full-text indexer specific to\nyour tracker (eg. A,AND,ARE,AS,AT,BE,BUT,BY, ...)."},
		{Name: "umask", Kind: Octal, Default: "0o002",
			Help: "Defines the file creation mode mask."},
		{Name: "csv_field_size", Kind: Int, Default: "131072", Min: 0, HasMin: true,
			Help: "Maximum size of a csv field during import (export files are a\ncsv variant). Raise it if an import fails with 'field larger\nthan field limit'."},
		{Name: "password_pbkdf2_default_rounds", Kind: Int, Default: "250000", Min: 0, HasMin: true,
			Help: "Number of rounds used when hashing passwords with PBKDF2.\nMore rounds cost more CPU per login and protect stored hashes\nbetter; 250000 is the minimum advised for PBKDF2-SHA512.\nSee RFC 2898."},
	}
}

func trackerOptions() []Option {
	return []Option{
		{Name: "name", Kind: String, Default: "Roundup issue tracker",
			Help: "A descriptive name for your tracker."},
		{Name: "web", Kind: String, NoDefault: true, check: checkWebURL,
			Help: "The web address that the tracker is viewable at.\nIt is included in information sent to users of the tracker.\nThe URL MUST start with http:// or https:// and end with '/'."},
		{Name: "email", Kind: Address, Default: "issue_tracker",
			Help: "Email address that mail to the tracker should go to.\nIf no domain is given, [mail] domain is added."},
		{Name: "replyto_address", Kind: String, Default: "",
			Help: "The Reply-To address of nosy messages. Empty: the tracker's\naddress above. \"AUTHOR\": the address of the author of the change\n(replies then bypass the tracker). Anything else is used as is and\nmust be a valid RFC 5322 address."},
		{Name: "language", Kind: String, Default: "",
			Help: "Default locale name for this tracker. If empty, the language\nis taken from LANGUAGE, LC_ALL, LC_MESSAGES or LANG."},
	}
}
