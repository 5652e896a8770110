package archive

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/emersion/go-sasl"

	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// Options tune Run. The zero Options are ready to use.
type Options struct {
	// Progress, if set, receives the run's events, one at a time (never
	// two calls at once) but from the goroutine of whichever connection
	// made them: it must return quickly.
	Progress func(Event)
	Logger   *slog.Logger // nil: no logging

	Keyring auth.Keyring    // where SecretRef keyring keys are read
	Pool    *auth.EntraPool // shared by runs of accounts of one app; nil: a pool of this run's own
	// TLSConfig is used for mail server connections (nil: system roots,
	// which on Linux honour SSL_CERT_FILE); HTTPClient for Entra (nil: default).
	TLSConfig  *tls.Config
	HTTPClient *http.Client

	// A batch is committed when it holds BatchMessages messages (default
	// 100) or BatchBytes bytes (default 16 MiB), whichever comes first.
	BatchMessages int
	BatchBytes    int64

	// Connections is how many folders of an IMAP account are synced at the
	// same time, each on a connection of its own (default 2; 1: one folder
	// after the other). Exchange Online throttles per mailbox, so a few
	// are enough. POP3 always uses one (it has one mailbox).
	Connections int

	// Transient failures (network, BYE, identity provider 5xx) are retried
	// up to Attempts times in all (default 5) on each connection, waiting
	// RetryInitial (default 2 s) doubling up to RetryMax (default 1 min) in
	// between, or the time a throttling server suggested. Each attempt
	// resumes where the last commit ended; the other connections go on.
	Attempts     uint
	RetryInitial time.Duration
	RetryMax     time.Duration
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Pool == nil {
		o.Pool = &auth.EntraPool{}
	}
	if o.BatchMessages <= 0 {
		o.BatchMessages = 100
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = 16 << 20
	}
	if o.Connections <= 0 {
		o.Connections = 2
	}
	if o.Attempts == 0 {
		o.Attempts = 5
	}
	if o.RetryInitial <= 0 {
		o.RetryInitial = 2 * time.Second
	}
	if o.RetryMax <= 0 {
		o.RetryMax = time.Minute
	}
	return o
}

// EventKind says what an Event reports.
type EventKind int

const (
	// EventFolder: the sync of a folder begins; Total is how many messages
	// it will fetch.
	EventFolder EventKind = iota + 1
	// EventProgress: a batch was committed; Done and Bytes grew.
	EventProgress
	// EventRetry: an attempt failed for a reason that may pass; the run
	// (that connection, if there are several) waits Wait and resumes where
	// the last commit ended. Err says why; Folder, if set, is the folder
	// the connection was syncing.
	EventRetry
	// EventSetAside: a message failed and was set aside (UID), to be tried
	// again on the next run. Err says why.
	EventSetAside
)

// Event is one step of a run's progress, for a progress bar or a log.
type Event struct {
	Kind    EventKind
	Account string
	Folder  string
	Done    int   // messages of Folder committed in this run
	Total   int   // messages of Folder this run fetches
	Bytes   int64 // bytes of Folder committed in this run
	UID     string
	Wait    time.Duration
	Err     error
}

// FolderReport is what a run did in one folder.
type FolderReport struct {
	Folder string `json:"folder"`
	// SpecialUse are the folder's special-use attributes as the IMAP
	// server listed them (RFC 6154), such as \Sent or \Archive.
	SpecialUse  []string `json:"special_use,omitempty"`
	UIDValidity uint32   `json:"uidvalidity,omitempty"`
	Messages    int      `json:"messages"`           // fetched and committed
	New         int      `json:"new"`                // of these, not in the archive before
	Bytes       int64    `json:"bytes"`              // their size
	Rescanned   bool     `json:"rescanned,omitzero"` // UIDVALIDITY changed: read again from the start
	SetAside    int      `json:"set_aside,omitzero"` // messages that failed and were set aside
	Deleted     int      `json:"deleted,omitzero"`   // POP3: deleted on the server after archiving
	Error       string   `json:"error,omitempty"`    // why the folder could not be read
}

// RunReport is what one run of one account did.
type RunReport struct {
	Account  string
	RunID    int64 // in the archive's run history
	Started  time.Time
	Ended    time.Time
	Outcome  store.Outcome
	Attempts int // connections made (one per parallel connection, plus one per retry)
	Messages int // fetched and committed
	New      int // of these, not in the archive before
	Bytes    int64
	SetAside int
	Deleted  int
	Folders  []FolderReport // in the order they were synced
}

