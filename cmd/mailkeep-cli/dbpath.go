package main

// archiveFileName is the default archive file's name inside the per-user data
// folder. The folder and its location differ per platform: see
// dbpath_unix.go, dbpath_darwin.go, dbpath_windows.go.
const archiveFileName = "archive.mailkeep"
