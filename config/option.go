package config

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Kind is the type of an option's value. The kinds mirror Roundup's
// Option classes in roundup/configuration.py (BooleanOption,
// IntegerNumberGeqZeroOption, FilePathOption, ...), folded into a few
// shapes plus per-option checks.
type Kind int

const (
	// String is any text (Roundup's Option and NullableOption).
	String Kind = iota
	// Bool accepts yes/no, true/false, on/off, 1/0 in any letter case
	// (BooleanOption) and is written as yes or no.
	Bool
	// Int is a decimal integer, optionally with a lower bound
	// (IntegerNumberOption, ...GeqZeroOption, ...GtZeroOption).
	Int
	// Number is a decimal floating point number (FloatNumberOption).
	Number
	// Octal is an octal integer such as a umask: 02, 0002 or 0o2
	// (OctalNumberOption); it is written as 0o2.
	Octal
	// Path is a file or directory name, relative to the tracker home
	// unless absolute; empty means unset (FilePathOption).
	Path
	// PathList is a space-separated list of paths, each relative to the
	// tracker home unless absolute (MultiFilePathOption).
	PathList
	// List is a list of words separated by commas and/or spaces
	// (WordListOption, role lists).
	List
	// Choice is one of a fixed set of words, matched case-insensitively
	// and returned in its canonical spelling (RunDetectorOption,
	// CsrfSettingOption, ...).
	Choice
	// Regexp is a regular expression; Roundup's are Python syntax, Corral
	// compiles them with Go's RE2, which accepts the ones Roundup ships
	// (RegExpOption).
	Regexp
	// Address is an e-mail address; one without `@` gets `@` + [mail]
	// domain appended when read with Config.Address (MailAddressOption).
	Address
)

