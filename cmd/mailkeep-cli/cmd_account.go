package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

func newAccountCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "account",
		Short: "Add, list, show, test and remove the mailboxes to archive",
		Long: `Accounts are the mailboxes Mailkeep archives. Their settings live in the
archive file; their secrets (a password, or an Entra app's client secret) live in
the OS keyring, or in an environment variable the account names.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("account needs a command: add, list, show, test or remove")
		},
	}
	cmd.AddCommand(newAccountAddCommand(a), newAccountListCommand(a), newAccountShowCommand(a),
		newAccountRemoveCommand(a), newAccountTestCommand(a))
	return cmd
}

// accountFlags are account add's options.
type accountFlags struct {
	protocol, host, security, user, authKind string
	port                                     int
	tenant, clientID, cloud, authorityHost   string
	secretStdin                              bool
	secretEnv                                string
	folders, exclude                         []string
	every                                    time.Duration
	daily                                    string
	deleteAfterArchive, allowPlaintext       bool
}

func newAccountAddCommand(a *app) *cobra.Command {
	var f accountFlags
	cmd := &cobra.Command{
		Use:   "add NAME --protocol imap|pop3 --host HOST --user MAILBOX --auth entra|password (--secret-stdin | --secret-env VAR)",
		Short: "Add a mailbox to archive",
		Long: `Add a mailbox to archive. NAME is how Mailkeep calls the account (in search:
account:NAME). The secret — the mailbox's password, or the Entra app's client
secret (its Value, not its Secret ID) — is read from standard input with
--secret-stdin and stored in the OS keyring, never in the archive file. An app's
secret is stored once per app registration (entra:<tenant>/<client-id>), so
every mailbox archived with the app shares it. On a machine without a keyring,
use --secret-env VAR: Mailkeep then stores only the variable's name.

