package tracker

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/corral-tracker/corral/tracker/search"
)

// Filter is a Roundup filterspec plus sorting and paging, as the web
// index (@filter, @sort, @group, @pagesize, @startwith, @search_text), the
// admin filter command and the REST collection use it.
type Filter struct {
	// Spec maps a property name or path ("assignedto.username") to raw
	// values; each value may hold several comma-separated entries. Values
	// follow Roundup: String words are AND-ed substring matches; Link and
	// Multilink ids or keys are OR-ed, "-1" meaning empty; Multilink
	// values with -2/-3/-4 form an RPN expression (not/and/or); Dates
	// take ranges ("-1w;", "2003-02-16;2003-03-01", "2003-02"), "-"
	// meaning unset; Numbers take "n" or "lo;hi".
	Spec map[string][]string
	// Group and Sort order the result; group keys come first.
	Group, Sort []SortKey
	// Text is a full-text search (@search_text), AND-ed with Spec.
	Text    string
	Limit   int
	Offset  int
	Retired RetiredMode
	// Count asks for the total number of matches.
	Count bool
	// Exact maps String properties (or paths) to values they must equal
	// exactly (Roundup's exact_match_spec; REST's "title:=x").
	Exact map[string][]string
	// IgnoreText lists "class:prop" texts a full-text search leaves out
	// (bpo's "ignore attachments": ignore=file:content).
	IgnoreText []string
}

// ParseSort reads Roundup's "@sort=-activity,id" syntax.
func ParseSort(s string) []SortKey {
	var out []SortKey
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k := SortKey{Prop: f}
		if f[0] == '-' || f[0] == '+' {
			k = SortKey{Prop: strings.TrimSpace(f[1:]), Desc: f[0] == '-'}
		}
		out = append(out, k)
	}
	return out
}

// Filter returns the ids of the class's items matching f, in order, and
// the total count when f.Count is set (-1 otherwise).
func (tx *Tx) Filter(class string, f *Filter) ([]string, int, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, 0, err
	}
	q, err := tx.BuildQuery(c, f)
	if err != nil {
		return nil, 0, err
	}
	if q == nil {
		return nil, 0, nil
	}
	return tx.st.Filter(tx.ctx, c, q)
}

// SystemFilter is Filter without the user's search limits, for lookups
// the tracker makes for its own purposes (a user's own saved queries, is
// this address taken?); callers must check View on what they show.
func (tx *Tx) SystemFilter(class string, f *Filter) ([]string, int, error) {
	tx.sys++
	defer func() { tx.sys-- }()
	return tx.Filter(class, f)
}

// BuildQuery resolves a Filter against the schema into a store Query; it
// returns nil when nothing can match (a full-text search of stop words
// only).
func (tx *Tx) BuildQuery(c *Class, f *Filter) (*Query, error) {
	q := &Query{Limit: f.Limit, Offset: f.Offset, Retired: f.Retired, Count: f.Count, IgnoreText: f.IgnoreText}
	if tx.sys == 0 {
		for name := range f.Spec {
			if err := tx.checkSearch(c, name); err != nil {
				return nil, err
			}
		}
		for name := range f.Exact {
			if err := tx.checkSearch(c, name); err != nil {
				return nil, err
			}
		}
		for _, k := range append(append([]SortKey(nil), f.Group...), f.Sort...) {
			if err := tx.checkSearch(c, k.Prop); err != nil {
				return nil, err
			}
		}
	}
	for name, vals := range f.Exact {
		// buildCond resolves the path (and reads vals as words, which
		// are replaced below); no value, or only white space, gives no
		// condition.
		cond, err := tx.buildCond(c, name, vals)
		if err != nil {
			return nil, err
		}
		if cond == nil || cond.Path[len(cond.Path)-1].Kind != String {
			return nil, &ValueError{Class: c.Name, Prop: name, Msg: "property " + name + ": exact matches need a String property and a value"}
		}
		cond.Op, cond.Words, cond.Strings = OpEqual, nil, vals
		q.Conds = append(q.Conds, *cond)
	}
	for name, raws := range f.Spec {
		cond, err := tx.buildCond(c, name, raws)
		if err != nil {
			return nil, err
		}
		if cond != nil {
			q.Conds = append(q.Conds, *cond)
		}
	}
	for _, k := range append(append([]SortKey(nil), f.Group...), f.Sort...) {
		p := c.Prop(k.Prop)
		if p == nil {
			return nil, &ValueError{Class: c.Name, Prop: k.Prop, Msg: fmt.Sprintf("cannot sort: class %s has no property %s", c.Name, k.Prop)}
		}
		if p.Kind == PasswordKind {
			return nil, &ValueError{Class: c.Name, Prop: k.Prop, Msg: "cannot sort by a password"}
		}
		q.Sort = append(q.Sort, k)
	}
	if strings.TrimSpace(f.Text) != "" {
		q.Text = search.QueryWords(f.Text, tx.s.stop)
		if len(q.Text) == 0 {
			return nil, nil
		}
	}
	return q, nil
}

