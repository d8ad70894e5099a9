package main

// Splitting shell lines into words (Roundup's token_r).

import (
	"errors"
	"strings"
)

// errUnmatchedQuote is returned by splitTokens for a quote without its
// closing partner.
var errUnmatchedQuote = errors.New("no matching quote")

// splitTokens splits a shell line into words as Roundup's
// roundup/token_r.py token_split does: whitespace separates words; ' or
// " quote (the other quote is literal inside); a backslash escapes the
// next character, \n, \r and \t standing for newline, carriage return
// and tab, any other escaped character (including a backslash or a
// quote) for itself. Quotes may appear inside a word (address="1 2 3").
func splitTokens(s string) ([]string, error) {
	var out []string
	var tok strings.Builder
	inTok := false
	var quote rune
	escape := false
	for _, c := range s {
		switch {
		case escape:
			escape = false
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			}
			tok.WriteRune(c)
			inTok = true
		case c == '\\':
			escape = true
			inTok = true
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				tok.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote = c
			inTok = true
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if inTok {
				out = append(out, tok.String())
				tok.Reset()
				inTok = false
			}
		default:
			tok.WriteRune(c)
			inTok = true
		}
	}
	if quote != 0 {
		return nil, errUnmatchedQuote
	}
	if inTok {
		out = append(out, tok.String())
	}
	return out, nil
}
