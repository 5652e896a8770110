package app

import (
	"fmt"
	"os"
	"path/filepath"
)

// autostartArg is the flag a start at login passes: Mailkeep starts in the
// tray, without its window.
const autostartArg = "--tray"

// thisExecutable is the absolute path of the running program, for a start
// at login to run.
func thisExecutable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot tell where Mailkeep's program file is (%w): start at login needs it", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Abs(exe)
}
