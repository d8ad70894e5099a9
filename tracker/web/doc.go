// Package web is Corral's web frontend: Roundup's URLs and form syntax
// (roundup/cgi), the bugs.python.org pages and features, accounts, and
// the REST API and feeds, server-rendered with html/template.
//
// One Server serves several trackers, each under /NAME/ (a Site). Every
// request runs as a user (a session cookie, HTTP Basic, or anonymous);
// pages read through a read-only tracker.Tx and check View per property;
// actions (POST @action=...) write through a tracker.Tx, so permissions,
// auditors and the journal apply exactly as for mail and admin. GET
// never changes data except one-time-key links (DESIGN.md §2.1).
package web
