package notify

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/corral-tracker/corral/tracker"
)

// compose builds one mail of a notification for a batch of recipients
// (one recipient with email_sending = multiple): Roundup's headers
// (specs/mailgw.md §18.2) plus the filtering headers bpo users asked for
// — List-Id, X-Corral-Reason and RFC 8058 one-click List-Unsubscribe for
// a single recipient.
func (m *Mailer) compose(ev *tracker.ChangeEvent, r *rendered, batch []recipient) *Message {
	designator := ev.Class + ev.ItemID
	msg := &Message{}
	from := r.authName
	if m.cfg.EmailFromTag != "" {
		from += " " + m.cfg.EmailFromTag
	}
	msg.Set("From", Address(from, m.cfg.TrackerEmail))
	to := make([]string, len(batch))
	for i, rc := range batch {
		to[i] = rc.address
	}
	msg.Set("To", strings.Join(to, ", "))
	title := r.item.Str("title")
	if title == "" {
		title = ev.Class + " message copy"
	}
	msg.Set("Subject", Encode("["+designator+"] "+title))
	m.standardHeaders(msg)
	switch m.cfg.ReplyTo {
	case "":
		msg.Set("Reply-To", Address(m.cfg.TrackerName, m.cfg.TrackerEmail))
	case "AUTHOR":
		msg.Set("Reply-To", Address(r.authName, r.authAddr))
	default:
		msg.Set("Reply-To", m.cfg.ReplyTo)
	}
	msg.Set("Message-Id", r.messageID)
	if r.inReplyTo != "" {
		msg.Set("In-Reply-To", r.inReplyTo)
	}
	for _, h := range r.headers {
		msg.Add(h[0], h[1])
	}
	msg.Add("X-Roundup-"+ev.Class+"-Id", ev.ItemID)
	if m.cfg.Domain != "" {
		msg.Set("List-Id", Phrase(m.cfg.TrackerName)+" <issues."+m.cfg.Domain+">")
	}
	if len(batch) == 1 {
		msg.Set("X-Corral-Reason", batch[0].reason)
		if m.cfg.SecretKey != "" && batch[0].userID != "" && strings.HasPrefix(m.cfg.TrackerWeb, "http") {
			tok := UnsubscribeToken(m.cfg.SecretKey, designator, batch[0].userID)
			msg.Set("List-Unsubscribe", "<"+m.cfg.TrackerWeb+designator+"?@action=unsubscribe&token="+tok+">")
			msg.Set("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
		}
	}
	if len(r.files) > 0 {
		msg.setMultipart(r.text, true, r.files, boundaryFor(r.messageID+batch[0].address))
	} else {
		msg.setText(r.text)
	}
	return msg
}

// standardHeaders are what Roundup's Mailer.set_message_attributes adds
// to every outgoing mail.
func (m *Mailer) standardHeaders(msg *Message) {
	msg.Set("Date", DateHeader(m.Now(), m.cfg.TimeZone))
	msg.Set("Precedence", "bulk")
	msg.Set("X-Roundup-Name", Encode(m.cfg.TrackerName))
	msg.Set("X-Roundup-Loop", "hello")
	msg.Set("X-Roundup-Version", m.cfg.Version)
}

// send signs (DKIM, when configured) and delivers one mail with the
// admin address as envelope sender (bounces go to the admin).
func (m *Mailer) send(ctx context.Context, to []string, msg *Message) error {
	return m.sendRaw(ctx, RawMail{From: m.cfg.AdminEmail, To: to, Data: msg.Bytes()})
}

// sendRaw delivers a mail rendered earlier (RawMail), signing it first.
func (m *Mailer) sendRaw(ctx context.Context, rm RawMail) error {
	data := rm.Data
	if m.cfg.DKIM != nil {
		signed, err := m.sign(data)
		if err != nil {
			return &SendError{Err: err}
		}
		data = signed
	}
	return m.tr.Send(ctx, rm.From, rm.To, data)
}

// sign adds a DKIM-Signature (RFC 6376) over the CRLF form.
func (m *Mailer) sign(data []byte) ([]byte, error) {
	signer, err := parseKey(m.cfg.DKIM.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("DKIM key: %w", err)
	}
	opts := &dkim.SignOptions{Domain: m.cfg.DKIM.Domain, Selector: m.cfg.DKIM.Selector, Signer: signer,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-Id", "In-Reply-To", "Reply-To", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"}}
	crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	var out bytes.Buffer
	if err := dkim.Sign(&out, bytes.NewReader(crlf), opts); err != nil {
		return nil, fmt.Errorf("DKIM signing: %w", err)
	}
	return bytes.ReplaceAll(out.Bytes(), []byte("\r\n"), []byte("\n")), nil
}
