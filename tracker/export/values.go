package export

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
)

// pyValue converts a stored value of property p to the Python value
// Roundup's export_list (rdbms_common.py) hands to repr_export: dates
// and intervals as get_tuple(), passwords as str(), Booleans as the int
// the SQL backends return, an unset Multilink as [].
func pyValue(p *tracker.Property, v any) any {
	if v == nil {
		if p.Kind == tracker.Multilink {
			return []string{}
		}
		return nil
	}
	switch x := v.(type) {
	case time.Time:
		return dateTuple(x)
	case tracker.Interval:
		return intervalTuple(x)
	case tracker.Password:
		return string(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case []string:
		if x == nil {
			return []string{}
		}
	}
	return v
}

// dateTuple is date.Date.get_tuple() of t in UTC: (y, m, d, H, M, S, 0,
// 0, 0) with S a float holding the milliseconds (Roundup's SQL backends
// keep dates to the millisecond: '%06.3f').
func dateTuple(t time.Time) schemafile.Tuple {
	t = tracker.NormDate(t)
	// An exact quotient, so the float is the one Python's float("41.458")
	// gives and prints the same.
	sec := float64(int64(t.Second())*1000+int64(t.Nanosecond()/1e6)) / 1000
	return schemafile.Tuple{int64(t.Year()), int64(t.Month()), int64(t.Day()),
		int64(t.Hour()), int64(t.Minute()), sec, int64(0), int64(0), int64(0)}
}

// intervalTuple is date.Interval.get_tuple(): (sign, y, m, d, H, M, S).
func intervalTuple(iv tracker.Interval) schemafile.Tuple {
	sign := int64(1)
	if iv.Sign < 0 {
		sign = -1
	}
	return schemafile.Tuple{sign, int64(iv.Year), int64(iv.Month), int64(iv.Day),
		int64(iv.Hour), int64(iv.Minute), int64(iv.Second)}
}

// goValue converts a parsed field (schemafile.ParseLiteral) to the Go
// value of property p, accepting what Roundup's import_list accepts:
// date and interval tuples or spec strings, ints for Booleans and
// Numbers, ids as strings (or Python 2 longs).
func goValue(p *tracker.Property, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, fmt.Errorf("property %s: %s is not a %s value", p.Name, schemafile.Repr(v), p.Kind)
	}
	switch p.Kind {
	case tracker.String:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return bad()
	case tracker.PasswordKind:
		if s, ok := v.(string); ok {
			return tracker.Password(s), nil
		}
		return bad()
	case tracker.Number:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
		return bad()
	case tracker.Integer:
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x), nil
			}
		}
		return bad()
	case tracker.Boolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		}
		return bad()
	case tracker.Date:
		t, err := parseDate(v)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", p.Name, err)
		}
		return t, nil
	case tracker.IntervalKind:
		iv, err := parseInterval(v)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", p.Name, err)
		}
		return iv, nil
	case tracker.Link:
		id, ok := idOf(v)
		if !ok {
			return bad()
		}
		return id, nil
	case tracker.Multilink:
		l, ok := v.([]any)
		if !ok {
			return bad()
		}
		ids := make([]string, len(l))
		for i, e := range l {
			id, ok := idOf(e)
			if !ok {
				return bad()
			}
			ids[i] = id
		}
		return ids, nil
	}
	return bad()
}

// idOf reads an item id written as a string ('4') or, by Python 2
// Roundup, as an int (4L).
func idOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, tracker.ValidID(x)
	case int64:
		return strconv.FormatInt(x, 10), x > 0
	}
	return "", false
}

// parseDate reads a date as date.Date(value) does in import_list: a
// 9-tuple (seconds may carry a fraction, capped at 59.999 as Roundup
// does) or a date spec string.
func parseDate(v any) (time.Time, error) {
	switch x := v.(type) {
	case string:
		return tracker.ParseDate(x, time.Now())
	case []any:
		if len(x) != 9 && len(x) != 6 {
			break
		}
		var n [5]int
		for i := range n {
			k, ok := x[i].(int64)
			if !ok {
				return time.Time{}, fmt.Errorf("date %s: element %d is not an int", tupleRepr(v), i+1)
			}
			n[i] = int(k)
		}
		var sec float64
		switch s := x[5].(type) {
		case int64:
			sec = float64(s)
		case float64:
			sec = s
		default:
			return time.Time{}, fmt.Errorf("date %s: seconds are not a number", tupleRepr(v))
		}
		sec = min(sec, 59.999)
		if n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23 || n[4] > 59 || sec < 0 {
			return time.Time{}, fmt.Errorf("date %s is out of range", tupleRepr(v))
		}
		ms := int64(math.Round(sec * 1000))
		t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], 0, 0, time.UTC)
		return t.Add(time.Duration(ms) * time.Millisecond), nil
	}
	return time.Time{}, fmt.Errorf("%s is not a date tuple (y, m, d, H, M, S, 0, 0, 0)", tupleRepr(v))
}

// parseInterval reads an interval as date.Interval(value) does: a
// 7-tuple (sign, y, m, d, H, M, S), the old 6-tuple without the sign, or
// an interval spec string.
func parseInterval(v any) (tracker.Interval, error) {
	switch x := v.(type) {
	case string:
		if x == "00:00" {
			return tracker.Interval{Sign: 1}, nil
		}
		return tracker.ParseInterval(x)
	case []any:
		if len(x) != 7 && len(x) != 6 {
			break
		}
		n := make([]int, len(x))
		for i, e := range x {
			switch k := e.(type) {
			case int64:
				n[i] = int(k)
			case float64:
				n[i] = int(k)
			default:
				return tracker.Interval{}, fmt.Errorf("interval %s: element %d is not a number", tupleRepr(v), i+1)
			}
		}
		if len(n) == 6 {
			n = append([]int{1}, n...)
		}
		iv := tracker.Interval{Sign: 1, Year: n[1], Month: n[2], Day: n[3], Hour: n[4], Minute: n[5], Second: n[6]}
		if n[0] < 0 {
			iv.Sign = -1
		}
		return iv, nil
	}
	return tracker.Interval{}, fmt.Errorf("%s is not an interval tuple (sign, y, m, d, H, M, S)", tupleRepr(v))
}

// parseField reads one CSV field, a Python literal written by
// repr_export, as eval_import does.
func parseField(s string) (any, error) { return schemafile.ParseLiteral(s) }

// tupleRepr prints a parsed date or interval the way the file wrote it
// (ParseLiteral reads tuples as []any, which Repr would print as a list).
func tupleRepr(v any) string {
	if l, ok := v.([]any); ok {
		return schemafile.Repr(schemafile.Tuple(l))
	}
	return schemafile.Repr(v)
}
