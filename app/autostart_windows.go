package app

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// runKey is where Windows keeps what starts at the user's login.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// runValue is Mailkeep's value under runKey.
const runValue = "Mailkeep"

// autostartEnabled reports whether Mailkeep starts at login.
func autostartEnabled(func(string) string) (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		if errors.Is(err, registry.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	defer k.Close()
	_, _, err = k.GetStringValue(runValue)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, registry.ErrNotExist):
		return false, nil
	}
	return false, err
}

// setAutostart makes Windows start exe --tray at login (on), or not.
func setAutostart(_ func(string) string, exe string, on bool) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf(`could not open HKEY_CURRENT_USER\%s: %w`, runKey, err)
	}
	defer k.Close()
	if !on {
		if err := k.DeleteValue(runValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf(`could not remove Mailkeep from HKEY_CURRENT_USER\%s: %w`, runKey, err)
		}
		return nil
	}
	if err := k.SetStringValue(runValue, `"`+exe+`" `+autostartArg); err != nil {
		return fmt.Errorf(`could not add Mailkeep to HKEY_CURRENT_USER\%s: %w`, runKey, err)
	}
	return nil
}
