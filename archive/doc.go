// Package archive fetches mail from IMAP and POP3 servers and hands it to
// the store: connecting (implicit TLS or STARTTLS), signing in with a SASL
// client from package auth, listing folders, streaming messages byte for byte,
// and the setup doctor's run, Check, which tries each of those steps in turn
// and says in plain words what failed and what to do.
//
//	advice := archive.Check(ctx, archive.CheckAccount{
//		Protocol: archive.IMAP, Host: "outlook.office365.com", Security: archive.SecurityTLS,
//		User: "shared@contoso.com", Credentials: creds,
//	})
package archive
