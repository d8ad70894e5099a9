package ircgw

import (
	"context"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

func TestSendDeliversInOrder(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, _ := newRelay(t, fastOptions())
	for i, text := range []string{"one", "two\nthree", "four"} {
		if err := r.Send(context.Background(), []string{url(srv, "chan")}, text); err != nil {
			t.Fatalf("Send #%d: %v", i, err)
		}
	}
	got := srv.WaitTexts(t, "#chan", 4, wait)
	if want := []string{"one", "two", "three", "four"}; !equal(got, want) {
		t.Errorf("texts = %q, want %q", got, want)
	}
	cl := srv.Clients()
	if len(cl) != 1 || !strings.HasPrefix(cl[0].Nick, "irker") || cl[0].User != "irker" {
		t.Errorf("clients = %+v, want one irkerNNN with user irker", cl)
	}
}