Check the account afterwards with "mailkeep-cli account test NAME".`,
		Example: `  echo -n "$SECRET" | mailkeep-cli account add sales --protocol imap --host outlook.office365.com \
      --user sales@contoso.com --auth entra --tenant contoso.onmicrosoft.com \
      --client-id 0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00 --secret-stdin
  mailkeep-cli account add home --protocol pop3 --host pop.example.com --user me@example.com \
      --auth password --secret-env HOME_MAIL_PASSWORD --delete-after-archive`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("account add needs exactly one NAME for the account")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			acct, err := f.account(cmd, args[0])
			if err != nil {
				return err
			}
			a.started = true
			return a.accountAdd(cmd, acct, f.secretStdin)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.protocol, "protocol", "", "imap or pop3")
	fl.StringVar(&f.host, "host", "", "the mail server, e.g. outlook.office365.com")
	fl.IntVar(&f.port, "port", 0, "the server's port (default: 993 IMAP or 995 POP3 with tls, 143 or 110 otherwise)")
	fl.StringVar(&f.security, "security", "tls", "tls, starttls or none")
	fl.StringVar(&f.user, "user", "", "the mailbox, e.g. shared@contoso.com")
	fl.StringVar(&f.authKind, "auth", "", "entra (a Microsoft Entra app) or password")
	fl.StringVar(&f.tenant, "tenant", "", "Entra: the Directory (tenant) ID or a domain such as contoso.onmicrosoft.com")
	fl.StringVar(&f.clientID, "client-id", "", "Entra: the Application (client) ID")
	fl.StringVar(&f.cloud, "cloud", "", "Entra: global (default), usgov or china")
	fl.StringVar(&f.authorityHost, "authority-host", "", "Entra: another sign-in service `URL` (private endpoints)")
	fl.BoolVar(&f.secretStdin, "secret-stdin", false, "read the secret from standard input and keep it in the OS keyring")
	fl.StringVar(&f.secretEnv, "secret-env", "", "read the secret from this environment `VAR` at each run (for machines without a keyring)")
	fl.StringSliceVar(&f.folders, "folders", nil, "IMAP folders to archive, as `GLOB,...` (default: all); * matches anything")
	fl.StringSliceVar(&f.exclude, "exclude", nil, "IMAP folders to leave out, as `GLOB,...` (default: Files, Exchange's hidden attachment folder)")
	fl.DurationVar(&f.every, "every", 0, "archive on this schedule when the daemon runs, e.g. 1h (default: only when asked)")
	fl.StringVar(&f.daily, "daily", "", "archive each day at this local time `HH:MM` when the daemon runs, e.g. 02:30 (instead of --every)")
	fl.BoolVar(&f.deleteAfterArchive, "delete-after-archive", false, "POP3: delete each message on the server once it is safely archived")
	fl.BoolVar(&f.allowPlaintext, "allow-plaintext-password", false, "with --security none: send the password or token unencrypted anyway")
	return cmd
}

// account builds the account from the flags; typing mistakes are usage errors.
func (f *accountFlags) account(cmd *cobra.Command, name string) (archive.Account, error) {
	for _, req := range []string{"protocol", "host", "user", "auth"} {
		if !cmd.Flags().Changed(req) {
			return archive.Account{}, usageErrorf("account add needs --%s", req)
		}
	}
	acct := archive.Account{
		Name: name, Protocol: archive.Protocol(strings.ToLower(f.protocol)), Host: strings.TrimSpace(f.host), Port: f.port,
		Security: archive.Security(strings.ToLower(f.security)), AllowPlaintextPassword: f.allowPlaintext,
		User: strings.TrimSpace(f.user), Auth: archive.AuthKind(strings.ToLower(f.authKind)),
		Tenant: strings.TrimSpace(f.tenant), ClientID: strings.TrimSpace(f.clientID), Cloud: auth.Cloud(strings.ToLower(f.cloud)),
		AuthorityHost: f.authorityHost, Folders: f.folders, Every: archive.Interval(f.every), Daily: strings.TrimSpace(f.daily),
		DeleteAfterArchive: f.deleteAfterArchive,
	}
	if cmd.Flags().Changed("exclude") {
		acct.Exclude = append([]string{}, f.exclude...)
	}
	switch {
	case f.secretStdin && f.secretEnv != "":
		return acct, usageErrorf("give the secret one way: --secret-stdin or --secret-env VAR, not both")
	case f.secretStdin:
		acct.Secret = auth.SecretRef{Keyring: acct.DefaultSecretKey()}
	case f.secretEnv != "":
		acct.Secret = auth.SecretRef{Env: f.secretEnv}
	default:
		return acct, usageErrorf("account add needs the secret: --secret-stdin (read it from standard input into the OS keyring) or --secret-env VAR")
	}
	if err := acct.Validate(); err != nil {
		return acct, &usageError{err}
	}
	return acct, nil
}

func (a *app) accountAdd(cmd *cobra.Command, acct archive.Account, secretStdin bool) (err error) {
	ctx := cmd.Context()
	s, done, err := a.openWriting(ctx, true)
	if err != nil {
		return err
	}
	defer done(&err)
	if _, err := s.Account(ctx, acct.Name); err == nil {
		return fmt.Errorf("an account named %q already exists: choose another name, or remove it first with mailkeep-cli account remove %s (the mail archived from it stays)", acct.Name, acct.Name)
	} else if !archive.IsAccountNotFound(err) {
		return err
	}
	if secretStdin {
		secret, err := readSecret(a.env.stdin)
		if err != nil {
			return err
		}
		if err := a.keyring().Set(ctx, acct.Secret.Keyring, secret); err != nil {
			return fmt.Errorf("the account was not added: %w", err)
		}
	}
	if err := archive.SaveAccount(ctx, s, acct); err != nil {
		return err
	}
	fmt.Fprintf(a.out(), "Added account %s: %s for %s at %s, signing in with %s; the secret is in the %s.\n",
		acct.Name, acct.Protocol, acct.User, acct.Address(), acct.Auth, acct.Secret)
	fmt.Fprintf(a.out(), "Check it with: mailkeep-cli account test %s\n", acct.Name)
	return nil
}

// readSecret reads a secret from r: everything up to the end, without the
// final line break a shell's echo adds.
func readSecret(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return "", fmt.Errorf("cannot read the secret from standard input: %w", err)
	}
	secret := strings.TrimRight(string(b), "\r\n")
	if strings.TrimSpace(secret) == "" {
		return "", errors.New("standard input held no secret: pipe it in, e.g. echo -n \"$SECRET\" | mailkeep-cli account add ... --secret-stdin")
	}
	if strings.ContainsAny(secret, "\r\n") {
		return "", errors.New("the secret read from standard input spans several lines: give only the secret itself")
	}
	return secret, nil
}

func (a *app) keyring() auth.Keyring { return auth.Keyring{} }

func newAccountListCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the accounts and how their last run went",
		Args:  cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, args []string) (err error) {
			ctx := cmd.Context()
			s, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			defer closeStore(s, &err)
			accounts, err := archive.Accounts(ctx, s)
			if err != nil {
				return err
			}
			if len(accounts) == 0 {
				fmt.Fprintln(a.out(), "No accounts yet. Add one with: mailkeep-cli account add NAME ...")
				return nil
			}
			w := tabwriter.NewWriter(a.out(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tPROTOCOL\tMAILBOX\tSERVER\tSIGN-IN\tLAST RUN")
			for _, acct := range accounts {
				last, err := lastRun(cmd, s, acct.Name)
				if err != nil {
					return err
				}
				name := acct.Name
				if acct.Paused {
					name += " (paused)"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", oneLine(name), acct.Protocol, oneLine(acct.User), acct.Address(), acct.Auth, last)
			}
			return w.Flush()
		}),
	}
}

// lastRun describes the latest run of account in a few words.
func lastRun(cmd *cobra.Command, s *store.Store, account string) (string, error) {
	runs, err := s.Runs(cmd.Context(), account, 1)
	if err != nil || len(runs) == 0 {
		return "never", err
	}
	r := runs[0]
	return fmt.Sprintf("%s %s, %s", r.Started.UTC().Format("2006-01-02 15:04"), r.Outcome, plural(r.Messages, "message", "messages")), nil
}

func newAccountShowCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show an account's settings and its latest runs",
		Args:  exactlyOneName("account show"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) (err error) {
			ctx := cmd.Context()
			s, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			defer closeStore(s, &err)
			acct, err := archive.LoadAccount(ctx, s, args[0])
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(a.out(), 0, 4, 2, ' ', 0)
			row := func(k, v string) { fmt.Fprintf(w, "%s:\t%s\n", k, oneLine(v)) }
			row("Name", acct.Name)
			row("Protocol", string(acct.Protocol))
			row("Server", acct.Address())
			row("Security", string(acct.Security))
			row("Mailbox", acct.User)
			row("Sign-in", string(acct.Auth))
			if acct.Auth == archive.AuthEntra {
				row("Tenant", acct.Tenant)
				row("Client ID", acct.ClientID)
				if acct.Cloud != "" {
					row("Cloud", string(acct.Cloud))
				}
				if acct.AuthorityHost != "" {
					row("Authority host", acct.AuthorityHost)
				}
			}
			row("Secret", acct.Secret.String())
			if acct.Protocol == archive.IMAP {
				folders := "all"
				if len(acct.Folders) > 0 {
					folders = strings.Join(acct.Folders, ", ")
				}
				exclude := acct.Exclude
				if exclude == nil {
					exclude = archive.DefaultExclude
				}
				row("Folders", folders)
				row("Excluded", strings.Join(exclude, ", "))
			} else {
				row("Delete after archiving", map[bool]string{true: "yes", false: "no"}[acct.DeleteAfterArchive])
			}
			row("Schedule", acct.Schedule())
			row("Paused", map[bool]string{true: "yes", false: "no"}[acct.Paused])
			runs, err := s.Runs(ctx, acct.Name, 5)
			if err != nil {
				return err
			}
			if acct.Scheduled() && !acct.Paused {
				var last time.Time
				if len(runs) > 0 {
					last = runs[0].Started
				}
				next := archive.NextRun(acct, last, time.Now(), a.env.location)
				row("Next run", next.In(a.env.location).Format("2006-01-02 15:04")+" (while mailkeep-cli daemon runs)")
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(runs) == 0 {
				fmt.Fprintln(a.out(), "\nNo runs yet.")
				return nil
			}
			fmt.Fprintln(a.out(), "\nLatest runs:")
			for _, r := range runs {
				line := fmt.Sprintf("  %s  %-9s %s, %s", r.Started.In(a.env.location).Format("2006-01-02 15:04:05"), r.Outcome,
					plural(r.Messages, "message", "messages"), humanize.Bytes(uint64(r.Bytes)))
				if r.Error != "" {
					line += ": " + oneLine(r.Error)
				}
				fmt.Fprintln(a.out(), line)
			}
			return nil
		}),
	}
}

func newAccountRemoveCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Stop archiving an account (the mail archived from it stays)",
		Args:  exactlyOneName("account remove"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) (err error) {
			ctx := cmd.Context()
			s, done, err := a.openWriting(ctx, false)
			if err != nil {
				return err
			}
			defer done(&err)
			if err := archive.RemoveAccount(ctx, s, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.out(), "Removed account %s. The mail archived from it stays in the archive; its secret stays in the keyring (other accounts may share it).\n", args[0])
			return nil
		}),
	}
}

func newAccountTestCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "test NAME",
		Short: "Try each step of archiving an account and say what is wrong",
		Long: `Try each step of archiving the account — read the secret, get a token and