// CredentialError means the account's secret, token or sign-in was refused or
// is missing: retrying does not help (and repeated failed sign-ins get an
// account throttled). Advice is the setup doctor's verdict.
type CredentialError struct {
	Account string
	Advice  auth.Advice
	Err     error
}

func (e *CredentialError) Error() string {
	return fmt.Sprintf("account %q: %s (mailkeep-cli account test %s checks each step)", e.Account, e.Advice.String(), e.Account)
}

func (e *CredentialError) Unwrap() error { return e.Err }

// GaveUpError means a run failed for reasons that may pass (network, server
// busy) on every attempt. Everything committed before stays archived; the
// next run resumes from there.
type GaveUpError struct {
	Account  string
	Attempts int
	Advice   *auth.Advice // for connection failures: the doctor's explanation
	Err      error
}

func (e *GaveUpError) Error() string {
	msg := e.Err.Error()
	if e.Advice != nil {
		msg = e.Advice.String()
	}
	return fmt.Sprintf("account %q: gave up after %d attempts: %s. Everything archived until then is kept; the next run continues from there", e.Account, e.Attempts, msg)
}

func (e *GaveUpError) Unwrap() error { return e.Err }

// FolderError means some folders could not be read while others were.
type FolderError struct {
	Account string
	Folders []FolderReport // those with an Error
}

func (e *FolderError) Error() string {
	var parts []string
	for _, f := range e.Folders {
		parts = append(parts, fmt.Sprintf("%q: %s", f.Folder, f.Error))
	}
	return fmt.Sprintf("account %q: %d folders could not be read (%s); the others were archived. Check the folders on the server, or leave them out with --exclude",
		e.Account, len(e.Folders), strings.Join(parts, "; "))
}

// connectError marks a failure to reach the server (DNS, TCP, TLS).
type connectError struct{ err error }

func (e *connectError) Error() string { return "cannot connect: " + e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }

// ThrottledError is a server asking the client to slow down.
type ThrottledError struct {
	Wait       time.Duration // what the server suggested; 0: none
	ServerText string
}

func (e *ThrottledError) Error() string {
	if e.Wait > 0 {
		wait := e.Wait.Round(time.Millisecond)
		if e.Wait >= time.Second {
			wait = e.Wait.Round(time.Second) // a sub-second suggestion must not read "0s"
		}
		return fmt.Sprintf("the server asked Mailkeep to pause for %s (%s)", wait, e.ServerText)
	}
	return fmt.Sprintf("the server asked Mailkeep to slow down (%s)", e.ServerText)
}

var suggestedBackoff = regexp.MustCompile(`(?i)suggested backoff time:\s*(\d+)\s*milliseconds`)

// throttled recognises Exchange's "Request is throttled. Suggested Backoff
// Time: N milliseconds" in a server's text.
func throttled(text string) *ThrottledError {
	lower := strings.ToLower(text)
	if !strings.Contains(lower, "throttl") && !strings.Contains(lower, "server unavailable") {
		return nil
	}
	t := &ThrottledError{ServerText: text}
	if m := suggestedBackoff.FindStringSubmatch(text); m != nil {
		if ms, err := strconv.Atoi(m[1]); err == nil {
			t.Wait = time.Duration(ms) * time.Millisecond
		}
	}
	return t
}

