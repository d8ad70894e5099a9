package jobs

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// A job's state — the slot it last completed — is kept in the tracker
// database, so every process sharing it and every restart sees it. It is
// stored as a one-time key of kind "jobstate" under "jobstate:NAME" that
// never expires (tracker.KeyStore has no other small durable record);
// it is only ever peeked at and replaced, never taken.
const stateKind = "jobstate"

// never is the expiry of state keys: ExpireKeys must not remove them.
var never = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

func stateKey(name string) string { return stateKind + ":" + name }

// state is what is remembered of a job between runs.
type state struct {
	// Slot is the schedule slot last completed.
	Slot time.Time `json:"slot"`
	// RanAt is when that run finished, and Holder which process ran it
	// (for the logs and whoever reads the table).
	RanAt  time.Time `json:"ran_at"`
	Holder string    `json:"holder"`
}

// readState returns the job's state, zero when it never ran.
func readState(tx *tracker.Tx, name string) (state, error) {
	var st state
	k, err := tx.PeekOTK(stateKey(name))
	if errors.Is(err, tracker.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("reading state of job %s: %w", name, err)
	}
	if k.Kind != stateKind {
		return st, fmt.Errorf("reading state of job %s: key %s is of kind %q", name, k.Key, k.Kind)
	}
	if err := json.Unmarshal(k.Data, &st); err != nil {
		return st, fmt.Errorf("reading state of job %s: %w", name, err)
	}
	return st, nil
}

// writeState records that the job completed slot, in tx: a job that
// commits its effect in one transaction (the summary mail) records it
// in the same one, so the two never part.
func writeState(tx *tracker.Tx, name string, st state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := tx.PutOTK(&tracker.OTK{Key: stateKey(name), Kind: stateKind, Data: b, Expires: never}); err != nil {
		return fmt.Errorf("recording state of job %s: %w", name, err)
	}
	return nil
}