look at it (Entra), connect, sign in, list the folders — and print each step's
verdict, with what to do when one fails. Nothing is changed on the server.
Exits 0 when every step passed, 1 otherwise.`,
		Args: exactlyOneName("account test"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) (err error) {
			ctx := cmd.Context()
			s, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			defer closeStore(s, &err)
			acct, err := archive.LoadAccount(ctx, s, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out(), "Testing account %s (%s for %s at %s):\n", acct.Name, acct.Protocol, acct.User, acct.Address())
			failed := false
			for _, adv := range archive.Check(ctx, acct.CheckAccount(a.keyring(), nil, nil)) {
				switch {
				case adv.OK:
					fmt.Fprintf(a.out(), "  %-8s OK\n", adv.Step)
				case adv.Code == archive.NotRun:
					fmt.Fprintf(a.out(), "  %-8s not tried\n", adv.Step)
				default:
					failed = true
					fmt.Fprintf(a.out(), "  %-8s FAILED: %s\n", adv.Step, adv.String())
				}
			}
			if acct.Auth == archive.AuthEntra {
				fmt.Fprintf(a.out(), "\nAn Exchange Online administrator grants the app this mailbox with this PowerShell:\n\n%s\n",
					auth.PowerShell(auth.PowerShellParams{Tenant: acct.Tenant, ClientID: acct.ClientID, Mailboxes: []string{acct.User},
						Protocols: []string{string(acct.Protocol)}, Cloud: acct.Cloud}))
			}
			if failed {
				return fmt.Errorf("account %s failed the test: see the steps above", acct.Name)
			}
			fmt.Fprintln(a.out(), "All steps passed.")
			return nil
		}),
	}
}

// exactlyOneName is an Args check for commands that take one account name.
func exactlyOneName(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usageErrorf("%s needs exactly one account NAME (mailkeep-cli account list shows them)", what)
		}
		return nil
	}
}
