package store

import "time"

// Location is one place a message was seen.
type Location struct {
	Account string // the account's name; "import" for imported files
	Folder  string // the folder's name as the server gives it (UTF-8); for imports, the source
	// UIDValidity and UID are the server's id for the message: IMAP UIDVALIDITY
	// and UID (as decimal text); POP3 leaves UIDValidity 0 and puts the UIDL in UID.
	UIDValidity uint32
	UID         string
}

// Incoming is one raw message handed to Ingest.
type Incoming struct {
	Raw      []byte   // exactly the bytes the server or file gave
	Location Location // where it was seen
	// DateHint is used when the message has no usable Date header and no
	// Received header (IMAP INTERNALDATE, a file's modification time). Zero: none.
	DateHint time.Time
	// Placeholder marks a message the server could not really deliver (Exchange's
	// "Retrieval using the IMAP4 protocol failed" stand-ins): kept, but flagged.
	Placeholder bool
}

// FolderState is where incremental sync of one folder stands.
type FolderState struct {
	Account     string
	Folder      string
	UIDValidity uint32
	LastUID     uint32 // the highest UID archived
}

// Batch is what one Ingest call commits, all or nothing.
type Batch struct {
	Messages []Incoming
	// States are written in the same transaction as Messages.
	States []FolderState
	// Durable makes the commit reach the disk before Ingest returns, so that it
	// survives even a power cut: ask for it before deleting messages on a
	// server. Other batches survive a crash of the process without it.
	Durable bool
}

// Stored says what Ingest did with one incoming message.
type Stored struct {
	ID     int64
	SHA256 [32]byte
	New    bool // false when the same bytes were already in the archive
}

// Flags mark messages that need a second look.
type Flags int

const (
	// FlagParseError: the message did not parse completely; it is stored as is
	// and indexed as far as it could be read.
	FlagParseError Flags = 1 << iota
	// FlagPlaceholder: the server sent a stand-in instead of the message.
	FlagPlaceholder
)

// Message is a stored message's searchable summary.
type Message struct {
	ID          int64
	SHA256      [32]byte
	Size        int64
	Date        time.Time
	From        string
	To          string
	Cc          string
	Subject     string
	MessageID   string
	InReplyTo   string
	References  string
	Attachments []Attachment
	Flags       Flags
	Problem     string // why parsing was incomplete
	Locations   []Location
}

// Attachment is one attached file of a message.
type Attachment struct {
	Filename    string
	ContentType string
	Size        int64 // decoded size in bytes
}
