package tracker

import (
	"fmt"
	"strings"
)

// checkFunc decides an item-level permission (Roundup's check= functions).
// arg is the part after ':' in parametrised checks ("user_prop:user").
type checkFunc func(tx *Tx, userID string, class *Class, itemID, arg string) (bool, error)

// Checks names the built-in check functions a schema may use with
// check="NAME" (docs/schema-files.md), with the bugs.python.org function
// names as aliases so its schema reads the same.
var checks = map[string]checkFunc{
	"own_record":    checkOwnRecord,
	"creator":       checkCreator,
	"not_spam":      checkNotSpam,
	"query_visible": checkQueryVisible,
	"user_prop":     checkUserProp,
}

var checkAliases = map[string]string{
	"close_own_issue":       "creator",
	"may_edit_file":         "creator",
	"may_edit_hgrepo":       "creator",
	"may_edit_pull_request": "creator",
	"edit_query":            "creator",
	"may_view_spam":         "not_spam",
	"view_query":            "query_visible",
	"view_oic":              "user_prop:user",
	"edit_oic":              "user_prop:user",
}

// CheckNames lists the accepted check names (aliases included), sorted.
func CheckNames() []string {
	var out []string
	for n := range checks {
		out = append(out, n)
	}
	for n := range checkAliases {
		out = append(out, n)
	}
	sortStrings(out)
	return out
}

func lookupCheck(name string) (checkFunc, string, error) {
	if a, ok := checkAliases[name]; ok {
		name = a
	}
	base, arg, _ := strings.Cut(name, ":")
	f, ok := checks[base]
	if !ok {
		return nil, "", fmt.Errorf("unknown check %q (known: %s)", name, strings.Join(CheckNames(), ", "))
	}
	if base == "user_prop" && arg == "" {
		return nil, "", fmt.Errorf("check %q needs a property: user_prop:PROP", name)
	}
	return f, arg, nil
}

func checkOwnRecord(_ *Tx, userID string, class *Class, itemID, _ string) (bool, error) {
	return class.Name == "user" && userID == itemID, nil
}

func checkCreator(tx *Tx, userID string, class *Class, itemID, _ string) (bool, error) {
	it, err := tx.getRaw(class, itemID)
	if err != nil {
		return false, err
	}
	return it.Creator == userID, nil
}

func checkNotSpam(tx *Tx, _ string, class *Class, itemID, _ string) (bool, error) {
	if class.Prop("spambayes_score") == nil {
		return true, nil
	}
	it, err := tx.getRaw(class, itemID)
	if err != nil {
		return false, err
	}
	score, ok := it.Values["spambayes_score"].(float64)
	if !ok {
		return true, nil
	}
	return score <= tx.s.opts.SpamCutoff, nil
}

func checkQueryVisible(tx *Tx, userID string, class *Class, itemID, _ string) (bool, error) {
	it, err := tx.getRaw(class, itemID)
	if err != nil {
		return false, err
	}
	pf, _ := it.Values["private_for"].(string)
	return pf == "" || pf == userID, nil
}

func checkUserProp(tx *Tx, userID string, class *Class, itemID, prop string) (bool, error) {
	it, err := tx.getRaw(class, itemID)
	if err != nil {
		return false, err
	}
	v, _ := it.Values[prop].(string)
	return v != "" && v == userID, nil
}
