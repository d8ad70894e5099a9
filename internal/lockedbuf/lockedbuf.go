// Package lockedbuf is a bytes.Buffer safe for concurrent Write and
// String: the output of a child process or a logger that a test reads
// while it is still being written. Tests across the module shared seven
// copies of it.
package lockedbuf

import (
	"bytes"
	"sync"
)

// Buffer collects writes under a mutex; the zero value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