// Run archives account acct into s now: signs in, fetches what the archive
// does not have yet, and records the run in the archive's history. A failure
// that may pass is retried with backoff, resuming from the last commit; a
// refused credential stops at once with a *CredentialError. Other errors:
// *GaveUpError, *FolderError, *AccountError, the store's, or ctx's.
func Run(ctx context.Context, s *store.Store, acct Account, opt Options) (RunReport, error) {
	opt = opt.withDefaults()
	r := &runner{s: s, acct: acct, opt: opt, folders: map[string]*FolderReport{}}
	r.report = RunReport{Account: acct.Name, Started: time.Now()}
	if err := acct.Validate(); err != nil {
		r.report.Outcome = store.OutcomeFailed
		return r.report, err
	}
	if err := ctx.Err(); err != nil {
		r.report.Outcome = store.OutcomeCancelled
		return r.report, err
	}
	id, err := s.StartRun(ctx, acct.Name, r.report.Started)
	if err != nil {
		return r.report, err
	}
	r.report.RunID = id
	opt.Logger.Info("run started", "account", acct.Name, "protocol", acct.Protocol, "server", acct.Address())

	err = r.run(ctx)

	r.report.Ended = time.Now()
	var folderErrs []FolderReport
	for _, name := range r.order {
		f := *r.folders[name]
		r.report.Folders = append(r.report.Folders, f)
		if f.Error != "" {
			folderErrs = append(folderErrs, f)
		}
	}
	if err == nil && len(folderErrs) > 0 {
		err = &FolderError{Account: acct.Name, Folders: folderErrs}
	}
	switch {
	case err == nil:
		r.report.Outcome = store.OutcomeOK
	case ctx.Err() != nil:
		r.report.Outcome = store.OutcomeCancelled
	default:
		r.report.Outcome = store.OutcomeFailed
	}
	rec := store.RunRecord{ID: id, Ended: r.report.Ended, Outcome: r.report.Outcome,
		Messages: r.report.Messages, Bytes: r.report.Bytes}
	if err != nil {
		rec.Error = err.Error()
	}
	rec.Details, _ = json.Marshal(struct {
		Attempts int            `json:"attempts"`
		New      int            `json:"new"`
		SetAside int            `json:"set_aside,omitzero"`
		Deleted  int            `json:"deleted,omitzero"`
		Folders  []FolderReport `json:"folders"`
	}{r.report.Attempts, r.report.New, r.report.SetAside, r.report.Deleted, r.report.Folders})
	if ferr := s.FinishRun(context.WithoutCancel(ctx), rec); ferr != nil && err == nil {
		err = ferr
	}
	opt.Logger.Info("run ended", "account", acct.Name, "outcome", r.report.Outcome, "messages", r.report.Messages,
		"bytes", r.report.Bytes, "attempts", r.report.Attempts, "error", rec.Error)
	return r.report, err
}

// runner is one Run in progress.
type runner struct {
	s      *store.Store
	acct   Account
	opt    Options
	report RunReport

	// mu guards report's totals and the folders' reports: an IMAP account's
	// folders are synced on several connections at once.
	mu      sync.Mutex
	folders map[string]*FolderReport
	order   []string
	emitMu  sync.Mutex // Progress is called by one goroutine at a time

	entra    *auth.Entra
	password string
	marked   int // POP3: messages marked for deletion in this session
}

func (r *runner) run(ctx context.Context) error {
	if err := r.credentials(ctx); err != nil {
		return err
	}
	if r.acct.Protocol == POP3 {
		// One mailbox, one connection: each attempt signs in again and
		// resumes where the last commit ended.
		return r.retry(ctx, nil, func() error {
			r.countAttempt()
			return r.syncPOP3(ctx)
		})
	}
	return r.syncIMAP(ctx)
}

// countAttempt counts one connection made.
func (r *runner) countAttempt() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.report.Attempts++
}

// retry runs op until it succeeds. A transient failure is retried, up to
// Options.Attempts tries of op in all, after a backoff or the wait a
// throttling server suggested, each retry announced in an EventRetry for the
// folder that folder (nil: none) names. retry returns nil, ctx's error, a
// permanent failure as it is, or a *GaveUpError.
func (r *runner) retry(ctx context.Context, folder func() string, op func() error) error {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = r.opt.RetryInitial
	b.MaxInterval = r.opt.RetryMax
	var last error
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		err := op()
		last = err
		switch {
		case err == nil:
			return struct{}{}, nil
		case ctx.Err() != nil:
			return struct{}{}, backoff.Permanent(ctx.Err())
		case !transient(err):
			return struct{}{}, backoff.Permanent(err)
		}
		var te *ThrottledError
		if errors.As(err, &te) && te.Wait > 0 {
			return struct{}{}, fmt.Errorf("%w: %w", &backoff.RetryAfterError{Duration: te.Wait}, err)
		}
		return struct{}{}, err
	}, backoff.WithBackOff(b), backoff.WithMaxTries(r.opt.Attempts), backoff.WithMaxElapsedTime(0),
		backoff.WithNotify(func(_ error, wait time.Duration) {
			// last, not backoff's err: that one starts "retry after 50ms: "
			// when the server suggested the wait.
			err := last
			ev := Event{Kind: EventRetry, Wait: wait, Err: err}
			if folder != nil {
				ev.Folder = folder()
			}
			r.mu.Lock()
			attempts := r.report.Attempts
			r.mu.Unlock()
			r.opt.Logger.Warn("attempt failed; retrying", "account", r.acct.Name, "folder", ev.Folder, "attempt", attempts, "wait", wait, "error", err)
			r.emit(ev)
		}))
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case !transient(err):
		return err
	}
	r.mu.Lock()
	ge := &GaveUpError{Account: r.acct.Name, Attempts: r.report.Attempts, Err: last}
	r.mu.Unlock()
	var ce *connectError
	if errors.As(last, &ce) {
		advice := auth.ExplainConnectError(ce.err, r.acct.Host)
		ge.Advice = &advice
	}
	return ge
}

