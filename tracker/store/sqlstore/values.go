package sqlstore

import (
	"fmt"
	"strconv"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// toSQL converts a tracker value to its column value.
func toSQL(p *tracker.Property, v any) any {
	if v == nil {
		return nil
	}
	switch x := v.(type) {
	case string:
		if p.Kind == tracker.Link {
			return tracker.IDInt(x)
		}
		return x
	case float64, int64:
		return x
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case time.Time:
		return x.UnixMilli()
	case tracker.Interval:
		return x.String()
	case tracker.Password:
		return string(x)
	}
	return fmt.Sprint(v)
}

func asInt64(raw any) (int64, bool) {
	switch x := raw.(type) {
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case float64:
		return int64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case []byte:
		n, err := strconv.ParseInt(string(x), 10, 64)
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

func asString(raw any) string {
	switch x := raw.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(raw)
}

// fromSQL converts a scanned column value to the tracker type.
func fromSQL(p *tracker.Property, raw any) (any, error) {
	if raw == nil {
		return nil, nil
	}
	switch p.Kind {
	case tracker.String, tracker.PasswordKind:
		s := asString(raw)
		if p.Kind == tracker.PasswordKind {
			return tracker.Password(s), nil
		}
		return s, nil
	case tracker.Number:
		switch x := raw.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
		f, err := strconv.ParseFloat(asString(raw), 64)
		return f, err
	case tracker.Integer:
		n, ok := asInt64(raw)
		if !ok {
			return nil, fmt.Errorf("column _%s: %v is not an integer", p.Name, raw)
		}
		return n, nil
	case tracker.Boolean:
		n, ok := asInt64(raw)
		if !ok {
			return nil, fmt.Errorf("column _%s: %v is not a boolean", p.Name, raw)
		}
		return n != 0, nil
	case tracker.Date:
		n, ok := asInt64(raw)
		if !ok {
			return nil, fmt.Errorf("column _%s: %v is not a date", p.Name, raw)
		}
		return time.UnixMilli(n).UTC(), nil
	case tracker.IntervalKind:
		s := asString(raw)
		if s == "00:00" {
			return tracker.Interval{Sign: 1}, nil
		}
		return tracker.ParseInterval(s)
	case tracker.Link:
		n, ok := asInt64(raw)
		if !ok {
			return nil, fmt.Errorf("column _%s: %v is not an id", p.Name, raw)
		}
		return strconv.FormatInt(n, 10), nil
	}
	return nil, fmt.Errorf("column _%s: cannot read %s", p.Name, p.Kind)
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }
