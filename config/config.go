package config

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// IniFile is the name of a tracker's configuration file in its home.
const IniFile = "config.ini"

// origin says where an option's current value came from.
type origin int

const (
	fromDefault   origin = iota // the registry default
	fromGenerated               // a random secret made up at load time
	fromFile                    // config.ini (or its [DEFAULT])
	fromSet                     // Config.Set / SetByName
	fromLegacy                  // db/backend_name of old trackers
)

// setting is the current value of one registered option.
type setting struct {
	text   string // the value as text: interpolated, before conversion
	raw    string // as written in the file (uninterpolated), if fromFile
	file   string // where it came from, for messages
	line   int
	origin origin
	value  any    // the converted value; the default's when err != nil
	err    error  // why text is not a valid value
	warn   string // accepted, but worth a warning
}

func (s *setting) isSet() bool { return s.origin >= fromFile }

// Config is a tracker's configuration: the option registry applied to a
// config.ini and the tracker home, as Roundup's CoreConfig is. Values are
// read with typed getters; every option has a value (its default when the
// file does not set it), except NoDefault options that are not set.
//
// Loading never fails on a bad value: call Validate to get every problem
// at once (a getter returns the default for an option whose value is
// invalid), and Warnings for what is odd but harmless (unknown sections
// such as bpo's [django], unknown options, ignored Roundup options).
//
// A Config is not safe for concurrent Set; after loading, concurrent
// reads are fine.
type Config struct {
	home     string
	file     *File
	settings map[*Option]*setting
	// keepSecretRefs leaves file:// secrets unread (genconfig: the file
	// may not exist yet).
	keepSecretRefs bool
}

// Load reads HOME/config.ini. HOME is made absolute, as Roundup's
// TRACKER_HOME: `%(TRACKER_HOME)s` and `%(HOME)s` in the file and every
// relative Path option resolve against it. A missing config.ini is an
// error; syntax errors come back as Problems. If config.ini does not set
// `[rdbms] backend`, the backend named in a legacy `db/backend_name`
// (Roundup 1.x trackers) is used, with a warning.
func Load(home string) (*Config, error) {
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil, fmt.Errorf("loading tracker configuration: %w", err)
	}
	path := filepath.Join(abs, IniFile)
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("loading tracker configuration: %s is not a tracker home (no %s): %w", abs, IniFile, err)
	}
	if err != nil {
		return nil, fmt.Errorf("loading tracker configuration: %w", err)
	}
	defer fh.Close()
	f, err := Parse(IniFile, fh)
	if err != nil {
		return nil, err
	}
	c, err := FromFile(abs, f)
	if err != nil {
		return nil, err
	}
	c.legacyBackend()
	return c, nil
}

// FromFile applies the registry to a parsed file. home is the tracker
// home (made absolute); it is added to f's [DEFAULT] as TRACKER_HOME and
// HOME for interpolation, as Roundup does, unless the file sets them
// there itself. Unlike Load it does not look at db/backend_name.
func FromFile(home string, f *File) (*Config, error) {
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil, fmt.Errorf("loading tracker configuration: %w", err)
	}
	f.SetDefault("home", abs)
	f.SetDefault("tracker_home", abs)
	c := &Config{home: abs, file: f, settings: map[*Option]*setting{}}
	for _, sd := range table.sections {
		for i := range sd.options {
			o := &sd.options[i]
			c.settings[o] = c.fromFile(o)
		}
	}
	return c, nil
}

// New returns the configuration of a tracker home without a config.ini:
// every option at its default. genconfig and install start from it.
func New(home string) (*Config, error) {
	return FromFile(home, NewFile(IniFile))
}

// fromFile computes an option's setting from the file, or its default.
func (c *Config) fromFile(o *Option) *setting {
	raw, line, ok := c.file.Raw(o.Section, o.Name)
	if !ok {
		return c.defaultSetting(o)
	}
	text, _, err := c.file.Get(o.Section, o.Name)
	s := &setting{raw: raw, file: c.file.Name(), line: line, origin: fromFile}
	if err != nil {
		var p Problem
		if errors.As(err, &p) {
			err = errors.New(p.Msg)
		}
		s.err = err
		s.value = c.defaultValue(o)
		return s
	}
	c.convert(o, s, text)
	return s
}