// transient says whether an attempt that failed with err is worth another.
func transient(err error) bool {
	var (
		ce *CredentialError
		ae *AccountError
		df *store.DiskFullError
		co *store.CorruptError
	)
	switch {
	case errors.As(err, &ce), errors.As(err, &ae), errors.As(err, &df), errors.As(err, &co):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, auth.ErrCredentials):
		return false
	}
	return true
}

// credentials reads the secret and, for Entra, takes the app's token source
// from the pool.
func (r *runner) credentials(ctx context.Context) error {
	secret, err := r.acct.Secret.Resolve(ctx, r.opt.Keyring)
	if err != nil {
		return &CredentialError{Account: r.acct.Name, Advice: auth.ExplainTokenError(err, r.acct.EntraConfig("", nil)), Err: err}
	}
	if r.acct.Auth != AuthEntra {
		r.password = secret
		return nil
	}
	cfg := r.acct.EntraConfig(secret, r.opt.HTTPClient)
	if problems := auth.CheckEntraConfig(cfg); len(problems) > 0 {
		return &CredentialError{Account: r.acct.Name, Advice: problems[0]}
	}
	e, err := r.opt.Pool.Get(cfg)
	if err != nil {
		return &CredentialError{Account: r.acct.Name, Advice: auth.ExplainTokenError(err, cfg), Err: err}
	}
	r.entra = e
	return nil
}

// signIn signs in over one connection with a fresh (or still fresh) token or
// the password; authenticate is the connection's Authenticate.
func (r *runner) signIn(ctx context.Context, authenticate func(context.Context, sasl.Client) error) error {
	var client sasl.Client
	if r.entra != nil {
		tok, err := r.entra.Token(ctx)
		if err != nil {
			if errors.Is(err, auth.ErrService) {
				return fmt.Errorf("get a token: %w", err)
			}
			return &CredentialError{Account: r.acct.Name, Advice: auth.ExplainTokenError(err, r.entra.Config()), Err: err}
		}
		client = auth.NewXOAUTH2Client(r.acct.User, tok.Access)
	} else {
		client, _ = auth.Password{Secret: r.password}.SASL(ctx, r.acct.User)
	}
	err := auth.SASLError(client, authenticate(ctx, client))
	if err == nil {
		return nil
	}
	var se *SignInError
	if !errors.As(err, &se) {
		return err // the connection failed: transient
	}
	if t := throttled(se.ServerText); t != nil {
		return t
	}
	if lower := strings.ToLower(se.ServerText); strings.Contains(lower, "accesstokenexpired") || strings.Contains(lower, "token expired") {
		if r.entra != nil {
			r.entra.Forget()
		}
		return fmt.Errorf("the server said the token expired; trying again with a new one: %w", err)
	}
	return &CredentialError{Account: r.acct.Name, Advice: auth.ExplainSignInError(err, string(r.acct.Protocol), r.entra != nil), Err: err}
}

// folder returns the report of folder, making it on first use.
func (r *runner) folder(name string) *FolderReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.folders[name]
	if f == nil {
		f = &FolderReport{Folder: name}
		r.folders[name] = f
		r.order = append(r.order, name)
	}
	return f
}

func (r *runner) emit(e Event) {
	if r.opt.Progress == nil {
		return
	}
	e.Account = r.acct.Name
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.opt.Progress(e)
}

// setAside records that the message uid of folder failed on this attempt.
func (r *runner) setAside(ctx context.Context, folder string, uidValidity uint32, uid string, why error) error {
	r.opt.Logger.Warn("message set aside", "account", r.acct.Name, "folder", folder, "uid", uid, "error", why)
	err := r.s.SetAside(ctx, store.SetAsideMessage{Account: r.acct.Name, Folder: folder, UIDValidity: uidValidity, UID: uid, LastError: why.Error()})
	if err != nil {
		return err
	}
	f := r.folder(folder)
	r.mu.Lock()
	f.SetAside++
	r.report.SetAside++
	r.mu.Unlock()
	r.emit(Event{Kind: EventSetAside, Folder: folder, UID: uid, Err: why})
	return nil
}
