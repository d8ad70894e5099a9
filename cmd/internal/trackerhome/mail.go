package trackerhome

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/tracker/notify"
)

// Version is reported in X-Roundup-Version and by the binaries.
const Version = "corral 0.1"

// MailConfig builds the mailer configuration from config.ini.
func MailConfig(cfg *config.Config) (notify.Config, error) {
	domain := cfg.String("mail", "domain")
	mc := notify.Config{
		TrackerName:       cfg.String("tracker", "name"),
		TrackerWeb:        cfg.String("tracker", "web"),
		TrackerEmail:      cfg.Address("tracker", "email"),
		ReplyTo:           cfg.String("tracker", "replyto_address"),
		AdminEmail:        cfg.Address("main", "admin_email"),
		EmailFromTag:      cfg.String("main", "email_from_tag"),
		Domain:            domain,
		Charset:           cfg.String("mail", "charset"),
		AddAuthorInfo:     cfg.Bool("mail", "add_authorinfo"),
		AddAuthorEmail:    cfg.Bool("mail", "add_authoremail"),
		MessagesToAuthor:  cfg.String("nosy", "messages_to_author"),
		SignaturePosition: cfg.String("nosy", "signature_position"),
		EmailSending:      cfg.String("nosy", "email_sending"),
		MaxAttachmentSize: int64(cfg.Int("nosy", "max_attachment_size")),
		SecretKey:         cfg.String("web", "secret_key"),
		Version:           Version,
		TimeZone:          cfg.String("main", "timezone"),
	}
	if d := cfg.String("mail", "dkim_domain"); d != "" {
		key, err := os.ReadFile(cfg.Path("mail", "dkim_private_key"))
		if err != nil {
			return mc, fmt.Errorf("config.ini: [mail] dkim_private_key: %w", err)
		}
		mc.DKIM = &notify.DKIMConfig{Domain: d, Selector: cfg.String("mail", "dkim_selector"), PrivateKeyPEM: key}
	}
	return mc, nil
}

// MailTransport returns where outgoing mail goes: the `[mail] debug`
// mbox file when set, else SMTP per [mail].
func MailTransport(cfg *config.Config) notify.Transport {
	if p := cfg.Path("mail", "debug"); p != "" {
		return &notify.Mbox{Path: p}
	}
	return notify.NewSMTP(notify.SMTPConfig{
		Host:          cfg.String("mail", "host"),
		Port:          cfg.Int("mail", "port"),
		TLS:           cfg.Bool("mail", "tls"),
		TLSCertFile:   cfg.Path("mail", "tls_certfile"),
		TLSKeyFile:    cfg.Path("mail", "tls_keyfile"),
		Username:      cfg.String("mail", "username"),
		Password:      cfg.String("mail", "password"),
		LocalHostname: cfg.String("mail", "local_hostname"),
	})
}

// Mailer returns the home's mailer (close its transport when done).
func (h *Home) Mailer(log *slog.Logger) (*notify.Mailer, error) {
	mc, err := MailConfig(h.Config)
	if err != nil {
		return nil, err
	}
	return notify.NewMailer(h.Service, mc, MailTransport(h.Config), log), nil
}
