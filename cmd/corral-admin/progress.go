package main

// Progress display for long commands.

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress shows how far a long command (reindex, export, import) got,
// as Roundup's roundup/support.py Progress does: "Reindex issue 42%"
// redrawn in place with \r, an ETA after three seconds, and "... done"
// at the end. It writes only when stdout is a terminal; otherwise it is
// silent, so redirected output stays clean.
type progress struct {
	w         io.Writer
	info      string
	total     int
	num       int
	step      int
	start     time.Time
	last      time.Time
	steptimes []time.Duration
}

// newProgress starts a display for total steps; w nil means silent.
func (a *admin) newProgress(info string, total int) *progress {
	p := &progress{info: info, total: total, step: max(total/100, 1), start: time.Now()}
	p.last = p.start
	if a.outTerm {
		p.w = a.out
		p.display()
	}
	return p
}

// next counts one step.
func (p *progress) next() {
	if p != nil {
		p.set(p.num + 1)
	}
}

// set records that n steps are done, redrawing at every percent.
func (p *progress) set(n int) {
	if p == nil || p.w == nil {
		return
	}
	crossed := n/p.step != p.num/p.step
	p.num = n
	if crossed && p.num <= p.total {
		p.display()
	}
}

// done ends the display with "INFO done".
func (p *progress) done() {
	if p == nil || p.w == nil {
		return
	}
	fmt.Fprintf(p.w, "%s done %s\n", p.info, strings.Repeat(" ", max(75-len(p.info)-6, 0)))
}

func (p *progress) display() {
	now := time.Now()
	p.steptimes = append([]time.Duration{now.Sub(p.last)}, p.steptimes...)
	if len(p.steptimes) > 5 {
		p.steptimes = p.steptimes[:5]
	}
	p.last = now
	var s string
	pct := 0
	if p.total > 0 {
		pct = p.num * 100 / p.total
	}
	if now.Sub(p.start) > 3*time.Second {
		var sum time.Duration
		for _, d := range p.steptimes {
			sum += d
		}
		eta := sum / time.Duration(len(p.steptimes)) * time.Duration((p.total-p.num)/p.step)
		sec := int(eta.Seconds())
		s = fmt.Sprintf("%s %2d%% (ETA %02d:%02d:%02d)", p.info, pct, sec/3600, sec/60%60, sec%60)
	} else {
		s = fmt.Sprintf("%s %2d%%", p.info, pct)
	}
	fmt.Fprintf(p.w, "%s%s\r", s, strings.Repeat(" ", max(75-len(s), 0)))
}
