package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// SimpleFrom is Simple with another sender: the registration mail comes
// from "TRACKER <[tracker] email>" so that a reply keeping the subject's
// "-- key KEY" reaches the mail gateway and completes the registration
// (Roundup's RegisterAction passes (TRACKER_NAME, TRACKER_EMAIL) to
// standard_message). The envelope sender stays [main] admin_email. The
// body is 7bit (8bit when not ASCII) so its link can be copied from the
// `[mail] debug` file (DESIGN.md §2.1). Without addr the sender is
// Simple's, the tracker name at [main] admin_email.
func (m *Mailer) SimpleFrom(name, addr string, to []string, subject, body string) RawMail {
	if addr == "" {
		name, addr = m.cfg.TrackerName, m.cfg.AdminEmail
	}
	msg := &Message{}
	msg.Set("From", Address(name, addr))
	msg.Set("To", strings.Join(to, ", "))
	msg.Set("Subject", Encode(subject))
	m.standardHeaders(msg)
	msg.Set("Message-Id", m.newMessageID("account"))
	msg.Set("MIME-Version", "1.0")
	msg.Set("Content-Type", `text/plain; charset="utf-8"`)
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	if isASCIIBytes([]byte(body)) {
		msg.Set("Content-Transfer-Encoding", "7bit")
	} else {
		msg.Set("Content-Transfer-Encoding", "8bit")
	}
	msg.body = []byte(body)
	return RawMail{From: m.cfg.AdminEmail, To: to, Data: msg.Bytes()}
}

// CopyRequest asks for an "Email me" copy of an item (the web's
// @action=emailme): the caller has checked that the recipient may see
// the item and exactly the messages and files listed.
type CopyRequest struct {
	Class, ItemID string
	// Messages are included in order, each with its author and date.
	Messages []string
	// Files are attached (within [nosy] max_attachment_size; larger ones
	// are named with their download URL).
	Files []string
	// To is the recipient's address.
	To string
}

// ItemCopy renders an "Email me" copy of an issue for one recipient,
// shaped like a nosy notification so that the recipient's filters and
// threading treat it alike: Subject "[issueN] title", X-Roundup-* and
// List-Id headers, In-Reply-To the thread's first message, the
// messages, the current property values as a create note, and the
// signature; X-Corral-Reason is "requested". Roundup has no such mail
// (specs/roundup.md §8: "email me" would need a new action).
func (m *Mailer) ItemCopy(tx *tracker.Tx, req CopyRequest) (RawMail, error) {
	c, err := tx.Class(req.Class)
	if err != nil {
		return RawMail{}, err
	}
	item, err := tx.Get(req.Class, req.ItemID)
	if err != nil {
		return RawMail{}, err
	}
	designator := req.Class + req.ItemID
	var loc *time.Location
	if m.cfg.TimeZone != "" {
		loc, _ = time.LoadLocation(m.cfg.TimeZone)
	}
	if loc == nil {
		loc = time.UTC
	}
	first := ""
	if msgs := item.IDs("messages"); len(msgs) > 0 {
		first = msgs[0]
	}
	var parts []string
	for _, mid := range req.Messages {
		msg, err := tx.Get("msg", mid)
		if err != nil {
			return RawMail{}, fmt.Errorf("msg%s: %w", mid, err)
		}
		content, err := tx.Content("msg", mid)
		if err != nil {
			return RawMail{}, fmt.Errorf("msg%s content: %w", mid, err)
		}
		author := "unknown"
		if a := msg.Str("author"); a != "" {
			if u, err := tx.Get("user", a); err == nil {
				author = u.Str("realname")
				if author == "" {
					author = u.Str("username")
				}
			}
		}
		when := msg.Creation
		if d, ok := msg.Values["date"].(time.Time); ok {
			when = d
		}
		verb := "added the comment"
		if mid == first {
			verb = "submitted"
		}
		parts = append(parts, fmt.Sprintf("msg%s: %s %s on %s:\n\n%s", mid, author, verb,
			when.In(loc).Format("2006-01-02 15:04"), strings.TrimRight(string(content), "\n")))
	}
	// Thread with the notifications: they all follow the first message.
	inReplyTo := ""
	if first != "" {
		if fm, err := tx.Get("msg", first); err == nil {
			inReplyTo = fm.Str("messageid")
		}
	}
	var files []Attachment
	var notes []string
	for _, fid := range req.Files {
		f, err := tx.Get("file", fid)
		if err != nil {
			continue
		}
		data, err := tx.Content("file", fid)
		if err != nil {
			return RawMail{}, fmt.Errorf("file%s content: %w", fid, err)
		}
		if int64(len(data)) <= m.cfg.MaxAttachmentSize {
			files = append(files, Attachment{Name: f.Str("name"), Type: f.Str("type"), Data: data})
		} else {
			notes = append(notes, fmt.Sprintf("File '%s' not attached - you can download it from %sfile%s.", f.Str("name"), m.cfg.TrackerWeb, fid))
		}
	}
	lines := []string{""}
	if len(parts) > 0 {
		lines = append(lines, strings.Join(parts, "\n\n----------\n"))
	}
	lines = append(lines, notes...)
	lines = append(lines, CreateNote(tx, c, item.Values))
	lines = append(lines, m.signature(designator))
	text := strings.Join(lines, "\n")

	out := &Message{}
	out.Set("From", Address(m.cfg.TrackerName, m.cfg.TrackerEmail))
	out.Set("To", req.To)
	title := item.Str("title")
	if title == "" {
		title = designator
	}
	out.Set("Subject", Encode("["+designator+"] "+title))
	m.standardHeaders(out)
	out.Set("Reply-To", Address(m.cfg.TrackerName, m.cfg.TrackerEmail))
	id := m.newMessageID(designator)
	out.Set("Message-Id", id)
	if inReplyTo != "" {
		out.Set("In-Reply-To", inReplyTo)
	}
	for _, h := range roundupHeaders(tx, c, item) {
		out.Add(h[0], h[1])
	}
	out.Add("X-Roundup-"+req.Class+"-Id", req.ItemID)
	if m.cfg.Domain != "" {
		out.Set("List-Id", Phrase(m.cfg.TrackerName)+" <issues."+m.cfg.Domain+">")
	}
	out.Set("X-Corral-Reason", "requested")
	if len(files) > 0 {
		out.setMultipart(text, true, files, boundaryFor(id))
	} else {
		out.setText(text)
	}
	return RawMail{From: m.cfg.AdminEmail, To: []string{req.To}, Data: out.Bytes()}, nil
}
