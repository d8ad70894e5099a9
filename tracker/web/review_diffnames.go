package web

import (
	"regexp"
	"strconv"
	"strings"
)

// File names in patch headers (review_diff.go): git's a/ b/ prefixes
// and C-quoted names, diff -u timestamps, Subversion's revisions.

var (
	// timestampRE is a diff -u timestamp written after spaces instead
	// of a tab.
	timestampRE = regexp.MustCompile(`\s+\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?( ?[+-]\d{4})?$`)
	// svnRevRE is Subversion's "(revision N)" after a name.
	svnRevRE = regexp.MustCompile(`\s+\((revision \d+|working copy|nonexistent)\)$`)
)

// headerName is the path of a ---/+++ line: quoted, or up to a tab
// (timestamps, Subversion's "(revision N)"), without a trailing
// timestamp written with spaces.
func headerName(s string) string {
	if strings.HasPrefix(s, `"`) {
		if name, _, ok := cutQuoted(s); ok {
			return name
		}
	}
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		s = s[:i]
	}
	s = svnRevRE.ReplaceAllString(s, "")
	s = timestampRE.ReplaceAllString(s, "")
	return strings.TrimRight(s, " ")
}

// gitNames splits the "a/X b/Y" of a diff --git line. Unquoted names
// may contain spaces, so the split is the one that gives equal names
// when there is one (git's own rule); renames get their names from the
// rename lines anyway.
func gitNames(s string) (string, string) {
	if strings.HasPrefix(s, `"`) {
		a, rest, ok := cutQuoted(s)
		if ok {
			rest = strings.TrimPrefix(rest, " ")
			return stripPrefix(a), stripPrefix(unquoteName(rest))
		}
	}
	if strings.HasSuffix(s, `"`) {
		if j := strings.LastIndex(s[:len(s)-1], ` "`); j >= 0 {
			return stripPrefix(s[:j]), stripPrefix(unquoteName(s[j+1:]))
		}
	}
	// Equal names split in the middle ("a/P b/P").
	if mid := (len(s) - 1) / 2; len(s)%2 == 1 && s[mid] == ' ' && stripPrefix(s[:mid]) == stripPrefix(s[mid+1:]) {
		return stripPrefix(s[:mid]), stripPrefix(s[mid+1:])
	}
	if i := strings.Index(s, " b/"); i >= 0 {
		return stripPrefix(s[:i]), stripPrefix(s[i+1:])
	}
	a, b, _ := strings.Cut(s, " ")
	return stripPrefix(a), stripPrefix(b)
}

// binaryNames reads "Binary files A and B differ".
func binaryNames(l string) (string, string) {
	s := strings.TrimSuffix(strings.TrimPrefix(l, "Binary files "), " differ")
	a, b, ok := strings.Cut(s, " and ")
	if !ok {
		return "", ""
	}
	if a == "/dev/null" {
		a = ""
	}
	if b == "/dev/null" {
		b = ""
	}
	return stripCommonRoot(a, b)
}

// stripPrefix removes git's a/ or b/.
func stripPrefix(s string) string {
	s = unquoteName(s)
	if len(s) > 2 && s[1] == '/' && (s[0] == 'a' || s[0] == 'b') {
		return s[2:]
	}
	return s
}

// stripCommonRoot removes the first directory of both names when only
// it differs (diff -r old/ new/, a/ b/), or git's prefixes when one
// side is absent.
func stripCommonRoot(a, b string) (string, string) {
	if a == "" || b == "" {
		if strings.HasPrefix(a, "a/") {
			a = a[2:]
		}
		if strings.HasPrefix(b, "b/") {
			b = b[2:]
		}
		return a, b
	}
	ra, ta, oka := strings.Cut(a, "/")
	rb, tb, okb := strings.Cut(b, "/")
	if oka && okb && ra != rb && ta == tb && ta != "" {
		return ta, tb
	}
	return a, b
}

// cutQuoted reads a C-quoted name at the start of s (git quotes names
// with special characters, octal escapes for UTF-8 bytes).
func cutQuoted(s string) (name, rest string, ok bool) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			u, err := strconv.Unquote(s[:i+1])
			if err != nil {
				return "", s, false
			}
			return u, s[i+1:], true
		}
	}
	return "", s, false
}

func unquoteName(s string) string {
	if strings.HasPrefix(s, `"`) {
		if name, _, ok := cutQuoted(s); ok {
			return name
		}
	}
	return s
}