func (c *Config) defaultSetting(o *Option) *setting {
	s := &setting{file: c.file.Name(), origin: fromDefault}
	switch {
	case o.Generated:
		s.origin = fromGenerated
		s.text = newSecret()
		s.value = s.text
	case o.NoDefault:
		s.value = zeroValue(o.Kind)
	default:
		s.text = o.Default
		s.value = c.defaultValue(o)
	}
	return s
}

// convert sets s.text and s.value (or s.err) from text.
func (c *Config) convert(o *Option, s *setting, text string) {
	s.text = text
	if repl, ok := o.obsolete[strings.ToLower(text)]; ok {
		s.warn = fmt.Sprintf("%q is no longer supported; %q is used", text, repl)
		text = repl
	}
	v := text
	if o.Secret {
		var err error
		if v, err = c.resolveSecret(text); err != nil {
			s.err = err
			s.value = c.defaultValue(o)
			return
		}
	}
	val, err := o.parse(v)
	if err != nil {
		s.err = err
		s.value = c.defaultValue(o)
		return
	}
	s.value = val
}

// defaultValue is the converted default, or the kind's zero value.
func (c *Config) defaultValue(o *Option) any {
	if o.NoDefault || o.Generated {
		return zeroValue(o.Kind)
	}
	v, err := o.parse(o.Default)
	if err != nil {
		// The table is tested to hold only valid defaults.
		return zeroValue(o.Kind)
	}
	return v
}

func zeroValue(k Kind) any {
	switch k {
	case Bool:
		return false
	case Int, Octal:
		return 0
	case Number:
		return 0.0
	case List, PathList:
		return []string{}
	case Regexp:
		return (*regexp.Regexp)(nil)
	}
	return ""
}

// resolveSecret implements Roundup's SecretOption: `file://PATH` stands
// for the first line of PATH (relative to the tracker home; file:///...
// is absolute), trailing white space removed.
func (c *Config) resolveSecret(text string) (string, error) {
	path, ok := strings.CutPrefix(text, "file://")
	if !ok || c.keepSecretRefs {
		return text, nil
	}
	path = strings.TrimSpace(path)
	if path == "" {
		return "", fmt.Errorf("file:// names no file")
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.home, path)
	}
	fh, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading the secret: %w", err)
	}
	defer fh.Close()
	line, err := bufio.NewReader(fh).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the secret from %s: %w", path, err)
	}
	return strings.TrimRight(line, " \t\r\n"), nil
}

// newSecret makes a random key as Roundup's create_token does: 32 random
// bytes, base64.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// legacyBackend applies a Roundup 1.x `db/backend_name` when config.ini
// has no [rdbms] backend; config.ini wins when it has one.
func (c *Config) legacyBackend() {
	o := table.option("rdbms", "backend")
	if c.settings[o].isSet() {
		return
	}
	path := filepath.Join(c.Path("main", "database"), "backend_name")
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	name, _ := filepath.Rel(c.home, path)
	if name == "" || strings.HasPrefix(name, "..") {
		name = path
	}
	s := &setting{file: filepath.ToSlash(name), origin: fromLegacy}
	c.convert(o, s, strings.TrimSpace(string(data)))
	s.warn = fmt.Sprintf("not set in %s; using %q from this legacy Roundup file (set [rdbms] backend instead)", IniFile, s.text)
	c.settings[o] = s
}

// Home is the absolute tracker home.
func (c *Config) Home() string { return c.home }

// File is the parsed config.ini, with the options Corral does not know.
func (c *Config) File() *File { return c.file }

// lookup finds a registered option and its setting. Asking for an option
// that is not registered, or with a getter of the wrong kind, is a
// programming error and panics.
func (c *Config) lookup(section, option string, kinds ...Kind) (*Option, *setting) {
	o := table.option(section, option)
	if o == nil {
		panic(fmt.Sprintf("config: [%s] %s is not a registered option", section, option))
	}
	if len(kinds) > 0 && !slices.Contains(kinds, o.Kind) {
		panic(fmt.Sprintf("config: [%s] %s is a %v option, not %v", section, option, o.Kind, kinds))
	}
	return o, c.settings[o]
}

// IsSet reports whether the option was given (in config.ini, with Set, or
// by a legacy file) rather than left at its default.
func (c *Config) IsSet(section, option string) bool {
	_, s := c.lookup(section, option)
	return s.isSet()
}

