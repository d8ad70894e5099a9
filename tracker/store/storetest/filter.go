package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// filterData creates issues 1..5 (5 retired) for the filter tests.
func filterData(t *testing.T, f *Fixture) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC) }
	easy := f.Create(t, "keyword", tracker.Values{"name": "easy"})
	patch := f.Create(t, "keyword", tracker.Values{"name": "patch"})
	two, _ := tracker.ParseInterval("2d")
	for _, v := range []tracker.Values{
		{"title": "Crash in parser", "status": "2", "priority": "1", "assignedto": "3", "keyword": []string{easy},
			"deadline": day(2027, 1, 10), "votes": int64(5), "effort": 1.5, "private": false, "nosy": []string{"3", "4"}},
		{"title": "Parser docs typo", "status": "3", "priority": "2", "assignedto": "4", "keyword": []string{easy, patch},
			"deadline": day(2027, 2, 1), "votes": int64(1), "private": true, "nosy": []string{"4"}},
		{"title": "Slow startup", "status": "2", "votes": int64(10)},
		{"title": "crash on exit", "status": "1", "priority": "2", "assignedto": "3", "keyword": []string{patch},
			"estimate": two, "nosy": []string{"3"}},
		{"title": "crash retired", "status": "2"},
	} {
		f.Create(t, "issue", v)
	}
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Retire("issue", "5") })
}

func testFilter(t *testing.T, f *Fixture) {
	filterData(t, f)
	spec := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	cases := []struct {
		spec    map[string][]string
		retired tracker.RetiredMode
		want    []string
	}{
		{spec("title", "crash"), 0, []string{"1", "4"}},
		{spec("title", "parser CRASH"), 0, []string{"1"}},
		{spec("title", "pars", "title", "typo"), 0, []string{"2"}},
		{spec("title", "100%"), 0, nil},
		{spec("status", "open"), 0, []string{"1", "3"}},
		{spec("status", "2,1"), 0, []string{"1", "3", "4"}},
		{spec("priority", "-1"), 0, []string{"3"}},
		{spec("priority", "-1,high"), 0, []string{"1", "3"}},
		{spec("assignedto", "alice"), 0, []string{"1", "4"}},
		{spec("assignedto.username", "bo"), 0, []string{"2"}},
		{spec("keyword", "easy"), 0, []string{"1", "2"}},
		{spec("keyword", "-1"), 0, []string{"3"}},
		{spec("keyword", "easy,patch,-3"), 0, []string{"2"}},
		{spec("keyword", "easy,-2"), 0, []string{"3", "4"}},
		{spec("keyword", "patch,-1,-4"), 0, []string{"2", "3", "4"}},
		{spec("keyword.name", "pat"), 0, []string{"2", "4"}},
		{spec("deadline", "2027-01-01;2027-01-31"), 0, []string{"1"}},
		{spec("deadline", "2027-02-01"), 0, []string{"2"}},
		{spec("deadline", "2027-02-01;"), 0, []string{"2"}},
		{spec("deadline", "-"), 0, []string{"3", "4"}},
		{spec("votes", "5"), 0, []string{"1"}},
		{spec("votes", "2;10"), 0, []string{"1", "3"}},
		{spec("effort", "1;2"), 0, []string{"1"}},
		{spec("estimate", "1d;3d"), 0, []string{"4"}},
		{spec("private", "yes"), 0, []string{"2"}},
		{spec("id", "1,3"), 0, []string{"1", "3"}},
		{spec("nosy", "bob"), 0, []string{"1", "2"}},
		{spec("nosy.username", "alice"), 0, []string{"1", "4"}},
		{spec("nosy", "-1"), 0, []string{"3"}},
		{spec("status", "open", "title", "crash"), 0, []string{"1"}},
		{spec("creator", "admin"), 0, []string{"1", "2", "3", "4"}},
		{spec(), tracker.RetiredOnly, []string{"5"}},
		{spec("title", "crash"), tracker.AnyRetired, []string{"1", "4", "5"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.spec, c.retired), func(t *testing.T) {
			f.Read(t, func(tx *tracker.Tx) error {
				ids, _, err := tx.Filter("issue", &tracker.Filter{Spec: c.spec, Retired: c.retired})
				if err != nil {
					return err
				}
				if !slices.Equal(ids, c.want) {
					t.Errorf("Filter(%v) = %v, want %v", c.spec, ids, c.want)
				}
				return nil
			})
		})
	}
	f.Read(t, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter("issue", &tracker.Filter{Exact: map[string][]string{"title": {"Slow startup", "crash"}}})
		if err != nil || !slices.Equal(ids, []string{"3"}) {
			t.Errorf("Filter(exact title) = %v, %v; want [3]", ids, err)
		}
		// A String property given no words is no condition at all...
		all, _, err := tx.Filter("issue", &tracker.Filter{})
		if err != nil {
			return err
		}
		ids, _, err = tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{"title": nil}})
		if err != nil || !slices.Equal(ids, all) {
			t.Errorf("Filter(title with no value) = %v, %v; want every issue %v", ids, err, all)
		}
		// ...but an exact match needs a value to match.
		if _, _, err := tx.Filter("issue", &tracker.Filter{Exact: map[string][]string{"title": {}}}); err == nil {
			t.Errorf("Filter(exact title, no value) succeeded, want an error")
		}
		return nil
	})
	f.Read(t, func(tx *tracker.Tx) error {
		for _, bad := range []map[string][]string{
			spec("nonesuch", "x"), spec("status", "nonesuch"), spec("deadline", "garbage"),
			spec("keyword", "1,-3"), spec("password", "x"),
		} {
			if _, _, err := tx.Filter("issue", &tracker.Filter{Spec: bad}); err == nil {
				t.Errorf("Filter(%v) succeeded, want an error", bad)
			}
		}
		return nil
	})
}

