package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/mailgw/listen"
)

// demoSMTPAddr is where --demo takes mail (DESIGN.md §1).
const demoSMTPAddr = "127.0.0.1:8025"

// demoSMTP is the demo's incoming mail: the mail gateway behind an SMTP
// listener.
type demoSMTP struct {
	srv *listen.Server
	ln  net.Listener
}

// startDemoSMTP serves the mail gateway of t on addr. Mail to the
// tracker's address creates and updates issues as with corral-mailgw;
// refusals are answered at DATA (no bounce mail), as DESIGN.md §2.1 says.
func startDemoSMTP(t *served, addr string, log *slog.Logger) (*demoSMTP, error) {
	gw, err := mailgw.New(t.home.Service, t.mailer, gatewayOptions(t.home.Config, log))
	if err != nil {
		return nil, fmt.Errorf("mail gateway: %w", err)
	}
	srv := listen.New(gw, log, listen.Options{Domain: "localhost"})
	ln, err := srv.Listen(addr)
	if err != nil {
		return nil, fmt.Errorf("SMTP listener on %s: %w", addr, err)
	}
	go srv.Serve(ln)
	log.Info("demo SMTP listener", "addr", ln.Addr().String())
	return &demoSMTP{srv: srv, ln: ln}, nil
}

// Shutdown finishes the message in progress and stops.
func (d *demoSMTP) Shutdown(ctx context.Context) error { return d.srv.Shutdown(ctx) }

// gatewayOptions maps config.ini to mailgw.Options — the mapping
// cmd/corral-mailgw makes too (both should move to trackerhome).
func gatewayOptions(cfg *config.Config, log *slog.Logger) mailgw.Options {
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
