//go:build linux

package main

// Terminal handling on Linux through termios (golang.org/x/sys/unix),
// dependency-free otherwise: terminal checks, raw mode for the line
// editor, and no-echo password prompts.

import (
	"os"

	"golang.org/x/sys/unix"
)

// isTerminal reports whether f is a terminal (termios answers).
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// termState is a saved terminal mode.
type termState struct {
	fd  int
	old unix.Termios
}

// restore puts the terminal back as it was.
func (s *termState) restore() {
	if s != nil {
		_ = unix.IoctlSetTermios(s.fd, unix.TCSETS, &s.old)
	}
}

// makeRaw switches f to raw input for the line editor: no line
// buffering, no echo, no signals from Control-C (the editor handles it),
// output processing kept so "\n" still starts a new line.
func makeRaw(f *os.File) (*termState, error) {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	st := &termState{fd: fd, old: *t}
	raw := *t
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	return st, nil
}

// noEcho turns echo off (for password prompts), keeping line editing.
func noEcho(f *os.File) (*termState, error) {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	st := &termState{fd: fd, old: *t}
	ne := *t
	ne.Lflag &^= unix.ECHO
	ne.Lflag |= unix.ICANON | unix.ISIG
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &ne); err != nil {
		return nil, err
	}
	return st, nil
}
