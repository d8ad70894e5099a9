//go:build !linux

package main

// Terminal handling elsewhere than Linux: no termios support yet, so
// corral-admin behaves as when stdin is not a terminal (no line
// editing, no prompts, no progress display).

import (
	"errors"
	"os"
)

type termState struct{}

func (s *termState) restore() {}

func isTerminal(*os.File) bool { return false }

func makeRaw(*os.File) (*termState, error) { return nil, errors.New("no terminal support") }

func noEcho(*os.File) (*termState, error) { return nil, errors.New("no terminal support") }
