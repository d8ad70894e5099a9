package sqlstore

import "github.com/corral-tracker/corral/tracker/search"

// indexText reduces a text to the indexed word list. Stop words are not
// removed here (the query side drops them), so changing the stop list
// needs no reindex.
func indexText(_ *Store, text string) string {
	return search.IndexText(text, nil)
}
