// Package archive turns accounts into archived mail. It keeps the accounts
// (Account, saved in the archive file without any secret), fetches mail from
// IMAP and POP3 servers — connecting with implicit TLS or STARTTLS, signing
// in with a SASL client from package auth, streaming messages byte for byte
// with BODY.PEEK[] or RETR — and hands it to the store in batches committed
// together with the folder's sync state, so that an interrupted run resumes
// where the last commit ended. An IMAP account's folders are synced a few at
// a time, each over a connection of its own (Options.Connections), and a
// folder's next batch is fetched while the last one is stored. Run records every run in the archive's
// history; Check is the setup doctor's run, which tries each step in turn and
// says in plain words what failed and what to do. A Scheduler runs the
// accounts on their schedules (every DURATION, daily at HH:MM), one run per
// account at a time, for the daemon and the tray.
//
//	acct, err := archive.LoadAccount(ctx, s, "sales")
//	...
//	report, err := archive.Run(ctx, s, acct, archive.Options{Progress: show})
//	var ce *archive.CredentialError
//	if errors.As(err, &ce) {
//		fmt.Println(ce.Advice) // what is wrong with the setup, and what to do
//	}
//
//	sc := archive.NewScheduler(s, archive.SchedulerOptions{Logger: log})
//	err = sc.Run(ctx) // until ctx ends; sc.RunNow(ctx, "sales") from a button
package archive
