package tracker

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// checkType verifies that v has the Go type of p's kind (nil allowed) and
// normalises it (dates to UTC ms, multilinks sorted and deduplicated).
func checkType(c *Class, p *Property, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, &ValueError{Class: c.Name, Prop: p.Name, Msg: fmt.Sprintf("property %s: value %v (%T) is not a %s", p.Name, v, v, p.Kind)}
	}
	switch p.Kind {
	case String:
		if _, ok := v.(string); !ok {
			return bad()
		}
	case Number:
		switch x := v.(type) {
		case float64:
		case int64:
			return float64(x), nil
		case int:
			return float64(x), nil
		default:
			return bad()
		}
	case Integer:
		switch x := v.(type) {
		case int64:
		case int:
			return int64(x), nil
		default:
			return bad()
		}
	case Boolean:
		if _, ok := v.(bool); !ok {
			return bad()
		}
	case Date:
		t, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		return NormDate(t), nil
	case IntervalKind:
		if _, ok := v.(Interval); !ok {
			return bad()
		}
	case PasswordKind:
		if _, ok := v.(Password); !ok {
			return bad()
		}
	case Link:
		s, ok := v.(string)
		if !ok || (s != "" && !ValidID(s)) {
			return bad()
		}
		if s == "" {
			return nil, nil
		}
	case Multilink:
		l, ok := v.([]string)
		if !ok {
			return bad()
		}
		out := make([]string, 0, len(l))
		for _, id := range l {
			if !ValidID(id) {
				return nil, &ValueError{Class: c.Name, Prop: p.Name, Msg: fmt.Sprintf("property %s: %s is not an item id", p.Name, PyRepr(id))}
			}
			out = append(out, id)
		}
		SortIDs(out)
		return slices.Compact(out), nil
	}
	return v, nil
}

// Equal compares two values of one property (nil equals an empty
// multilink, as Roundup treats [] and None alike for change detection).
func Equal(a, b any) bool {
	la, aok := a.([]string)
	lb, bok := b.([]string)
	if aok || bok {
		return slices.Equal(la, lb)
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// FormatValue prints a value the way roundup-admin's display and get do:
// links as ids, multilinks as a Python list repr (['1', '2']), dates as
// 2009-02-13.23:31:30, numbers as Python repr (1.0), booleans True/False,
// unset values as None.
func FormatValue(p *Property, v any) string {
	switch x := v.(type) {
	case nil:
		if p != nil && p.Kind == Multilink {
			return "[]"
		}
		return "None"
	case string:
		return x
	case []string:
		if len(x) == 0 {
			return "[]"
		}
		return "['" + strings.Join(x, "', '") + "']"
	case time.Time:
		return FormatDate(x)
	case float64:
		return PyFloat(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case Interval:
		return x.String()
	case Password:
		return string(x)
	}
	return fmt.Sprint(v)
}

// PyFloat formats f as Python's repr(float): shortest round-trip digits,
// always with a '.' or exponent (1.0, 0.5, 1e-05, 1e+16).
func PyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-4 || abs >= 1e16) {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		// Go writes e-05 / e+16 like Python; strip a ".0" mantissa only
		// if Go produced one (it does not).
		return s
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// ParseBool accepts Roundup's boolean spellings (yes/no, true/false, 1/0,
// on/off), case-insensitively.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "1", "on":
		return true, nil
	case "no", "false", "0", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (yes/no)", s)
}
