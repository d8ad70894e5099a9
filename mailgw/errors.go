package mailgw

import (
	"errors"
	"fmt"
	"strings"
)

// refusal is a permanent failure: Roundup's MailUsageError (help text
// appended to the bounce) and Unauthorized (no help). text is exactly
// Roundup's str(exception), leading and trailing line breaks included,
// so bounces read as Roundup's do.
type refusal struct {
	text string
	help bool
	// unexpected marks Roundup's catch-all ("An unexpected error
	// occurred"): the administrator gets a copy with the details.
	unexpected bool
	detail     string
}

func (r *refusal) Error() string { return strings.TrimSpace(r.text) }

// usage is a refusal with the help text (MailUsageError).
func usage(format string, args ...any) *refusal {
	return &refusal{text: fmt.Sprintf(format, args...), help: true}
}

// unauthorized is a refusal without help text (Unauthorized).
func unauthorized(format string, args ...any) *refusal {
	return &refusal{text: fmt.Sprintf(format, args...)}
}

// temporary wraps a failure that may pass on a later try (database
// busy or unreachable, outbox full): the message is deferred.
type temporary struct{ err error }

func (t *temporary) Error() string { return t.err.Error() }
func (t *temporary) Unwrap() error { return t.err }

func asRefusal(err error) (*refusal, bool) {
	var r *refusal
	ok := errors.As(err, &r)
	return r, ok
}

// Roundup's bounce texts (roundup/mailgw.py), word for word.
const (
	textNoSubject = "\nEmails to Roundup trackers must include a Subject: line!\n"

	textExamples = `The subject must contain a class name or
designator to indicate the 'topic' of the message. For example:
    Subject: [issue] This is a new issue
      - this will create a new issue in the tracker with the title 'This is
        a new issue'.
    Subject: [issue1234] This is a followup to issue 1234
      - this will append the message's contents to the existing issue 1234
        in the tracker.
`
	textBadPrefix = "\nThe message you sent to roundup did not contain a properly formed subject\nline. " +
		textExamples + "\nSubject was: '%s'\n"
	textNoClass = "\nYou did not identify a class name in the subject line and there is no\ndefault set for this tracker. " +
		textExamples + "\nSubject was: '%s'\n"
	textUnknownClass = "\nThe class name you identified in the subject line (\"%s\") does\nnot exist in the database.\n\nValid class names are: %s\nSubject was: \"%s\"\n"
	textNoMatch      = "\nI cannot match your message to a node in the database - you need to either\nsupply a full designator (with number, eg \"[issue123]\") or keep the\nprevious subject title intact so I can match that.\n\nSubject was: \"%s\"\n"
	textNoNode       = "\nThe node specified by the designator in the subject of your message\n(\"%s\") does not exist.\n\nSubject was: \"%s\"\n"
	textNotUser      = "\nYou are not a registered user.%s\n\nUnknown address: %s\n"
	textRegister     = " Please register at:\n\n%suser?@template=register\n\n...before sending mail to the tracker."
	textNoAccess     = "You are not permitted to access this tracker."
	textNoEdit       = "You are not permitted to edit %s."
	textNoCreate     = "You are not permitted to create %s."
	textArgs         = "\nThere were problems handling your subject line argument list:\n- %s\n\nSubject was: \"%s\"\n"
	textArgForm      = "not of form [arg=value,value,...;arg=value,value,...]"
	textNoFiles      = "You are not permitted to create files."
	textNoAddFiles   = "You are not permitted to add files to %s."
	textNotPlain     = "\nRoundup requires the submission to be plain text. The message parser could\nnot find a text/plain part to use.\n"
	textNoMsgs       = "You are not permitted to create messages."
	textNoAddMsgs    = "You are not permitted to add messages to %s."
	textMsgRejected  = "\nMail message was rejected by a detector.\n%s\n"
	textNoEditProp   = "You are not permitted to edit property %s of class %s."
	textNoSetProp    = "You are not permitted to set property %s of class %s."
	textProblem      = "\nThere was a problem with the message you sent:\n   %s\n"
	textSetup        = "\nThe mail gateway is not properly set up. Please contact\n%s and have them fix the incorrect properties:\n  %s\n"
	textUnexpected   = "An unexpected error occurred during the processing\nof your message. The tracker administrator is being\nnotified.\n"
	textBadKey       = "\nThere was a problem with the message you sent:\n   The registration key in the subject is unknown or has expired.\n"
)
