//go:build !linux && !windows && !darwin

package app

import "errors"

var errNoAutostart = errors.New("Mailkeep cannot start itself at login on this system: add it to your desktop's startup programs by hand")

func autostartEnabled(func(string) string) (bool, error) { return false, nil }

func setAutostart(func(string) string, string, bool) error { return errNoAutostart }
