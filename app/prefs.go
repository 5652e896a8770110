package app

// Keys of the App's Fyne preferences: settings a person chooses that are
// needed before the archive is open, or belong to this computer rather than
// to the archive. Never a secret (Fyne keeps them as plain JSON).
const (
	prefArchivePath = "archive.path"      // the archive file
	prefParallel    = "runs.parallel"     // accounts archived at the same time
	prefTrayToldYou = "tray.told-closing" // the "still running in the tray" note was shown
)

// Keys of the shell's settings (settings_view.go, expiry.go).
const (
	prefDefaultEvery  = "schedule.default-every" // schedule of a new mailbox, a Go duration such as "1h" ("0": only when asked)
	prefConnections   = "runs.connections"       // parallel connections per account
	prefExpiryNoticed = "expiry.noticed."        // + an app's keyring key: the expiry notice last sent
)
