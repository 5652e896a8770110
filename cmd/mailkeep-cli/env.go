package main

import (
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// env is everything the command line takes from the world outside it, so that
// tests run the whole command tree in-process with buffers instead of a terminal.
type env struct {
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader
	getenv func(string) string
	// isTerminal says whether w is an interactive terminal (progress bars,
	// bold highlights and truncation to the screen's width are only for those).
	isTerminal func(w io.Writer) bool
	// termWidth is the width of the terminal w in columns; 0 when unknown.
	termWidth func(w io.Writer) int
	// location is the time zone dates are shown in for people (JSON keeps the
	// message's own offset).
	location *time.Location
}

// osEnv is the real process's environment.
func osEnv() env {
	return env{
		stdout:     os.Stdout,
		stderr:     os.Stderr,
		stdin:      os.Stdin,
		getenv:     os.Getenv,
		isTerminal: fileIsTerminal,
		termWidth:  fileTermWidth,
		location:   time.Local,
	}
}

func fileIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func fileTermWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}
