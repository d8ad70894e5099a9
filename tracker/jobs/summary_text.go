package jobs

import (
	"fmt"
	"strings"
)

// headerText is roundup-summary's HEADER_TXT.
const headerText = `
ACTIVITY SUMMARY (%s - %s)
%s at %s

To view or respond to any of the issues listed below, click on the issue.
Do NOT respond to this message.

Issues counts and deltas:
  open   %5d (%+3d)
  closed %5d (%+3d)
  total  %5d (%+3d)

Open issues with patches: %-5d`

// maxTitle is where the script cut titles (title[:62]).
const maxTitle = 62

// Text renders the report as roundup-summary's plain-text mail body:
// the header, then each non-empty list in the script's order (opened, no
// replies, waiting for review, most discussed, closed) with its entry
// template. trackerWeb ends with a slash (Roundup's [tracker] web);
// dates are shown in the zone of Start and End.
func (r *Report) Text(trackerName, trackerWeb string) string {
	var b strings.Builder
	fmt.Fprintf(&b, headerText, r.Start.Format("2006-01-02"), r.End.Format("2006-01-02"), trackerName, trackerWeb,
		r.Open, r.OpenDelta, r.Closed, r.ClosedDelta, r.Total, r.TotalDelta, r.Patches)
	url := func(e Entry) string { return trackerWeb + "issue" + e.ID }
	table(&b, "Issues opened", r.OpenedIssues, func(e Entry) string {
		re := ""
		if e.Reopened {
			re = "re"
		}
		return fmt.Sprintf("#%s: %s\n%s  %sopened by %s\n", e.ID, cut(e.Title), url(e), re, e.User)
	})
	plain := func(e Entry) string { return fmt.Sprintf("#%s: %s\n%s\n", e.ID, cut(e.Title), url(e)) }
	table(&b, "Most recent 15 issues with no replies", r.Unreplied, plain)
	table(&b, "Most recent 15 issues waiting for review", r.NeedReview, plain)
	table(&b, "Top 10 most discussed issues", r.MostDiscussed, func(e Entry) string {
		return fmt.Sprintf("#%s: %s\n%s %3d msgs\n", e.ID, cut(e.Title), url(e), e.Messages)
	})
	table(&b, "Issues closed", r.ClosedIssues, func(e Entry) string {
		return fmt.Sprintf("#%s: %s\n%s  closed by %s\n", e.ID, cut(e.Title), url(e), e.User)
	})
	return b.String()
}

// table is the script's _make_text_table: nothing for an empty list,
// else two blank lines, "TITLE (N)", a rule as long, a blank line and
// the entries separated by blank lines.
func table(b *strings.Builder, title string, list []Entry, entry func(Entry) string) {
	if len(list) == 0 {
		return
	}
	head := fmt.Sprintf("%s (%d)", title, len(list))
	lines := []string{head, strings.Repeat("=", len(head)) + "\n"}
	for _, e := range list {
		lines = append(lines, entry(e))
	}
	b.WriteString("\n\n\n")
	b.WriteString(strings.Join(lines, "\n"))
}

// cut shortens a title to the script's 62 characters (runes here; the
// script cut bytes and could split a character).
func cut(title string) string {
	r := []rune(title)
	if len(r) > maxTitle {
		return string(r[:maxTitle])
	}
	return title
}
