package ircgw

import (
	"fmt"
	"math/rand/v2"
	"regexp"
)

// nickDirective finds the printf integer directive of a nick template;
// irkerd tests for it with re.search('%.*d', template).
var nickDirective = regexp.MustCompile(`%[-+ #0]*[0-9]*(\.[0-9]+)?d`)

// nickGen produces the nicks of one connection attempt the way irkerd
// does: a template with a %d directive gets a random number 1–990 on each
// connect, increased by a random 1–3 on every collision (432, 433, 436,
// 437). A template without %d is used as is; where irkerd then retries the
// same taken nick forever (specs/irkerd.md §13.18), a collision here falls
// back to the template followed by a three-digit number.
type nickGen struct {
	template string
	trial    int
	numbered bool // currently using a numbered form
}

func newNickGen(template string) *nickGen {
	g := &nickGen{template: template, trial: rand.IntN(990) + 1}
	g.numbered = nickDirective.MatchString(template)
	return g
}

// current returns the nick to use now.
func (g *nickGen) current() string {
	if !g.numbered {
		return g.template
	}
	if loc := nickDirective.FindStringIndex(g.template); loc != nil {
		verb := g.template[loc[0]:loc[1]]
		return g.template[:loc[0]] + fmt.Sprintf(verb, g.trial) + g.template[loc[1]:]
	}
	// A fixed nick that collided: keep it within RFC 2812's nine
	// characters, the smallest NICKLEN servers use.
	base := g.template
	if len(base) > 6 {
		base = base[:6]
	}
	return fmt.Sprintf("%s%03d", base, g.trial%1000)
}

// next moves to the next nick after the server refused the current one.
func (g *nickGen) next() string {
	if g.numbered {
		g.trial += rand.IntN(3) + 1
	} else {
		g.numbered = true
	}
	return g.current()
}
