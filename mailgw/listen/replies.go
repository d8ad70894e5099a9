package listen

import (
	"errors"
	"fmt"
	"strings"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/emersion/go-smtp"
)

// The replies of the listener, in one place. Codes per RFC 5321 §4.2.2,
// enhanced codes per RFC 3463.
var (
	// replyDeferred is the default text of a temporary failure.
	replyDeferred = "Temporary failure, please try again later"
	// replyRefused is the default text of a refusal.
	replyRefused = "Message refused"
	// errAuthRequired answers MAIL before AUTH when RequireAuth is set
	// (RFC 4954 §6).
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	// errRecipientCheck answers RCPT when the checker failed with an
	// error that is not a *mailgw.RecipientError: try again.
	errRecipientCheck = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Cannot check the recipient now, please try again later"}
	// errReadFailed answers DATA when the message could not be read
	// completely (the connection broke or timed out).
	errReadFailed = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Error reading the message, please try again"}
)

// outcomeReply maps a handler's outcome to the DATA reply: nil (250) for
// Accepted, 550 5.7.1 for Refused, 451 4.3.0 for Deferred. LMTP replies
// are kept to one line, as go-smtp puts the recipient in front of them.
func outcomeReply(out mailgw.Outcome, lmtp bool) error {
	switch out.Status {
	case mailgw.Accepted:
		return nil
	case mailgw.Refused:
		return reply(550, smtp.EnhancedCode{5, 7, 1}, out.Text, replyRefused, lmtp)
	default: // Deferred, or anything new: never lose a message
		return reply(451, smtp.EnhancedCode{4, 3, 0}, out.Text, replyDeferred, lmtp)
	}
}

// recipientReply maps a RecipientChecker's error to the RCPT reply:
// 451 4.3.0 for a temporary *mailgw.RecipientError, 550 5.1.1 for a
// permanent one, 451 for any other error.
func recipientReply(err error) error {
	if err == nil {
		return nil
	}
	var re *mailgw.RecipientError
	if !errors.As(err, &re) {
		return errRecipientCheck
	}
	if re.Temporary {
		return reply(451, smtp.EnhancedCode{4, 3, 0}, re.Text, replyDeferred, true)
	}
	return reply(550, smtp.EnhancedCode{5, 1, 1}, re.Text, "No such recipient here", true)
}

// rateLimitReply answers MAIL from a sender over its rate.
func rateLimitReply(sender string) error {
	if sender == "" {
		sender = "<>"
	}
	return reply(451, smtp.EnhancedCode{4, 7, 1}, "Too many messages from "+sender+", please try again later", "", true)
}

// reply builds an *smtp.SMTPError from text (def when empty), cleaned by
// replyText. A multi-line text carries the enhanced code on every line
// (RFC 2034 §4; go-smtp adds it to the last one only); oneLine joins the
// lines and cuts the result instead.
func reply(code int, enh smtp.EnhancedCode, text, def string, oneLine bool) *smtp.SMTPError {
	prefix := fmt.Sprintf("%d.%d.%d ", enh[0], enh[1], enh[2])
	// A text that starts with its own enhanced code would show it twice.
	msg := replyText(strings.TrimPrefix(strings.TrimSpace(text), prefix), def)
	lines := strings.Split(msg, "\n")
	if oneLine {
		msg = strings.Join(lines, " ")
		if len(msg) > maxReplyLine {
			cut := maxReplyLine - 3
			for cut > 0 && !isRuneStart(msg[cut]) {
				cut--
			}
			msg = msg[:cut] + "..."
		}
	} else {
		for i := range len(lines) - 1 {
			lines[i] = prefix + lines[i]
		}
		msg = strings.Join(lines, "\n")
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: msg}
}

// temporary reports whether err is a 4xx reply (checked by type).
func temporary(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se) && se.Temporary()
}

// Reply text limits: RFC 5321 §4.5.3.1.5 allows 512 octets per reply
// line including the code; bounces can be long, so they are wrapped and
// cut.
const (
	maxReplyLine  = 400
	maxReplyLines = 20
)

// replyText turns a (possibly multi-line) error text into reply lines:
// no CR or control characters, lines wrapped at spaces to maxReplyLine,
// at most maxReplyLines lines, def when nothing is left.
func replyText(text, def string) string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.Map(func(r rune) rune {
			if r == '\t' {
				return ' '
			}
			if r < ' ' || r == 0x7f {
				return -1
			}
			return r
		}, l)
		l = strings.TrimRight(l, " ")
		for len(l) > maxReplyLine {
			cut := strings.LastIndexByte(l[:maxReplyLine], ' ')
			if cut <= 0 {
				cut = maxReplyLine
				for cut > 0 && !isRuneStart(l[cut]) {
					cut--
				}
			}
			lines = append(lines, l[:cut])
			l = strings.TrimLeft(l[cut:], " ")
		}
		lines = append(lines, l)
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return def
	}
	if len(lines) > maxReplyLines {
		lines = append(lines[:maxReplyLines-1], "...")
	}
	for i, l := range lines {
		if l == "" {
			lines[i] = "." // some clients drop empty continuation lines
		}
	}
	return strings.Join(lines, "\n")
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
