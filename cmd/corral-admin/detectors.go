package main

// The built-in detectors, installed whenever a tracker is opened.

import (
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/detectors"
)

// installDetectors registers the built-in detectors a tracker enables in
// detectors/config.ini, so changes made with corral-admin run the same
// auditors and reactors as changes by web or mail (Roundup's admin opens
// the tracker with its detectors too).
func installDetectors(s *tracker.Service, names []string) error {
	return detectors.Install(s, names)
}
