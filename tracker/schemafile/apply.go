package schemafile

import (
	"fmt"

	"github.com/corral-tracker/corral/tracker"
)

// Apply creates the items LoadInitialData returned, in order, inside tx
// (Roundup's `initialise` running initial_data.py): values are converted
// to the schema's types (tracker.Tx.Coerce), NewID placeholders become
// the ids of the items created before, Password/Date/Interval specs are
// parsed. Errors name the initial_data.py line.
func Apply(tx *tracker.Tx, creates []Create) error {
	ids := make([]string, len(creates))
	for i, c := range creates {
		vals := tracker.Values{}
		for k, v := range c.Props {
			cv, err := initialValue(tx, c.Class, k, v, ids)
			if err != nil {
				return fmt.Errorf("initial_data.py:%d: %s.%s: %w", c.Line, c.Class, k, err)
			}
			vals[k] = cv
		}
		id, err := tx.Create(c.Class, vals)
		if err != nil {
			return fmt.Errorf("initial_data.py:%d: creating %s: %w", c.Line, c.Class, err)
		}
		ids[i] = id
	}
	return nil
}

func initialValue(tx *tracker.Tx, class, prop string, v any, ids []string) (any, error) {
	switch x := v.(type) {
	case NewID:
		return tx.Coerce(class, prop, ids[x.Index])
	case PasswordSpec:
		if x.Encrypted != "" {
			return tracker.Password(x.Encrypted), nil
		}
		return tx.ParseValue(class, prop, x.Plaintext, nil)
	case DateSpec:
		return tx.ParseValue(class, prop, string(x), nil)
	case IntervalSpec:
		return tx.ParseValue(class, prop, string(x), nil)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			if n, ok := e.(NewID); ok {
				out[i] = ids[n.Index]
			} else {
				out[i] = e
			}
		}
		return tx.Coerce(class, prop, out)
	}
	return tx.Coerce(class, prop, v)
}
