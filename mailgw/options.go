package mailgw

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Options configure a Gateway. cmd/corral-mailgw fills them from
// config.ini ([mailgw], [main], [tracker]) and the command line; field
// comments name the Roundup option. Zero values are Roundup's defaults
// where that makes sense.
type Options struct {
	// DefaultClass is -c or [mailgw] default_class ("issue"); "" refuses
	// subjects without a class.
	DefaultClass string
	// SetValues are the -S arguments, "[class.]prop=value[;prop=value]",
	// applied to what the gateway creates (class msg when none is named).
	SetValues []string

	// KeepQuotedText is [mailgw] keep_quoted_text: "yes" (default), "no",
	// or "new" (keep only when the mail creates an item).
	KeepQuotedText string
	// LeaveBodyUnchanged is [mailgw] leave_body_unchanged: "no"
	// (default), "yes", "new".
	LeaveBodyUnchanged string
	// SubjectPrefixParsing, SubjectSuffixParsing: "strict" (default),
	// "loose", "none".
	SubjectPrefixParsing, SubjectSuffixParsing string
	// SubjectSuffixDelimiters are the two bracket characters ("[]").
	SubjectSuffixDelimiters string
	// SubjectContentMatch is "always" (default), "never", or "creation
	// INTERVAL" / "activity INTERVAL" (e.g. "activity +7d").
	SubjectContentMatch string
	// SubjectUpdatesTitle: a reply whose subject differs renames the item
	// (Roundup's default yes; set by NoSubjectUpdatesTitle = false).
	NoSubjectUpdatesTitle bool
	// RefwdRE, OrigMsgRE, SignRE, EOLRE, BlankLineRE are the [mailgw]
	// expressions in Python syntax; "" means Roundup's default.
	RefwdRE, OrigMsgRE, SignRE, EOLRE, BlankLineRE string
	// UnpackRFC822, IgnoreAlternatives: [mailgw] options of those names.
	UnpackRFC822, IgnoreAlternatives bool
	// ConvertHTMLToText is [mailgw] convert_htmltotext: "none" (default)
	// refuses HTML-only mail; any other value converts it (Corral has one
	// converter, HTMLToText).
	ConvertHTMLToText string
	// KeepRealFrom is [mailgw] keep_real_from: ignore Resent-From.
	KeepRealFrom bool
	// SMTPRefusal is [mailgw] smtp_refusal: "reject" (default) answers a
	// refused mail on the SMTP/LMTP listener with 550 and no bounce,
	// "bounce" accepts it and mails the bounce as Roundup does.
	SMTPRefusal string

	// TrackerEmail is [tracker] email as a full address: dropped from
	// recipients, accepted at RCPT. Aliases are more addresses of this
	// tracker for RCPT checks and recipient filtering.
	TrackerEmail string
	Aliases      []string
	// TrackerWeb is [tracker] web (the registration link in bounces).
	TrackerWeb string
	// TrackerName is [tracker] name (registration-complete subject).
	TrackerName string
	// MailDomain is [mail] domain (generated Message-Ids).
	MailDomain string
	// AdminEmail, DispatcherEmail, ErrorMessagesTo: [main] admin_email,
	// dispatcher_email, error_messages_to (user, dispatcher, both).
	AdminEmail, DispatcherEmail, ErrorMessagesTo string
	// NewEmailUserRoles / NewWebUserRoles: [main] roles of users created
	// by mail / confirmed by a registration reply ("User").
	NewEmailUserRoles, NewWebUserRoles string
	// NoRegistrationConfirmation turns off [main]
	// email_registration_confirmation (default yes).
	NoRegistrationConfirmation bool

	// Originals, when set, keeps each accepted mail's raw bytes with the
	// msg item it became (see OriginalStore).
	Originals OriginalStore
	// Now is the clock (tests); nil is the tracker's.
	Now func() time.Time
	// Logger receives one line per message; nil discards.
	Logger *slog.Logger
}

// OriginalStore keeps the raw original of a message next to the msg item
// made from it, inside the same transaction, so quote and signature
// stripping never lose text for good.
type OriginalStore interface {
	KeepOriginal(tx *tracker.Tx, msgID string, raw []byte) error
}

// ruleSet is everything compiled from Options for one schema.
type ruleSet struct {
	subject *SubjectParser
	body    *BodyRules
	extract Extractor
	// setValues are the -S values per class name.
	setValues map[string][]string
	// matchLimit/matchAge restrict title matching ("activity", +7d).
	matchProp string
	matchAge  tracker.Interval
}

