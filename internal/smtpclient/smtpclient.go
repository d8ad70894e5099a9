// Package smtpclient is the SMTP/LMTP client side shared by the mail load
// tool (cmd/corral-load mail) and the scale-out test: open a session and
// run one mail transaction, with go-smtp's client.
package smtpclient

import (
	"net"
	"time"

	"github.com/emersion/go-smtp"
)

// Dial opens an SMTP session to addr (LMTP with lmtp, RFC 2033) and
// greets it as helo.
func Dial(addr string, lmtp bool, helo string, timeout time.Duration) (*smtp.Client, error) {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	var c *smtp.Client
	if lmtp {
		c = smtp.NewClientLMTP(conn)
	} else {
		c = smtp.NewClient(conn)
	}
	if err := c.Hello(helo); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Send is one mail transaction on c: MAIL FROM, one RCPT TO, DATA. The
// server's refusal comes back as an *smtp.SMTPError (LMTP:
// smtp.LMTPDataError after DATA).
func Send(c *smtp.Client, from, to string, raw []byte) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}
