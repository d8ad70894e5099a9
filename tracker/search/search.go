// Package search holds the dialect-independent part of Corral's full-text
// index: how text and queries are cut into words, following Roundup's
// native indexer (roundup/backends/indexer_common.py): words of 2 to 50
// characters, case-insensitive, minus a list of stop words. The stores
// keep the index in SQLite FTS5 or a PostgreSQL tsvector column and use
// these rules for queries, so both backends find the same items.
package search

import (
	"strings"
	"unicode"
)

// MinWord and MaxWord bound indexed word lengths (Roundup: 2..50).
const (
	MinWord = 2
	MaxWord = 50
)

// Stopwords is Roundup's built-in stop-word list (indexer_common.py),
// upper-cased as Roundup keeps them.
var Stopwords = []string{
	"A", "AND", "ARE", "AS", "AT", "BE", "BUT", "BY",
	"FOR", "IF", "IN", "INTO", "IS", "IT",
	"NO", "NOT", "OF", "ON", "OR", "SUCH",
	"THAT", "THE", "THEIR", "THEN", "THERE", "THESE",
	"THEY", "THIS", "TO", "WAS", "WILL", "WITH",
}

// StopSet builds the lower-case stop-word set from the built-in list plus
// extra words ([main] indexer_stopwords).
func StopSet(extra []string) map[string]bool {
	m := make(map[string]bool, len(Stopwords)+len(extra))
	for _, w := range Stopwords {
		m[strings.ToLower(w)] = true
	}
	for _, w := range extra {
		m[strings.ToLower(strings.TrimSpace(w))] = true
	}
	return m
}

// QueryWords cuts a search string into the lower-case words an indexed
// text must all contain, dropping stop words, words shorter than MinWord
// or longer than MaxWord and duplicates. Word characters are letters and
// digits; '_' separates words as it does in SQLite's unicode61 tokenizer
// and PostgreSQL's parser, so both backends agree.
func QueryWords(q string, stop map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(q, notWordRune) {
		w = strings.ToLower(w)
		n := len([]rune(w))
		if n < MinWord || n > MaxWord || stop[w] || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

func notWordRune(r rune) bool {
	return !(unicode.IsLetter(r) || unicode.IsDigit(r))
}

// IndexText reduces a text to what the index keeps: its distinct
// lower-case words (same rules as QueryWords), space-separated. Both
// stores index this form, so tokenisation never differs between them.
func IndexText(text string, stop map[string]bool) string {
	words := QueryWords(text, stop)
	return strings.Join(words, " ")
}
