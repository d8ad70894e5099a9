package mailgw

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"

	"github.com/corral-tracker/corral/tracker"
)

// createFiles is create_files: a file item per attachment ("unnamed"
// when it has no name, plus -S file.* values; an auditor's Reject skips
// the file), appended to the item's files.
func (g *Gateway) createFiles(tx *tracker.Tx, d *decision, cur *tracker.Item, atts []Attachment, ch *change) ([]string, error) {
	if d.class.Prop("files") == nil || len(atts) == 0 {
		return nil, nil
	}
	extra, err := g.setValues(tx, "file")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range atts {
		if !tx.Can("Create", "file", "", "") {
			return nil, unauthorized(textNoFiles)
		}
		name := a.Name
		if name == "" {
			name = "unnamed"
		}
		vals := tracker.Values{"type": a.Type, "name": name, "content": string(a.Data)}
		for k, v := range extra {
			vals[k] = v
		}
		id, err := tx.Create("file", vals)
		var rj *tracker.Reject
		var pe *tracker.PermissionError
		switch {
		case errors.As(err, &rj):
			continue
		case errors.As(err, &pe):
			return nil, unauthorized(textNoFiles)
		case err != nil:
			return nil, err
		}
		ids = append(ids, id)
	}
	if d.nodeID != "" && !tx.Can("Edit", d.class.Name, "files", d.nodeID) {
		return nil, unauthorized(textNoAddFiles, d.class.Name)
	}
	all := ids
	if cur != nil {
		all = append(append([]string(nil), cur.IDs("files")...), ids...)
	}
	ch.set("files", uniqueIDs(all))
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

// createMsg is create_msg: the cleaned body becomes a msg (author,
// recipients, date, summary, content, messageid, inreplyto, files, -S
// msg.* values) appended to the item's messages; an empty body makes no
// msg (and no notification); no usable text part at all is refused.
func (g *Gateway) createMsg(tx *tracker.Tx, in *inbound, d *decision, cur *tracker.Item, body *string,
	recips, files []string, ch *change) error {
	if d.class.Prop("messages") == nil {
		return nil
	}
	extra, err := g.setValues(tx, "msg")
	if err != nil {
		return err
	}
	if body == nil {
		return usage(textNotPlain)
	}
	isNew := d.nodeID == ""
	keepQuoted := g.opts.KeepQuotedText == "yes" || (g.opts.KeepQuotedText == "new" && isNew)
	keepBody := g.opts.LeaveBodyUnchanged == "yes" || (g.opts.LeaveBodyUnchanged == "new" && isNew)
	summary, content := g.rules.body.Clean(*body, keepQuoted, keepBody)
	content = pyStrip(content)
	if content == "" {
		return nil
	}
	if !tx.Can("Create", "msg", "", "") {
		return unauthorized(textNoMsgs)
	}
	mid := in.msgID
	if mid == "" {
		mid = g.newMessageID(d)
	}
	vals := tracker.Values{}
	for k, v := range extra {
		vals[k] = v
	}
	if recips == nil {
		recips = []string{}
	}
	for k, v := range map[string]any{
		"author": d.authorID, "recipients": recips, "date": tx.Service().Now(),
		"summary": summary, "content": content, "messageid": mid,
		"inreplyto": in.root.Header.Text("in-reply-to"),
	} {
		vals[k] = v
	}
	if files != nil {
		vals["files"] = files
	}
	for k, v := range vals {
		if s, ok := v.(string); ok && s == "" {
			delete(vals, k)
		}
	}
	msgID, err := tx.Create("msg", vals)
	var rj *tracker.Reject
	var pe *tracker.PermissionError
	switch {
	case errors.As(err, &rj):
		return usage(textMsgRejected, rj.Msg)
	case errors.As(err, &pe):
		return unauthorized(textNoMsgs)
	case err != nil:
		return err
	}
	if g.opts.Originals != nil {
		if err := g.opts.Originals.KeepOriginal(tx, msgID, in.raw); err != nil {
			return fmt.Errorf("keeping the original of msg%s: %w", msgID, err)
		}
	}
	if d.nodeID != "" && !tx.Can("Edit", d.class.Name, "messages", d.nodeID) {
		return unauthorized(textNoAddMsgs, d.class.Name)
	}
	msgs := []string{msgID}
	if cur != nil {
		msgs = append(append([]string(nil), cur.IDs("messages")...), msgID)
	}
	ch.set("messages", msgs)
	return nil
}

// newMessageID makes a Message-Id for a mail that has none, as Roundup
// does ("<time.random.issue42@domain>"; for a new item Roundup writes
// "issueNone", Corral just the class).
func (g *Gateway) newMessageID(d *decision) string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	now := g.svc.Now()
	return fmt.Sprintf("<%d.%06d.%s.%s%s@%s>", now.Unix(), now.Nanosecond()/1000,
		base32.StdEncoding.EncodeToString(b), d.class.Name, d.nodeID, g.opts.MailDomain)
}
