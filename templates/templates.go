// Package templates holds the tracker templates that `corral-admin install`
// copies into a new tracker home: python-dev (bugs.python.org as it was
// before it went read-only), the smaller trackers of its family — meta,
// jython, setuptools — and Roundup's classic and minimal.
//
// Each template is a directory embedded in the binary:
//
//	schema.py             classes, roles and permissions
//	initial_data.py       the items `initialise` creates, in id order
//	config.ini            only the options that differ from Roundup's defaults
//	detectors/config.ini  [detectors] enabled = ... and the detectors' settings
//	TEMPLATE-INFO.txt     Name, Description, Intended-For (Roundup's format)
//
// schema.py and initial_data.py are read, never executed, in the subset of
// Python described in docs/schema-files.md; the reader is
// tracker/schemafile. This package only serves the files.
package templates

import (
	"bufio"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// The all: prefix keeps files whose names start with "." or "_".
//
//go:embed all:python-dev all:meta all:jython all:setuptools all:classic all:minimal
var files embed.FS

// ErrUnknown is wrapped by the errors of FS and Describe for a name that is
// not a template.
var ErrUnknown = errors.New("unknown template")

// Names returns the names of the templates, sorted.
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		// The root of an embed.FS always reads.
		panic("templates: " + err.Error())
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

// FS returns the files of the template called name, rooted at the
// template's directory (so "schema.py", "detectors/config.ini").
func FS(name string) (fs.FS, error) {
	if !slices.Contains(Names(), name) {
		return nil, unknown(name)
	}
	return fs.Sub(files, name)
}

// Describe returns the Description of the template called name from its
// TEMPLATE-INFO.txt, with its continuation lines joined by single spaces,
// as `corral-admin templates` prints it.
func Describe(name string) (string, error) {
	info, err := readInfo(name)
	if err != nil {
		return "", err
	}
	d, ok := info["description"]
	if !ok || d == "" {
		return "", fmt.Errorf("templates: %s/TEMPLATE-INFO.txt: no Description", name)
	}
	return d, nil
}

func unknown(name string) error {
	return fmt.Errorf("templates: %q: %w (have %s)", name, ErrUnknown, strings.Join(Names(), ", "))
}

// readInfo parses TEMPLATE-INFO.txt the way Roundup does (an RFC 822
// header block): "Key: value" lines, continued by lines that start with
// white space. Keys are returned in lower case.
func readInfo(name string) (map[string]string, error) {
	fsys, err := FS(name)
	if err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(fsys, "TEMPLATE-INFO.txt")
	if err != nil {
		return nil, fmt.Errorf("templates: %s: %w", name, err)
	}
	info := map[string]string{}
	key := ""
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			// A blank line ends the header block.
			return info, nil
		case line[0] == ' ' || line[0] == '\t':
			if key == "" {
				return nil, fmt.Errorf("templates: %s/TEMPLATE-INFO.txt:%d: continuation line before any field", name, n)
			}
			info[key] = strings.TrimSpace(info[key] + " " + strings.TrimSpace(line))
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				return nil, fmt.Errorf("templates: %s/TEMPLATE-INFO.txt:%d: want \"Field: value\"", name, n)
			}
			key = strings.ToLower(strings.TrimSpace(k))
			info[key] = strings.TrimSpace(v)
		}
	}
	return info, sc.Err()
}
