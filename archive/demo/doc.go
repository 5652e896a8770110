// Package demo is Mailkeep's demo mailbox: an IMAP server inside the process
// (go-imap v2's imapserver over its in-memory imapmemserver) that holds about
// 300 generated messages of a small office, so that a newcomer can see setup,
// run, progress and search work in a minute without a mail account of their
// own. The tray app's "Try with a demo mailbox" and mailkeep-cli demo use it.
//
// The server listens on 127.0.0.1 on a free port and speaks IMAP over TLS
// from the first byte, with a certificate made for the run and trusted only
// by the run (Server.TLSConfig): the demo takes the same TLS path a real
// server does. Its one user signs in with a fixed password that Mailkeep
// keeps in a keyring held in memory (auth.MemoryKeyring), never the OS
// keyring.
//
// The mailbox is generated from a fixed seed: every run serves the same
// bytes, so a second run into the same archive archives nothing new, and
// tests can rely on what it holds. Its folders are INBOX, Sent Items,
// Archive/2023, Entwürfe and Projects/Müller; the messages come from
// example.com and example.org people, in English, German and Japanese, some
// in HTML, some with a PDF or CSV attached, dated over 2023 and 2024.
// SuggestedSearches lists searches that find something.
//
// The demo writes only to its own archive file (DefaultPath, beside the real
// archive), never to the real one:
//
//	rep, err := demo.Run(ctx, demo.PathBeside(realArchive), func(e archive.Event) { ... })
package demo