func (tx *Tx) buildCond(c *Class, name string, raws []string) (*Cond, error) {
	var path []*Property
	cls := c
	parts := strings.Split(name, ".")
	for i, part := range parts {
		p := cls.Prop(part)
		if p == nil {
			return nil, &ValueError{Class: c.Name, Prop: name, Msg: fmt.Sprintf("class %s has no property %s", cls.Name, part)}
		}
		path = append(path, p)
		if i < len(parts)-1 {
			if !p.Kind.IsLink() {
				return nil, &ValueError{Class: c.Name, Prop: name, Msg: part + " is not a link"}
			}
			cls = tx.s.Schema.Class(p.Class)
		}
	}
	p := path[len(path)-1]
	cond := &Cond{Path: path}
	verr := func(format string, args ...any) error {
		return &ValueError{Class: c.Name, Prop: name, Msg: "property " + name + ": " + fmt.Sprintf(format, args...)}
	}
	entries := func() []string {
		var out []string
		for _, r := range raws {
			for _, e := range strings.Split(r, ",") {
				if e = strings.TrimSpace(e); e != "" {
					out = append(out, e)
				}
			}
		}
		return out
	}
	switch {
	case p.Name == "id" && p.Protected:
		cond.Op = OpIDs
		for _, e := range entries() {
			if !ValidID(e) {
				return nil, verr("%q is not an id", e)
			}
			cond.IDs = append(cond.IDs, e)
		}
	case p.Kind == String:
		cond.Op = OpWords
		for _, r := range raws {
			cond.Words = append(cond.Words, strings.Fields(r)...)
		}
		if len(cond.Words) == 0 {
			return nil, nil
		}
	case p.Kind.IsLink():
		tc := tx.s.Schema.Class(p.Class)
		var toks []string
		expr := false
		for _, e := range entries() {
			switch e {
			case "-1":
				cond.Empty = true
				toks = append(toks, e)
				continue
			case "-2", "-3", "-4":
				if p.Kind != Multilink {
					return nil, verr("expressions (%s) only work on Multilink properties", e)
				}
				expr = true
				toks = append(toks, e)
				continue
			case "@current_user":
				if tc.Name == "user" {
					e = tx.userID
				}
			}
			id := e
			if !ValidID(e) {
				if tc.KeyProp == "" {
					return nil, verr("%q is not an id", e)
				}
				var err error
				id, err = tx.st.Lookup(tx.ctx, tc, e)
				if errors.Is(err, ErrNotFound) {
					return nil, verr("no %s %q", tc.Name, e)
				} else if err != nil {
					return nil, err
				}
			}
			cond.IDs = append(cond.IDs, id)
			toks = append(toks, id)
		}
		if expr {
			cond.Op, cond.Expr, cond.IDs, cond.Empty = OpExpr, toks, nil, false
			if err := checkExpr(toks); err != nil {
				return nil, verr("%v", err)
			}
		} else {
			cond.Op = OpIDs
		}
		if len(toks) == 0 {
			return nil, nil
		}
	case p.Kind == Boolean:
		cond.Op = OpBools
		for _, e := range entries() {
			b, err := ParseBool(e)
			if err != nil {
				return nil, verr("%v", err)
			}
			cond.Bools = append(cond.Bools, b)
		}
	case p.Kind == Date:
		cond.Op = OpRanges
		for _, e := range entries() {
			if e == "-" {
				cond.Ranges = append(cond.Ranges, Range{Null: true})
				continue
			}
			r, err := ParseDateRange(e, tx.s.Now())
			if err != nil {
				return nil, verr("%v", err)
			}
			var rg Range
			if r.From != nil {
				rg.From = *r.From
			}
			if r.To != nil {
				rg.To = *r.To
			}
			cond.Ranges = append(cond.Ranges, rg)
		}
	case p.Kind == Number || p.Kind == Integer || p.Kind == IntervalKind:
		cond.Op = OpRanges
		for _, e := range entries() {
			if e == "-" {
				cond.Ranges = append(cond.Ranges, Range{Null: true})
				continue
			}
			lo, hi, isRange := strings.Cut(e, ";")
			if !isRange {
				hi = lo
			}
			var rg Range
			var err error
			if rg.From, err = numBound(p.Kind, lo); err != nil {
				return nil, verr("%v", err)
			}
			if rg.To, err = numBound(p.Kind, hi); err != nil {
				return nil, verr("%v", err)
			}
			cond.Ranges = append(cond.Ranges, rg)
		}
	default:
		return nil, verr("cannot filter on %s properties", p.Kind)
	}
	return cond, nil
}

func numBound(k Kind, s string) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	switch k {
	case Number:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return f, nil
	case Integer:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return n, nil
	}
	iv, err := ParseInterval(s)
	if err != nil {
		return nil, err
	}
	return iv.Seconds(), nil
}

// checkExpr validates an RPN expression (Roundup roundup/mlink_expr.py).
func checkExpr(toks []string) error {
	depth := 0
	for _, t := range toks {
		switch t {
		case "-2":
			if depth < 1 {
				return errors.New("invalid expression: 'not' needs an operand")
			}
		case "-3", "-4":
			if depth < 2 {
				return errors.New("invalid expression: 'and'/'or' need two operands")
			}
			depth--
		default:
			depth++
		}
	}
	if depth != 1 {
		return errors.New("invalid expression: operands left over; combine them with -3 (and) or -4 (or)")
	}
	return nil
}
