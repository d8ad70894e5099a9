package config

// The [web] section: the web UI, the REST API and their protections.
// Names and defaults are Roundup 2.x's; `secret_key` is Roundup 2.x's
// option too, and Corral uses it to sign sessions, one-time links,
// unsubscribe tokens and ETags (DESIGN.md §2.1).

// csrfChoices are the values of Roundup's CsrfSettingOption.
func csrfChoices() []string { return []string{"required", "yes", "logfailure", "no"} }

func csrfHelp(what string) string {
	return what + "\n" +
		"'required': refuse the request if the check fails or cannot be made;\n" +
		"'yes': refuse it if the check fails;\n" +
		"'logfailure': only log a failure; 'no': do not check."
}

func webOptions() []Option {
	return []Option{
		{Name: "allow_html_file", Kind: Bool, Default: "no",
			Help: "Serve uploaded HTML files *as HTML*. A security risk: only set\nthis to 'yes' if you trust *all* users who can upload files."},
		{Name: "http_auth", Kind: Bool, Default: "yes",
			Help: "Use HTTP Basic Authentication, or the user named by the web\nserver (REMOTE_USER or http_auth_header), when present."},
		{Name: "http_auth_header", Kind: String, Default: "",
			Help: "The HTTP header that names the user when an upstream server\nauthenticates; empty means REMOTE_USER."},
		{Name: "dynamic_compression", Kind: Bool, Default: "yes",
			Help: "Compress responses on the fly according to the client's\nAccept-Encoding. Disable it if an upstream server compresses."},
		{Name: "use_precompressed_files", Kind: Bool, Default: "no",
			Help: "Serve precompressed static files (.gzip, .br, .zstd next to\nthe original) when they exist."},
		{Name: "http_auth_convert_realm_to_lowercase", Kind: Bool, Default: "no",
			Help: "With REMOTE_USER of the form user@REALM (e.g. Kerberos),\nlower-case the realm before matching the tracker's username."},
		{Name: "cookie_takes_precedence", Kind: Bool, Default: "no",
			Help: "When both a session cookie and a web-server authenticated user\n(REMOTE_USER, HTTP_AUTHORIZATION) are present, the cookie wins."},
		{Name: "login_attempts_min", Kind: Int, Default: "3", Min: 0, HasMin: true,
			Help: "Limit login attempts per user per minute to this number\n(0 disables the limit)."},
		{Name: "registration_delay", Kind: Int, Default: "4", Min: 0, HasMin: true,
			Help: "Seconds a new user registration form must at least take to\nfill in; slows down bots. 0 disables the check."},
		{Name: "registration_prevalidate_username", Kind: Bool, Default: "no",
			Help: "Check that a username is free before sending the registration\nconfirmation mail (lets anyone probe for existing usernames)."},
		{Name: "samesite_cookie_setting", Kind: Choice, Default: "Lax", Choices: []string{"Strict", "Lax", "None"},
			Help: "SameSite mode of the session cookie. 'None' leaves the attribute\nout. Strict is safer against CSRF but drops the session when a\ntracker link is followed from elsewhere (e.g. from an email)."},
		{Name: "enable_xmlrpc", Kind: Bool, Default: "yes",
			Help: "Enable the XML-RPC API at TRACKER_WEB/xmlrpc."},
		{Name: "translate_xmlrpc", Kind: Bool, Default: "no",
			Help: "Translate XML-RPC messages according to the browser or\ntracker language."},
		{Name: "enable_rest", Kind: Bool, Default: "yes",
			Help: "Enable the REST API at TRACKER_WEB/rest."},
		{Name: "translate_rest", Kind: Bool, Default: "no",
			Help: "Translate REST messages according to the browser or\ntracker language."},
		{Name: "rest_logging", Kind: Choice, Default: "none", Choices: []string{"none", "debug", "info", "warning", "error", "critical"},
			Help: "Log level for REST errors."},
		{Name: "api_calls_per_interval", Kind: Int, Default: "0", Min: 0, HasMin: true,
			Help: "Limit API calls per api_interval_in_sec seconds to this number\n(a burst of this size, refilled evenly). 0 turns rate limiting off."},
		{Name: "api_interval_in_sec", Kind: Int, Default: "3600", Min: 1, HasMin: true,
			Help: "The interval in seconds for api_calls_per_interval."},
		{Name: "api_failed_login_limit", Kind: Int, Default: "4", Min: 0, HasMin: true,
			Help: "Limit failed API logins per api_failed_login_interval_in_sec\nseconds. 0 turns the limit off (not advised)."},
		{Name: "api_failed_login_interval_in_sec", Kind: Int, Default: "600", Min: 1, HasMin: true,
			Help: "The interval in seconds for api_failed_login_limit."},
		{Name: "use_tokenless_csrf_protection", Kind: Bool, Default: "no",
			Help: "Use modern tokenless CSRF protection (Origin and Fetch\nmetadata checks); the csrf_* settings below are then unused."},
		{Name: "allowed_api_origins", Kind: List, Default: "", check: checkOrigins,
			Help: "Additional Origin header values accepted, exactly as sent\n(scheme://host, no path). '*' allows any origin for the API and\nmust come first. The origin of [tracker] web is always allowed."},
		{Name: "csrf_enforce_token", Kind: Choice, Default: "yes", Choices: csrfChoices(),
			Help: csrfHelp("How to treat the @csrf token of posted forms.")},
		{Name: "csrf_token_lifetime", Kind: Int, Default: "20160", Min: 0, HasMin: true,
			Help: "Minutes an unused CSRF token lives (20160 is two weeks)."},
		{Name: "csrf_enforce_header_x-requested-with", Kind: Choice, Default: "yes", Choices: csrfChoices(),
			Help: csrfHelp("Require an X-Requested-With header on REST and XML-RPC posts.")},
		{Name: "csrf_enforce_header_referer", Kind: Choice, Default: "yes", Choices: csrfChoices(),
			Help: csrfHelp("Check that the Referer header matches [tracker] web.")},
		{Name: "csrf_enforce_header_origin", Kind: Choice, Default: "yes", Choices: csrfChoices(),
			Help: csrfHelp("Check that the Origin header matches [tracker] web.")},
		{Name: "csrf_enforce_header_x-forwarded-host", Kind: Choice, Default: "yes", Choices: csrfChoices(),
			Help: csrfHelp("Check that X-Forwarded-Host matches the host of [tracker] web.")},
		{Name: "csrf_enforce_header_host", Kind: Choice, Default: "yes", Choices: csrfChoices(),
			Help: csrfHelp("Without X-Forwarded-Host, check that Host matches the host\nof [tracker] web.")},
		{Name: "csrf_header_min_count", Kind: Int, Default: "1", Min: 0, HasMin: true,
			Help: "Minimum number of header checks that must pass to accept\na post; 0 accepts it even if none pass."},
		{Name: "use_browser_language", Kind: Bool, Default: "yes",
			Help: "Use the browser's Accept-Language header, if present."},
		{Name: "debug", Kind: Bool, Default: "no",
			Help: "Show error tracebacks in the browser instead of mailing them\nto the tracker admin."},
		{Name: "login_empty_passwords", Kind: Bool, Default: "no",
			Help: "Allow users with an empty password to log in through the web."},
		{Name: "migrate_passwords", Kind: Bool, Default: "yes",
			Help: "Re-hash passwords stored with a weaker scheme when the user\nlogs in through the web."},
		{Name: "secret_key", Kind: String, Secret: true, Generated: true, check: checkNotEmpty,
			Help: "Secret of this tracker: signs sessions, one-time links,\nunsubscribe tokens and ETags. It must not be empty and must stay\nthe same across restarts and for every process of the tracker.\nIf it is not set, each process makes up a random one."},
		{Name: "jwt_secret", Kind: List, Default: "disabled", Secret: true, check: checkJWTSecrets,
			Help: "Comma separated secrets to sign (the first) and validate (all)\nJSON web tokens. A first secret shorter than 32 characters\ndisables JWTs; older ones must be 32 characters or more."},
		{Name: "use_browser_date_input", Kind: Bool, Default: "no",
			Help: "Use input type 'datetime-local' (or 'date') for Date properties\ninstead of 'text'."},
		{Name: "use_browser_number_input", Kind: Bool, Default: "no",
			Help: "Use input type 'number' for Number and Integer properties\ninstead of 'text'."},
	}
}
