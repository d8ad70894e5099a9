package detectors

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// File name extensions of bpo's detectors/patches.py.
var (
	patchExts  = []string{".diff", ".patch"}
	sourceExts = []string{".diff", ".patch", ".py"}
)

// installPatches is `patches`, bpo's detectors/patches.py:
//
//   - patches_text_plain, auditor on file create: a file named *.diff,
//     *.patch or *.py is stored as text/plain whatever type the browser
//     or mailer gave, so it is shown, not downloaded;
//   - patches_keyword, auditor on issue create and set: when the change
//     links a new file named *.diff or *.patch, the keyword "patch" is
//     added unless the issue had it before (and when the tracker has
//     that keyword).
//
// bpo's patch_revision reactor, which guessed the Mercurial revision a
// patch applies to (lib/identify_patch.py, against bpo's hg checkout),
// is not carried over.
//
// Needs: FileClass file with a String name; issue.files (Multilink file)
// and issue.keywords (Multilink to a keyed keyword class).
func installPatches(s *tracker.Service) (func(), error) {
	n := newNeeds("patches", s)
	n.fileClass("file")
	n.prop("file", "name", tracker.String)
	n.link("issue", "files", tracker.Multilink, "file")
	n.link("issue", "keywords", tracker.Multilink, "keyword")
	n.keyed("keyword")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("file", "create", "patches", prioDefault, patchesTextPlain)
		s.Audit("issue", "create", "patches", prioDefault, patchesKeyword)
		s.Audit("issue", "set", "patches", prioDefault, patchesKeyword)
	}, nil
}

// isPatch reports whether a file name has one of the extensions, as
// posixpath.splitext finds it: from the last dot of the base name, leading
// dots not counting (".diff" has no extension).
func isPatch(name string, exts []string) bool {
	return slices.Contains(exts, path.Ext(strings.TrimLeft(path.Base(name), ".")))
}

// patchesTextPlain is patches.py's patches_text_plain.
func patchesTextPlain(tx *tracker.Tx, ch *tracker.Change) error {
	if name, ok := ch.New["name"].(string); ok && isPatch(name, sourceExts) {
		ch.New["type"] = "text/plain"
	}
	return nil
}

// patchesKeyword is patches.py's patches_keyword.
func patchesKeyword(tx *tracker.Tx, ch *tracker.Change) error {
	files := addedIDs(ch, "files")
	if len(files) == 0 {
		return nil
	}
	items, err := tx.GetMany("file", files, []string{})
	if err != nil {
		return fmt.Errorf("reading new files: %w", err)
	}
	for _, f := range items {
		if isPatch(f.Str("name"), patchExts) {
			return addKeyword(tx, ch, "patch")
		}
	}
	return nil
}