func (o *Options) defaults() {
	def := func(p *string, v string) {
		if strings.TrimSpace(*p) == "" {
			*p = v
		}
	}
	def(&o.KeepQuotedText, "yes")
	def(&o.LeaveBodyUnchanged, "no")
	def(&o.SubjectPrefixParsing, "strict")
	def(&o.SubjectSuffixParsing, "strict")
	def(&o.SubjectSuffixDelimiters, "[]")
	def(&o.SubjectContentMatch, "always")
	def(&o.RefwdRE, DefaultRefwd)
	def(&o.ConvertHTMLToText, "none")
	def(&o.SMTPRefusal, "reject")
	def(&o.ErrorMessagesTo, "user")
	def(&o.NewEmailUserRoles, "User")
	def(&o.NewWebUserRoles, "User")
	def(&o.AdminEmail, "roundup-admin")
	def(&o.DispatcherEmail, o.AdminEmail)
	def(&o.TrackerName, "Roundup issue tracker")
	def(&o.MailDomain, "localhost")
	o.DefaultClass = strings.TrimSpace(o.DefaultClass)
}

// compile checks the options against the schema and compiles them.
func (o *Options) compile(schema *tracker.Schema) (*ruleSet, error) {
	r := &ruleSet{}
	var err error
	if r.subject, err = NewSubjectParser(o.RefwdRE, o.SubjectSuffixDelimiters, schema.ClassNames()); err != nil {
		return nil, err
	}
	if r.body, err = NewBodyRules(o.EOLRE, o.BlankLineRE, o.SignRE, o.OrigMsgRE); err != nil {
		return nil, err
	}
	r.extract = Extractor{IgnoreAlternatives: o.IgnoreAlternatives, UnpackRFC822: o.UnpackRFC822}
	if o.ConvertHTMLToText != "none" {
		r.extract.HTML = HTMLToText
	}
	for _, m := range []struct{ name, v string }{
		{"subject_prefix_parsing", o.SubjectPrefixParsing}, {"subject_suffix_parsing", o.SubjectSuffixParsing},
	} {
		if m.v != "strict" && m.v != "loose" && m.v != "none" {
			return nil, fmt.Errorf("[mailgw] %s: %q is not strict, loose or none", m.name, m.v)
		}
	}
	switch cm := strings.TrimSpace(o.SubjectContentMatch); {
	case cm == "always" || cm == "never":
	case strings.HasPrefix(cm, "creation ") || strings.HasPrefix(cm, "activity "):
		prop, spec, _ := strings.Cut(cm, " ")
		iv, err := tracker.ParseInterval(strings.TrimSpace(spec))
		if err != nil {
			return nil, fmt.Errorf("[mailgw] subject_content_match: %w", err)
		}
		r.matchProp, r.matchAge = prop, iv
	default:
		return nil, fmt.Errorf("[mailgw] subject_content_match: %q is not always, never, creation INTERVAL or activity INTERVAL", cm)
	}
	if r.setValues, err = parseSetValues(o.SetValues, schema); err != nil {
		return nil, err
	}
	return r, nil
}

// parseSetValues groups -S arguments by class as Roundup's
// MailGW.parse_set_value does: "class.prop=value;prop=value" names the
// class before the first '.' of the part before the first '='; without
// it the class is msg. Class and property names are checked now, values
// when a message uses them.
func parseSetValues(args []string, schema *tracker.Schema) (map[string][]string, error) {
	out := map[string][]string{}
	for _, v := range args {
		name, rest, ok := strings.Cut(v, "=")
		if !ok {
			return nil, fmt.Errorf("-S %q is not of the form \"[class.]property=value\"", v)
		}
		class := "msg"
		if c, prop, ok := strings.Cut(name, "."); ok {
			class, v = c, prop+"="+rest
		}
		c := schema.Class(class)
		if c == nil {
			return nil, fmt.Errorf("-S %q: there is no class %q", v, class)
		}
		for _, piece := range strings.Split(v, ";") {
			pn, _, ok := strings.Cut(piece, "=")
			if !ok || c.Prop(strings.TrimSpace(pn)) == nil {
				return nil, fmt.Errorf("-S %q: %q is not a property of %s", v, strings.TrimSpace(pn), class)
			}
		}
		out[class] = append(out[class], v)
	}
	return out, nil
}