func testFilterSortAndPage(t *testing.T, f *Fixture) {
	filterData(t, f)
	cases := []struct {
		sort, group string
		limit       int
		offset      int
		want        []string
	}{
		{"-id", "", 0, 0, []string{"4", "3", "2", "1"}},
		{"title", "", 0, 0, []string{"1", "4", "2", "3"}},
		{"-activity", "", 2, 0, []string{"4", "3"}},
		{"-activity", "", 2, 2, []string{"2", "1"}},
		{"id", "", 0, 3, []string{"4"}},
		{"priority,id", "", 0, 0, []string{"3", "1", "2", "4"}},
		{"-priority,id", "", 0, 0, []string{"2", "4", "1", "3"}},
		{"id", "status", 0, 0, []string{"4", "1", "3", "2"}},
		{"-votes", "", 0, 0, []string{"3", "1", "2", "4"}},
		{"deadline", "", 0, 0, []string{"3", "4", "1", "2"}},
		{"assignedto", "", 0, 0, []string{"3", "1", "4", "2"}},
	}
	for _, c := range cases {
		f.Read(t, func(tx *tracker.Tx) error {
			ids, total, err := tx.Filter("issue", &tracker.Filter{Sort: tracker.ParseSort(c.sort), Group: tracker.ParseSort(c.group),
				Limit: c.limit, Offset: c.offset, Count: true})
			if err != nil {
				return err
			}
			if !slices.Equal(ids, c.want) || total != 4 {
				t.Errorf("Filter(sort %q group %q limit %d offset %d) = %v, total %d, want %v, total 4",
					c.sort, c.group, c.limit, c.offset, ids, total, c.want)
			}
			return nil
		})
	}
}

func testFullText(t *testing.T, f *Fixture) {
	filterData(t, f)
	msg := func(issue, text string) {
		f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
			m, err := tx.Create("msg", tracker.Values{"content": text, "author": "3", "type": "text/plain"})
			if err != nil {
				return err
			}
			vals, err := tx.ParseValues("issue", issue, map[string]string{"messages": "+" + m})
			if err != nil {
				return err
			}
			return tx.Set("issue", issue, vals)
		})
	}
	msg("1", "The tokenizer raises SyntaxError on a lone backslash.")
	msg("2", "Fixed the Tokenizer docs; thanks!")
	msg("3", "startup is slow because of site imports")
	fid := f.Create(t, "file", tracker.Values{"name": "fix.patch", "type": "text/x-diff", "content": "binary-ish", "description": "tokenizer patch"})
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("issue", "4", tracker.Values{"files": []string{fid}})
	})
	cases := []struct {
		text string
		spec map[string][]string
		want []string
	}{
		{"tokenizer", nil, []string{"1", "2", "4"}},
		{"TOKENIZER docs", nil, []string{"2"}},
		{"tokenizer backslash", nil, []string{"1"}},
		{"tokenizer", map[string][]string{"status": {"open"}}, []string{"1"}},
		{"crash", nil, []string{"1", "4"}},
		{"startup imports", nil, []string{"3"}},
		{"nothing-matches-this", nil, nil},
		{"the a", nil, nil},
	}
	for _, c := range cases {
		f.Read(t, func(tx *tracker.Tx) error {
			ids, _, err := tx.Filter("issue", &tracker.Filter{Text: c.text, Spec: c.spec})
			if err != nil {
				return err
			}
			if !slices.Equal(ids, c.want) {
				t.Errorf("Filter(text %q, %v) = %v, want %v", c.text, c.spec, ids, c.want)
			}
			return nil
		})
	}
	// bpo's "ignore attachments": file contents and descriptions left out.
	f.Read(t, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter("issue", &tracker.Filter{Text: "tokenizer", IgnoreText: []string{"file:content", "file:description"}})
		if err != nil || !slices.Equal(ids, []string{"1", "2"}) {
			t.Errorf("Filter(text tokenizer, ignoring files) = %v, %v; want [1 2]", ids, err)
		}
		return nil
	})
	// A counted page of a full-text search (the store may read every
	// match once and cut the page itself).
	for _, c := range []struct {
		limit, offset int
		want          []string
	}{{2, 1, []string{"2", "4"}}, {1, 0, []string{"1"}}, {0, 2, []string{"4"}}, {2, 5, nil}} {
		f.Read(t, func(tx *tracker.Tx) error {
			ids, total, err := tx.Filter("issue", &tracker.Filter{Text: "tokenizer", Sort: tracker.ParseSort("id"),
				Limit: c.limit, Offset: c.offset, Count: true})
			if err != nil || !slices.Equal(ids, c.want) || total != 3 {
				t.Errorf("Filter(text tokenizer, limit %d offset %d, count) = %v, total %d, %v; want %v, total 3",
					c.limit, c.offset, ids, total, err, c.want)
			}
			return nil
		})
	}
	// Re-indexing on change: the title loses its word.
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("issue", "4", tracker.Values{"title": "exit hangs"})
	})
	f.Read(t, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter("issue", &tracker.Filter{Text: "crash"})
		if err != nil {
			return err
		}
		if !slices.Equal(ids, []string{"1"}) {
			t.Errorf("after retitling: Filter(text crash) = %v, want [1]", ids)
		}
		return nil
	})
}
