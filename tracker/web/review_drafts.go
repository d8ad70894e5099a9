package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Review comments are drafts until published: Rietveld kept a
// reviewer's inline comments private until "Publish+Mail Comments". The
// schema has no class for them, so a draft lives in the tracker's
// one-time-key store (tracker.OTK), one entry per reviewer and patch
// file, written in the request's transaction. Its key carries an HMAC
// of [web] secret_key so nobody can name, and so use up, another
// user's draft through a one-time-key link; it expires draftTTL after
// its last change (ExpireKeys cleans it up).

// draftTTL is how long an untouched draft is kept.
const draftTTL = 90 * 24 * time.Hour

// draftKind is the OTK kind of review drafts.
const draftKind = "review-draft"

// Bounds of a draft.
const (
	maxCommentLen    = 20000
	maxDraftComments = 300
)

// reviewDraft is one user's unpublished comments on one patch file.
type reviewDraft struct {
	Comments []draftComment `json:"comments"`
}

// draftComment is a comment on the line an anchor names.
type draftComment struct {
	Anchor string `json:"anchor"`
	Text   string `json:"text"`
}

// get returns the comment on anchor, or nil.
func (d *reviewDraft) get(anchor string) *draftComment {
	for i := range d.Comments {
		if d.Comments[i].Anchor == anchor {
			return &d.Comments[i]
		}
	}
	return nil
}

// set replaces, adds or (text "") removes the comment on anchor.
func (d *reviewDraft) set(anchor, text string) {
	for i := range d.Comments {
		if d.Comments[i].Anchor == anchor {
			if text == "" {
				d.Comments = append(d.Comments[:i], d.Comments[i+1:]...)
			} else {
				d.Comments[i].Text = text
			}
			return
		}
	}
	if text != "" {
		d.Comments = append(d.Comments, draftComment{Anchor: anchor, Text: text})
	}
}

// draftKey names uid's draft on file fileID.
func (s *Site) draftKey(fileID, uid string) string {
	mac := hmac.New(sha256.New, []byte(s.cfg.SecretKey))
	mac.Write([]byte("review-draft\x00" + fileID + "\x00" + uid))
	return "review:" + fileID + ":" + uid + ":" + hex.EncodeToString(mac.Sum(nil)[:16])
}

// readDraft loads a draft; a missing or expired one is empty.
func readDraft(tx *tracker.Tx, key string) (*reviewDraft, error) {
	d := &reviewDraft{}
	k, err := tx.PeekOTK(key)
	if errors.Is(err, tracker.ErrNotFound) {
		return d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading review draft: %w", err)
	}
	if k.Kind != draftKind {
		return d, nil
	}
	if err := json.Unmarshal(k.Data, d); err != nil {
		return nil, fmt.Errorf("decoding review draft: %w", err)
	}
	return d, nil
}

// writeDraft stores a draft, or removes it when it has no comments.
func writeDraft(tx *tracker.Tx, key string, d *reviewDraft) error {
	if len(d.Comments) == 0 {
		if _, err := tx.TakeOTK(key); err != nil && !errors.Is(err, tracker.ErrNotFound) {
			return fmt.Errorf("removing review draft: %w", err)
		}
		return nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encoding review draft: %w", err)
	}
	k := &tracker.OTK{Key: key, Kind: draftKind, Data: b, Expires: tx.Service().Now().Add(draftTTL)}
	if err := tx.PutOTK(k); err != nil {
		return fmt.Errorf("saving review draft: %w", err)
	}
	return nil
}

// Line anchors: "f2-n12" is line 12 of the new version of the patch's
// second file, "f2-o7" line 7 of its old version; "f2" is the file.

var anchorRE = regexp.MustCompile(`^f([1-9][0-9]{0,5})-([on])([1-9][0-9]{0,8})$`)

// fileAnchor is the anchor of the patch's file number fi (1-based).
func fileAnchor(fi int) string { return "f" + strconv.Itoa(fi) }

// lineAnchors are the anchors of a line: old and/or new number.
func lineAnchors(fi int, l diffLine) []string {
	var out []string
	if l.OldN > 0 {
		out = append(out, fileAnchor(fi)+"-o"+strconv.Itoa(l.OldN))
	}
	if l.NewN > 0 {
		out = append(out, fileAnchor(fi)+"-n"+strconv.Itoa(l.NewN))
	}
	return out
}

// commentAnchor is the anchor a comment on l uses: the new line when
// the line is in the new version, else the old one.
func commentAnchor(fi int, l diffLine) string {
	if l.NewN > 0 {
		return fileAnchor(fi) + "-n" + strconv.Itoa(l.NewN)
	}
	return fileAnchor(fi) + "-o" + strconv.Itoa(l.OldN)
}

// linePos locates a line of a patch.
type linePos struct {
	file, hunk, line int // 0-based indexes
}

// findAnchor finds the line an anchor names (an old-side anchor also
// finds a context line, whose comment anchor is its new number).
func findAnchor(p *diffPatch, anchor string) (linePos, bool) {
	m := anchorRE.FindStringSubmatch(anchor)
	if m == nil {
		return linePos{}, false
	}
	fi, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[3])
	if fi > len(p.Files) {
		return linePos{}, false
	}
	for hi, h := range p.Files[fi-1].Hunks {
		for li, l := range h.Lines {
			if (m[2] == "n" && l.NewN == n) || (m[2] == "o" && l.OldN == n) {
				return linePos{fi - 1, hi, li}, true
			}
		}
	}
	return linePos{}, false
}
