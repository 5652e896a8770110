//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package store

import "os"

// lockFile takes no lock on systems without flock or LockFileEx: there,
// LockArchive only records the process id.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
