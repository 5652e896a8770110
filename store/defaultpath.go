package store

// DefaultFileName is the default archive file's name inside the per-user data
// folder. The folder and its location differ per platform: see
// defaultpath_unix.go, defaultpath_darwin.go, defaultpath_windows.go.
const DefaultFileName = "archive.mailkeep"
