package tracker

import (
	"sort"
	"strconv"
)

func sortStrings(s []string) { sort.Strings(s) }

// SortIDs sorts item ids numerically in place (Roundup keeps multilink
// values in id order, so a re-added message takes its old place).
func SortIDs(ids []string) {
	sort.Slice(ids, func(i, j int) bool { return idLess(ids[i], ids[j]) })
}

func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// ValidID reports whether s is a positive decimal id without leading zeros.
func ValidID(s string) bool {
	if s == "" || s[0] == '0' || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IDInt converts a valid id to int64 (0 for invalid input).
func IDInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// IDString formats an int64 id.
func IDString(n int64) string { return strconv.FormatInt(n, 10) }
