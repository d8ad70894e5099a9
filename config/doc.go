// Package config reads and writes a tracker's config.ini the way Roundup
// does, so that a Roundup tracker home (bugs.python.org's included) works
// with Corral unchanged.
//
// It has three layers:
//
//   - File (ini.go) is an ini reader with the rules of Python 3's
//     configparser, which Roundup uses: `=` and `:` delimiters, whole-line
//     `#`/`;` comments only (an inline `#` is part of the value),
//     indented continuation lines, `%(name)s` interpolation with
//     [DEFAULT] and `%%`, strict duplicate checks, and messages that
//     name `config.ini:LINE`.
//   - The registry (registry.go, options_*.go) lists every option of
//     Roundup 2.x's roundup/configuration.py with its kind, default and
//     help text, plus Corral's own (`[rdbms] backend` limited to sqlite
//     and postgresql, `[mailgw] smtp_refusal`, `imap_after`,
//     `password_file`, the `[irker]` section) and Corral's departures
//     from Roundup's defaults (DESIGN.md §2.1).
//   - Config (config.go) is the registry applied to a File and a tracker
//     home: typed getters, Set/SetByName for `install key=value`,
//     Validate (every problem at once), Warnings (unknown sections and
//     options are kept and reported, never errors), WriteFresh
//     (genconfig), Update (updateconfig) and Dump.
//
// Detectors (detectors.go) reads detectors/config.ini with no registry.
//
// Only cmd/* imports this package (DESIGN.md §3); the tracker, mail and
// web packages receive plain values from their constructors.
package config