// Raw returns the option's value as text: interpolated, before
// conversion (a secret's file:// reference, a path as written). Any kind.
func (c *Config) Raw(section, option string) string {
	_, s := c.lookup(section, option)
	return s.text
}

// String returns a String, Choice (in its canonical spelling), Address (as
// written, see Address) or Regexp (its pattern) option. A secret given as
// file://PATH is returned as the first line of that file.
func (c *Config) String(section, option string) string {
	o, s := c.lookup(section, option, String, Choice, Address, Regexp)
	if v, ok := s.value.(string); ok {
		return v
	}
	return o.format(s.value)
}

// Bool returns a Bool option.
func (c *Config) Bool(section, option string) bool {
	_, s := c.lookup(section, option, Bool)
	return s.value.(bool)
}

// Int returns an Int or Octal option.
func (c *Config) Int(section, option string) int {
	_, s := c.lookup(section, option, Int, Octal)
	return s.value.(int)
}

// Float returns a Number or Int option.
func (c *Config) Float(section, option string) float64 {
	_, s := c.lookup(section, option, Number, Int)
	if n, ok := s.value.(int); ok {
		return float64(n)
	}
	return s.value.(float64)
}

// List returns a List option's words (split at commas and spaces); never
// nil.
func (c *Config) List(section, option string) []string {
	_, s := c.lookup(section, option, List)
	return slices.Clone(s.value.([]string))
}

// Path returns a Path option as an absolute path: a relative value is
// joined to the tracker home, as Roundup's FilePathOption does. An empty
// value (unset) stays "".
func (c *Config) Path(section, option string) string {
	_, s := c.lookup(section, option, Path)
	return c.abs(s.value.(string))
}

// Paths returns a PathList option, each element made absolute against
// the tracker home; a "-" (Roundup's end-of-list marker for static_files)
// is kept as is.
func (c *Config) Paths(section, option string) []string {
	_, s := c.lookup(section, option, PathList)
	var out []string
	for _, p := range s.value.([]string) {
		if p != "-" {
			p = c.abs(p)
		}
		out = append(out, p)
	}
	return out
}

func (c *Config) abs(p string) string {
	if p == "" {
		return ""
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(c.home, p)
}

// Address returns an Address option with `@` + [mail] domain appended
// when it has no domain, as Roundup's MailAddressOption does.
func (c *Config) Address(section, option string) string {
	_, s := c.lookup(section, option, Address)
	addr := s.value.(string)
	domain := c.settings[table.option("mail", "domain")].value.(string)
	if addr == "" || strings.Contains(addr, "@") || domain == "" {
		return addr
	}
	return addr + "@" + domain
}

// Regexp returns a Regexp option compiled (without flags; Roundup's
// mail gateway adds its own, e.g. case-insensitivity, to the pattern).
func (c *Config) Regexp(section, option string) *regexp.Regexp {
	_, s := c.lookup(section, option, Regexp)
	return s.value.(*regexp.Regexp)
}

// Set gives an option a new value, checked as a value in the file is; a
// bad value is refused and the old one kept. The value is literal: no
// %(name)s interpolation. The option name is case-insensitive.
func (c *Config) Set(section, option, value string) error {
	o := table.option(section, option)
	if o == nil {
		return fmt.Errorf("setting [%s] %s: no such option", section, option)
	}
	s := &setting{file: c.file.Name(), origin: fromSet}
	c.convert(o, s, value)
	if s.err != nil {
		return fmt.Errorf("setting [%s] %s: %w", o.Section, o.Name, s.err)
	}
	c.settings[o] = s
	return nil
}

// SetByName sets an option named the way `roundup-admin install TEMPLATE
// BACKEND key=value,...` names it: `tracker_web`, `mail_domain`,
// `rdbms_name`, `mailgw_keep_quoted_text`, a bare [main] option such as
// `admin_email`, or an old alias such as `mailhost` (see LookupName).
func (c *Config) SetByName(name, value string) error {
	o := table.resolve(name)
	if o == nil {
		sec, opt := table.sectionOf(name)
		return fmt.Errorf("setting %s: no option [%s] %s (names are SECTION_OPTION, such as mail_domain, or a [main] option)", name, sec, opt)
	}
	return c.Set(o.Section, o.Name, value)
}
