// Package scaleout holds the multi-process scale-out test of issue 10:
// three corral-server processes and two corral-mailgw daemons (one SMTP,
// one LMTP listener) share one PostgreSQL database, each running its
// notification worker, while web requests and mail create issues and
// follow-ups concurrently. The test checks, at an SMTP sink standing in
// for the mail host, that every nosy notification was sent exactly once
// (and, with one server killed mid-load, at least once, repeats only for
// events the dead process had claimed).
//
// The package has no code besides its tests. They skip unless
// CORRAL_TEST_POSTGRES names a PostgreSQL server whose role may create
// databases, e.g.
//
//	CORRAL_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//		go test ./internal/scaleout/ -v -count=1
//
// Each run works in a database of its own, dropped at the end.
package scaleout
