package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DetectorsFile is where a tracker keeps its detectors' settings.
const DetectorsFile = "detectors/config.ini"

// Detectors is a tracker's detectors/config.ini: settings of the
// detectors (bpo's `[main] triage_email`, `[irker] channels`, the
// spambayes URI...) with no registry, as Roundup's UserConfig reads it:
// every section and option found, interpolation with %(HOME)s set to the
// detectors directory (and Corral adds %(TRACKER_HOME)s). Getters take
// the default to use when the option is not set, and report a value that
// does not convert as an error naming file and line.
type Detectors struct {
	file *File
}

// LoadDetectors reads HOME/detectors/config.ini; a missing file gives an
// empty configuration, since most trackers have none.
func LoadDetectors(home string) (*Detectors, error) {
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil, fmt.Errorf("loading detector configuration: %w", err)
	}
	path := filepath.Join(abs, filepath.FromSlash(DetectorsFile))
	var f *File
	fh, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f = NewFile(DetectorsFile)
	case err != nil:
		return nil, fmt.Errorf("loading detector configuration: %w", err)
	default:
		defer fh.Close()
		if f, err = Parse(DetectorsFile, fh); err != nil {
			return nil, err
		}
	}
	f.SetDefault("home", filepath.Dir(path))
	f.SetDefault("tracker_home", abs)
	return &Detectors{file: f}, nil
}

// File is the parsed file (empty when there is none).
func (d *Detectors) File() *File { return d.file }

// Lookup returns an option's interpolated value; ok is false when it is
// not set.
func (d *Detectors) Lookup(section, option string) (value string, ok bool, err error) {
	return d.file.Get(section, option)
}

// ByName resolves Roundup's canonical detector option names, as detectors
// use them (`db.config.detectors['IRKER_CHANNELS']`, `TRIAGE_EMAIL` for
// [main] triage_email), to the section and option of this file.
func (d *Detectors) ByName(name string) (section, option string, ok bool) {
	want := strings.ToUpper(name)
	for _, sec := range d.file.Sections() {
		for _, opt := range d.file.Options(sec) {
			canon := strings.ToUpper(opt)
			if sec != "main" {
				canon = strings.ToUpper(sec) + "_" + canon
			}
			if canon == want {
				return sec, opt, true
			}
		}
	}
	return "", "", false
}

// problem formats a conversion error with the option's place.
func (d *Detectors) problem(section, option, format string, args ...any) error {
	_, line, _ := d.file.Raw(section, option)
	return Problem{File: d.file.Name(), Line: line, Section: section, Option: strings.ToLower(option), Msg: fmt.Sprintf(format, args...)}
}

// String returns the option's value, or def when it is not set.
func (d *Detectors) String(section, option, def string) (string, error) {
	v, ok, err := d.Lookup(section, option)
	if err != nil || !ok {
		return def, err
	}
	return v, nil
}

// Bool returns the option as a boolean (yes/no, true/false, on/off, 1/0),
// or def when it is not set.
func (d *Detectors) Bool(section, option string, def bool) (bool, error) {
	v, ok, err := d.Lookup(section, option)
	if err != nil || !ok {
		return def, err
	}
	b, err := parseBool(v)
	if err != nil {
		return def, d.problem(section, option, "%v", err)
	}
	return b, nil
}

// Int returns the option as a decimal integer, or def when it is not set.
func (d *Detectors) Int(section, option string, def int) (int, error) {
	v, ok, err := d.Lookup(section, option)
	if err != nil || !ok {
		return def, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, d.problem(section, option, "%q is not an integer", v)
	}
	return n, nil
}

// Float returns the option as a number (bpo's spambayes cutoffs), or def
// when it is not set.
func (d *Detectors) Float(section, option string, def float64) (float64, error) {
	v, ok, err := d.Lookup(section, option)
	if err != nil || !ok {
		return def, err
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return def, d.problem(section, option, "%q is not a number", v)
	}
	return x, nil
}

// List returns the option split at commas and white space (bpo's
// `channels = irc://a/x,irc://b/y`, role lists), or def when it is not
// set.
func (d *Detectors) List(section, option string, def []string) ([]string, error) {
	v, ok, err := d.Lookup(section, option)
	if err != nil || !ok {
		return def, err
	}
	return splitList(v), nil
}