// String names the kind, for messages and documentation.
func (k Kind) String() string {
	switch k {
	case String:
		return "string"
	case Bool:
		return "bool"
	case Int:
		return "int"
	case Number:
		return "number"
	case Octal:
		return "octal"
	case Path:
		return "path"
	case PathList:
		return "path list"
	case List:
		return "list"
	case Choice:
		return "choice"
	case Regexp:
		return "regexp"
	case Address:
		return "address"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Option describes one config.ini setting: where it lives, its type, its
// default and the help text that genconfig writes above it.
type Option struct {
	Section string
	Name    string // lower case, as in the file
	Kind    Kind
	// Default is the value in ini text form. It is meaningless when
	// NoDefault is set.
	Default string
	// NoDefault marks Roundup's NODEFAULT options: the file must set them
	// (`[tracker] web`, `[mail] domain`, `[mail] host`).
	NoDefault bool
	// RequiredIf names an option of the same section; when that one is
	// not empty this NoDefault option must be set ([mail] password is
	// needed only with a [mail] username).
	RequiredIf string
	// Generated marks a secret whose default is a fresh random key
	// (Roundup's `[web] secret_key` default is create_token()).
	Generated bool
	// Secret values are redacted by Dump and may be given as
	// `file://PATH`: the first line of that file, PATH relative to the
	// tracker home unless it starts with `/` (Roundup's SecretOption).
	Secret bool
	// Choices are the canonical spellings a Choice accepts.
	Choices []string
	// Min is the lower bound of an Int when HasMin is set.
	Min    int64
	HasMin bool
	// Aliases are the upper-case names older Roundup versions used for
	// the option (MAILHOST, EMAIL_CHARSET, ...); SetByName accepts them.
	Aliases []string
	// Ignored marks Roundup options that Corral reads but does not use
	// (OpenPGP, MySQL, the session database, template engines): they
	// cause no error, a warning when set to something other than their
	// default, and genconfig leaves them out.
	Ignored bool
	// Help is the description genconfig writes as comment lines.
	Help string

	// obsolete maps values Roundup no longer accepts to the value used
	// instead (bpo's `html_version = xhtml`): a warning, not an error.
	obsolete map[string]string
	// check validates the text of a value beyond its kind.
	check func(string) error
}

// CanonicalName is Roundup's name for the option: the option name for
// [main], SECTION_OPTION otherwise, upper-cased (`MAIL_DOMAIN`). These
// are the names `roundup-admin install ... key=value` takes, in any case.
func (o *Option) CanonicalName() string {
	if o.Section == "main" {
		return strings.ToUpper(o.Name)
	}
	return strings.ToUpper(o.Section + "_" + o.Name)
}

// parse converts the text of a value to its Go form (string, bool, int,
// float64, []string or *regexp.Regexp) and checks it.
func (o *Option) parse(text string) (any, error) {
	var v any
	switch o.Kind {
	case String, Address, Path:
		v = text
	case Bool:
		b, err := parseBool(text)
		if err != nil {
			return nil, err
		}
		v = b
	case Int:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", text)
		}
		if o.HasMin && n < o.Min {
			return nil, fmt.Errorf("%d is too small: must be %d or more", n, o.Min)
		}
		v = int(n)
	case Number:
		x, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", text)
		}
		v = x
	case Octal:
		digits := text
		if len(digits) > 2 && (digits[:2] == "0o" || digits[:2] == "0O") {
			digits = digits[2:]
		}
		n, err := strconv.ParseInt(digits, 8, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an octal number", text)
		}
		v = int(n)
	case PathList:
		v = strings.Fields(text)
	case List:
		v = splitList(text)
	case Choice:
		c, ok := o.choose(text)
		if !ok {
			return nil, fmt.Errorf("%q is not one of %s", text, o.choiceList())
		}
		v = c
	case Regexp:
		re, err := regexp.Compile(text)
		if err != nil {
			return nil, fmt.Errorf("%q is not a regular expression Go's RE2 accepts: %w", text, err)
		}
		v = re
	default:
		return nil, fmt.Errorf("unknown kind %v", o.Kind)
	}
	if o.check != nil {
		if err := o.check(text); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (o *Option) choose(text string) (string, bool) {
	for _, c := range o.Choices {
		if strings.EqualFold(c, text) {
			return c, true
		}
	}
	return "", false
}

func (o *Option) choiceList() string {
	quoted := make([]string, len(o.Choices))
	for i, c := range o.Choices {
		if c == "" {
			c = "''"
		}
		quoted[i] = c
	}
	return strings.Join(quoted, ", ")
}

// format writes v (the Go form of a value) back as ini text, the way
// Roundup's value2str does: yes/no for booleans, 0o octal.
func (o *Option) format(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case int:
		if o.Kind == Octal {
			return "0o" + strconv.FormatInt(int64(x), 8)
		}
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []string:
		if o.Kind == PathList {
			return strings.Join(x, " ")
		}
		return strings.Join(x, ",")
	case *regexp.Regexp:
		return x.String()
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// kindHelp is the extra comment genconfig writes for a kind, as Roundup's
// class_description does.
func (o *Option) kindHelp() string {
	switch {
	case o.Secret:
		return "A value starting with file:// names a file (relative to the\ntracker home unless absolute) whose first line is the value."
	case o.Kind == Bool:
		return "Allowed values: yes, no"
	case o.Kind == Choice:
		return "Allowed values: " + o.choiceList()
	case o.Kind == Path:
		return "The path may be either absolute or relative\nto the directory containing this config file."
	case o.Kind == PathList:
		return "The space separated paths may be either absolute\nor relative to the directory containing this config file."
	case o.Kind == List:
		return "Allowed values: list of words separated by commas or spaces"
	case o.Kind == Regexp:
		return "Value is a regular expression (Go RE2 syntax, which\naccepts Roundup's Python defaults)."
	}
	return ""
}

func parseBool(text string) (bool, error) {
	switch strings.ToLower(text) {
	case "yes", "true", "on", "1":
		return true, nil
	case "no", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean: use yes or no", text)
}

// splitList splits on commas and white space and drops empty words.
func splitList(text string) []string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if words == nil {
		return []string{}
	}
	return words
}

// Checks used by the option table.

// checkWebURL is Roundup's WebUrlOption: http(s) and a trailing slash.
func checkWebURL(text string) error {
	var msgs []string
	if !strings.HasPrefix(text, "http://") && !strings.HasPrefix(text, "https://") {
		msgs = append(msgs, "must start with http:// or https://")
	}
	if !strings.HasSuffix(text, "/") {
		msgs = append(msgs, "must end with /")
	}
	if msgs != nil {
		return fmt.Errorf("%q %s", text, strings.Join(msgs, " and "))
	}
	return nil
}

// checkNotEmpty is Roundup's MandatoryOption.
func checkNotEmpty(text string) error {
	if text == "" {
		return fmt.Errorf("must not be empty")
	}
	return nil
}

// checkTimezone accepts what roundup.date.get_timezone does: a zone name
// (EET, Europe/Warsaw) or a numeric offset from UTC in hours.
func checkTimezone(text string) error {
	if _, err := strconv.ParseFloat(text, 64); err == nil {
		return nil
	}
	if _, err := time.LoadLocation(text); err != nil || text == "" {
		return fmt.Errorf("%q is neither a time zone name nor an offset in hours", text)
	}
	return nil
}

// checkLogFormat is Roundup's LoggingFormatOption check: every %(name)
// must be followed by a conversion letter. The text has already been
// through interpolation, so the file's %%( is %( here.
func checkLogFormat(text string) error {
	for rest := text; ; {
		p := strings.Index(rest, "%(")
		if p < 0 {
			return nil
		}
		rest = rest[p+2:]
		n := 0
		for n < len(rest) && (rest[n] == '_' || 'a' <= rest[n]|0x20 && rest[n]|0x20 <= 'z') {
			n++
		}
		if n > 0 && n+1 < len(rest) && rest[n] == ')' && !unicode.IsSpace(rune(rest[n+1])) {
			rest = rest[n+2:]
			continue
		}
		return fmt.Errorf("%q: every %%(name) needs a format letter after the ), as in %%(message)s (written %%%%(message)s in config.ini)", text)
	}
}

// checkOrigins is Roundup's OriginHeadersListOption: `*` only first.
func checkOrigins(text string) error {
	if i := slices.Index(splitList(text), "*"); i > 0 {
		return fmt.Errorf("'*' must be the first origin if it is used")
	}
	return nil
}

// checkJWTSecrets is Roundup's jwt_secret rule: every secret after the
// first (those kept only to validate old tokens) has 32 characters or
// more.
func checkJWTSecrets(text string) error {
	var short []string
	for _, s := range splitComma(text)[1:] {
		if len(s) < 32 {
			short = append(short, s)
		}
	}
	if short != nil {
		return fmt.Errorf("%d of the older secrets are shorter than 32 characters", len(short))
	}
	return nil
}

func splitComma(text string) []string {
	parts := strings.Split(text, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// checkContentMatch accepts Roundup's subject_content_match values:
// always, never, or `creation + INTERVAL` / `activity + INTERVAL`.
func checkContentMatch(text string) error {
	t := strings.ToLower(text)
	if t == "always" || t == "never" {
		return nil
	}
	for _, base := range []string{"creation", "activity"} {
		if rest, ok := strings.CutPrefix(t, base); ok {
			if rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "+"); ok && strings.TrimSpace(rest) != "" {
				return nil
			}
		}
	}
	return fmt.Errorf("%q is not always, never, `creation + INTERVAL` or `activity + INTERVAL`", text)
}

// checkIMAPAfter is Corral's [mailgw] imap_after: seen, delete or
// move:MAILBOX.
func checkIMAPAfter(text string) error {
	switch t := strings.ToLower(text); {
	case t == "seen" || t == "delete":
		return nil
	case strings.HasPrefix(t, "move:") && strings.TrimSpace(text[len("move:"):]) != "":
		return nil
	}
	return fmt.Errorf("%q is not seen, delete or move:MAILBOX", text)
}

// checkHostPort wants HOST:PORT, as irker's server address.
func checkHostPort(text string) error {
	if _, port, err := net.SplitHostPort(text); err != nil || port == "" {
		return fmt.Errorf("%q is not HOST:PORT", text)
	}
	return nil
}

// checkDelimiters wants the two brackets of [mailgw]
// subject_suffix_delimiters, such as [] or <>.
func checkDelimiters(text string) error {
	if len([]rune(text)) != 2 {
		return fmt.Errorf("%q is not an opening and a closing character, such as []", text)
	}
	return nil
}
