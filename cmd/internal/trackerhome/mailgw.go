package trackerhome

import (
	"log/slog"
	"strings"

	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/mailgw"
)

// MailgwOptions maps config.ini to the mail gateway's settings: the
// [mailgw] options (subject parsing, quoting, HTML conversion,
// smtp_refusal), [tracker] email, web and name, [mail] domain and the
// [main] addresses and roles of users the gateway registers. The command
// line's -c and -S are the caller's to add.
func MailgwOptions(cfg *config.Config, log *slog.Logger) mailgw.Options {
	web := cfg.String("tracker", "web")
	if web != "" && !strings.HasSuffix(web, "/") {
		web += "/"
	}
	return mailgw.Options{
		DefaultClass:               cfg.String("mailgw", "default_class"),
		KeepQuotedText:             cfg.String("mailgw", "keep_quoted_text"),
		LeaveBodyUnchanged:         cfg.String("mailgw", "leave_body_unchanged"),
		SubjectPrefixParsing:       cfg.String("mailgw", "subject_prefix_parsing"),
		SubjectSuffixParsing:       cfg.String("mailgw", "subject_suffix_parsing"),
		SubjectSuffixDelimiters:    cfg.String("mailgw", "subject_suffix_delimiters"),
		SubjectContentMatch:        cfg.String("mailgw", "subject_content_match"),
		NoSubjectUpdatesTitle:      !cfg.Bool("mailgw", "subject_updates_title"),
		RefwdRE:                    cfg.String("mailgw", "refwd_re"),
		OrigMsgRE:                  cfg.String("mailgw", "origmsg_re"),
		SignRE:                     cfg.String("mailgw", "sign_re"),
		EOLRE:                      cfg.String("mailgw", "eol_re"),
		BlankLineRE:                cfg.String("mailgw", "blankline_re"),
		UnpackRFC822:               cfg.Bool("mailgw", "unpack_rfc822"),
		IgnoreAlternatives:         cfg.Bool("mailgw", "ignore_alternatives"),
		ConvertHTMLToText:          cfg.String("mailgw", "convert_htmltotext"),
		KeepRealFrom:               cfg.Bool("mailgw", "keep_real_from"),
		SMTPRefusal:                cfg.String("mailgw", "smtp_refusal"),
		TrackerEmail:               cfg.Address("tracker", "email"),
		TrackerWeb:                 web,
		TrackerName:                cfg.String("tracker", "name"),
		MailDomain:                 cfg.String("mail", "domain"),
		AdminEmail:                 cfg.Address("main", "admin_email"),
		DispatcherEmail:            cfg.Address("main", "dispatcher_email"),
		ErrorMessagesTo:            cfg.String("main", "error_messages_to"),
		NewEmailUserRoles:          strings.Join(cfg.List("main", "new_email_user_roles"), ","),
		NewWebUserRoles:            strings.Join(cfg.List("main", "new_web_user_roles"), ","),
		NoRegistrationConfirmation: !cfg.Bool("main", "email_registration_confirmation"),
		Logger:                     log,
	}
}
