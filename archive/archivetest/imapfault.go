package archivetest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"github.com/mailkeep/mailkeep/auth/authtest"
)

// FaultServer is an in-process IMAP server (go-imap v2's imapserver over its
// imapmemserver) that misbehaves the way Exchange Online does, on request:
// it throttles sign-ins, SELECT and FETCH commands, serves placeholders or
// empty bodies instead of messages, fails a message on every attempt, drops
// connections after a number of messages, and rebuilds folders under a new
// UIDVALIDITY. It listens on
// loopback with implicit TLS; it is stopped when its test ends.
//
// Messages are served byte for byte as delivered (BODY[] is not
// re-serialised), so a test can compare hashes with what it delivered.
type FaultServer struct {
	Addr string // host:port, implicit TLS

	caPEM []byte
	idp   *authtest.IdP
	mem   *imapmemserver.Server
	srv   *imapserver.Server

	mu              sync.Mutex // guards the fields below
	users           map[string]*faultUser
	throttles       []Throttle // for FETCH
	signInThrottles []Throttle
	refuseSkip      int // sign-ins to let through before refusing refuseN
	refuseN         int
	selectThrottles []Throttle
	placeholders    map[faultKey]int // messages served as placeholders this many more times
	empty           map[faultKey]int // messages served with an empty BODY[] this many more times
	noBody          map[faultKey]int // messages answered without BODY[] this many more times
	failing         map[faultKey]bool
	closeAfter      int           // close the connection when this many more messages were served; 0: never
	holdFetch       time.Duration // the next FETCH waits up to this long for a FETCH on another connection
	fetching        int           // FETCH commands being answered
	fetchStarted    chan struct{} // closed (and replaced) when a FETCH starts
	stats           FaultStats
}

// FaultOptions configure StartFaultServer.
type FaultOptions struct {
	// IdP, if set, checks XOAUTH2 sign-ins (service "imap"); users can
	// then also sign in with a password (PLAIN, LOGIN).
	IdP *authtest.IdP
}

// Throttle is one throttling answer to a FETCH, a SELECT or a sign-in, as
// Exchange Online sends it: "Request is throttled. Suggested Backoff Time: N
// milliseconds" in a tagged NO, or in a tagged BAD followed by "* BYE
// Connection closed. 14" (to the next command).
type Throttle struct {
	Wait time.Duration
	Bad  bool // BAD and then BYE; false: NO
}

// FaultStats count what a FaultServer did.
type FaultStats struct {
	Connections      int
	SignIns          int // successful
	Fetches          int // FETCH commands
	Throttled        int // FETCH commands answered with throttling
	ThrottledSignIns int // sign-ins (AUTHENTICATE, LOGIN) answered with throttling
	ThrottledSelects int // SELECT commands answered with throttling
	RefusedSignIns   int // sign-ins refused by RefuseSignIns
	MostFetches      int // most FETCH commands answered at the same time (on different connections)
	Served           int // messages served with their real bytes
	Placeholders     int // placeholders served
	Empty            int // empty bodies served
	Failed           int // FETCH answers that left out a failing message
	Dropped          int // connections closed by CloseAfter
}

type faultKey struct {
	folder string
	uid    imap.UID
}

type faultUser struct {
	mem     *imapmemserver.User
	folders map[string][]faultMessage // in UID order
}

type faultMessage struct {
	uid  imap.UID
	date time.Time
	raw  []byte
}

// StartFaultServer starts a FaultServer for t.
func StartFaultServer(t testing.TB, opt FaultOptions) *FaultServer {
	t.Helper()
	pki, err := newTestPKI()
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	cert, err := tls.X509KeyPair(pki.certPEM, pki.keyPEM)
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	s := &FaultServer{
		Addr:         ln.Addr().String(),
		caPEM:        pki.caPEM,
		idp:          opt.IdP,
		mem:          imapmemserver.New(),
		users:        map[string]*faultUser{},
		placeholders: map[faultKey]int{},
		noBody:       map[faultKey]int{},
		empty:        map[faultKey]int{},
		fetchStarted: make(chan struct{}),
		failing:      map[faultKey]bool{},
	}
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: s.newSession,
		Caps:       imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}},
		Logger:     log.New(io.Discard, "", 0),
	})
	// Its own tls.Config, without NextProtos: go-imap's client offers ALPN
	// "imap", which a config listing other protocols would refuse.
	tl := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.srv.Serve(tl)
	}()
	t.Cleanup(func() {
		s.srv.Close()
		<-done
	})
	return s
}

// CertPool holds the CA that signed the server's certificate.
func (s *FaultServer) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.caPEM)
	return pool
}

// AddUser adds a mailbox with an empty INBOX; pass is its password.
func (s *FaultServer) AddUser(user, pass string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := imapmemserver.NewUser(user, pass)
	u.Create("INBOX", nil)
	s.mem.AddUser(u)
	s.users[user] = &faultUser{mem: u, folders: map[string][]faultMessage{}}
}

// Deliver appends raw to user's folder (created if needed) and returns its UID.
func (s *FaultServer) Deliver(user, folder string, raw []byte) imap.UID {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[user]
	if u == nil {
		panic(fmt.Sprintf("archivetest: Deliver to unknown user %q", user))
	}
	return s.deliverLocked(u, folder, raw, time.Now())
}

func (s *FaultServer) deliverLocked(u *faultUser, folder string, raw []byte, date time.Time) imap.UID {
	if _, ok := u.folders[folder]; !ok && !strings.EqualFold(folder, "INBOX") {
		u.mem.Create(folder, nil)
	}
	data, err := u.mem.Append(folder, literal{bytes.NewReader(raw), int64(len(raw))}, &imap.AppendOptions{Time: date})
	if err != nil {
		panic(fmt.Sprintf("archivetest: append to %q: %v", folder, err))
	}
	u.folders[folder] = append(u.folders[folder], faultMessage{uid: data.UID, date: date, raw: bytes.Clone(raw)})
	return data.UID
}

// Messages returns UID → bytes of user's folder as the server serves them.
func (s *FaultServer) Messages(user, folder string) map[imap.UID][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[imap.UID][]byte{}
	for _, m := range s.users[user].folders[folder] {
		out[m.uid] = m.raw
	}
	return out
}

// RebuildFolder deletes user's folder and makes it again with the same
// messages, as a server that lost its index does: the folder gets a new
// UIDVALIDITY and its messages new UIDs (from 1).
func (s *FaultServer) RebuildFolder(user, folder string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[user]
	old := u.folders[folder]
	if err := u.mem.Delete(folder); err != nil {
		panic(fmt.Sprintf("archivetest: rebuild %q: %v", folder, err))
	}
	if err := u.mem.Create(folder, nil); err != nil {
		panic(fmt.Sprintf("archivetest: rebuild %q: %v", folder, err))
	}
	u.folders[folder] = nil
	for _, m := range old {
		s.deliverLocked(u, folder, m.raw, m.date)
	}
}

// ThrottleFetches makes the next FETCH commands, one each, answer with ts
// in order instead of messages.
func (s *FaultServer) ThrottleFetches(ts ...Throttle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttles = append(s.throttles, ts...)
}

// ThrottleSignIns makes the next sign-ins (AUTHENTICATE or LOGIN), one
// each, answer with ts in order instead of signing in.
func (s *FaultServer) ThrottleSignIns(ts ...Throttle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signInThrottles = append(s.signInThrottles, ts...)
}

// RefuseSignIns lets the next after sign-ins through, then refuses n, as a
// server does when the password was changed or the app's access revoked
// during a run.
func (s *FaultServer) RefuseSignIns(after, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseSkip, s.refuseN = after, n
}

// ThrottleSelects makes the next SELECT commands, one each, answer with ts
// in order instead of opening the folder.
func (s *FaultServer) ThrottleSelects(ts ...Throttle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.selectThrottles = append(s.selectThrottles, ts...)
}

// HoldFirstFetch makes the next FETCH wait, up to d, until a FETCH on
// another connection is being answered too, so that a client that fetches
// over parallel connections is seen doing so (FaultStats.MostFetches) however
// the goroutines are scheduled. A client that fetches one thing at a time
// only loses d once.
func (s *FaultServer) HoldFirstFetch(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdFetch = d
}

// ServeEmpty makes the message uid of folder come back with an empty BODY[]
// (a literal of zero bytes, its RFC822.SIZE still the real one) the next
// times it is fetched, as Exchange does for some items; after that, as itself.
func (s *FaultServer) ServeEmpty(folder string, uid imap.UID, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.empty[faultKey{folder, uid}] = times
}

// ServePlaceholder makes the message uid of folder come back as Exchange's
// "Retrieval using the IMAP4 protocol failed" stand-in the next times it is
// fetched; after that, as itself.
func (s *FaultServer) ServePlaceholder(folder string, uid imap.UID, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.placeholders[faultKey{folder, uid}] = times
}

// OmitBody makes the next times uid of folder is fetched answer with its UID
// but without BODY[], as Exchange does for some items it cannot convert.
func (s *FaultServer) OmitBody(folder string, uid imap.UID, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noBody[faultKey{folder, uid}] = times
}

// FailAlways makes every FETCH that asks for uid of folder leave it out and
// end in "NO UID FETCH Server error while fetching messages"; fail false
// cures it.
func (s *FaultServer) FailAlways(folder string, uid imap.UID, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fail {
		s.failing[faultKey{folder, uid}] = true
	} else {
		delete(s.failing, faultKey{folder, uid})
	}
}

// CloseAfter makes the server drop the connection serving the n-th message
// from now, right after its FETCH response; 0 cancels it.
func (s *FaultServer) CloseAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeAfter = n
}

// Stats returns what the server did so far.
func (s *FaultServer) Stats() FaultStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Placeholder is the stand-in Exchange serves for message uid.
func Placeholder(uid imap.UID) []byte {
	return fmt.Appendf(nil, "From: Microsoft Exchange <postmaster@outlook.com>\r\nSubject: Retrieval using the IMAP4 protocol failed for the following message: %d\r\nContent-Type: text/plain\r\n\r\nRetrieval using the IMAP4 protocol failed for the following message: %d\r\n", uid, uid)
}

type literal struct {
	*bytes.Reader
	size int64
}

func (l literal) Size() int64 { return l.size }

func (s *FaultServer) newSession(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
	s.mu.Lock()
	s.stats.Connections++
	s.mu.Unlock()
	return &faultSession{s: s, conn: c}, nil, nil
}

// faultSession is one connection's session: imapmemserver's, with FETCH
// answered here.
type faultSession struct {
	*imapmemserver.UserSession // nil until signed in

	s       *FaultServer
	conn    *imapserver.Conn
	user    *faultUser
	folder  string
	byeNext bool // a BAD throttling answer was sent: the next command gets BYE
}

var _ imapserver.SessionSASL = (*faultSession)(nil)

func (ss *faultSession) Close() error {
	if ss.UserSession != nil {
		return ss.UserSession.Close()
	}
	return nil
}

func (ss *faultSession) signIn(user string) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	u := ss.s.users[user]
	if u == nil {
		return imapserver.ErrAuthFailed
	}
	ss.user = u
	ss.UserSession = imapmemserver.NewUserSession(u.mem)
	ss.s.stats.SignIns++
	return nil
}

func (ss *faultSession) Login(user, pass string) error {
	if err := ss.throttleSignIn(); err != nil {
		return err
	}
	return ss.login(user, pass)
}

func (ss *faultSession) login(user, pass string) error {
	ss.s.mu.Lock()
	u := ss.s.users[user]
	ss.s.mu.Unlock()
	if u == nil {
		return imapserver.ErrAuthFailed
	}
	if err := u.mem.Login(user, pass); err != nil {
		return err
	}
	return ss.signIn(user)
}

func (ss *faultSession) AuthenticateMechanisms() []string {
	if ss.s.idp != nil {
		return []string{"XOAUTH2", "PLAIN"}
	}
	return []string{"PLAIN"}
}

func (ss *faultSession) Authenticate(mech string) (sasl.Server, error) {
	if err := ss.throttleSignIn(); err != nil {
		return nil, err
	}
	switch {
	case mech == "XOAUTH2" && ss.s.idp != nil:
		return ss.s.idp.XOAUTH2Server("imap", ss.signIn), nil
	case mech == "PLAIN":
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return imapserver.ErrAuthFailed
			}
			return ss.login(user, pass)
		}), nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
}

// throttle takes the next of ts (a queue of s's, s.mu held) and says how to
// answer: nil when the queue is empty.
func (ss *faultSession) throttle(ts *[]Throttle, count *int) *imap.Error {
	if len(*ts) == 0 {
		return nil
	}
	th := (*ts)[0]
	*ts = (*ts)[1:]
	*count++
	typ := imap.StatusResponseTypeNo
	if th.Bad {
		typ = imap.StatusResponseTypeBad
		ss.byeNext = true
	}
	return &imap.Error{Type: typ, Text: fmt.Sprintf("Request is throttled. Suggested Backoff Time: %d milliseconds", th.Wait.Milliseconds())}
}

// throttleSignIn answers a sign-in with the next sign-in throttle or
// refusal, if any.
func (ss *faultSession) throttleSignIn() error {
	if err := ss.bye(); err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if err := ss.throttle(&ss.s.signInThrottles, &ss.s.stats.ThrottledSignIns); err != nil {
		return err
	}
	switch {
	case ss.s.refuseN == 0:
	case ss.s.refuseSkip > 0:
		ss.s.refuseSkip--
	default:
		ss.s.refuseN--
		ss.s.stats.RefusedSignIns++
		return imapserver.ErrAuthFailed
	}
	return nil
}

// bye ends the connection if a BAD throttling answer asked for it: the
// next command after it (SELECT, SEARCH, FETCH, NOOP) gets "* BYE".
func (ss *faultSession) bye() error {
	if !ss.byeNext {
		return nil
	}
	ss.conn.Bye("Connection closed. 14")
	return &imap.Error{Type: imap.StatusResponseTypeBye, Text: "Connection closed. 14"}
}

func (ss *faultSession) Select(mailbox string, options *imap.SelectOptions) (*imap.SelectData, error) {
	if err := ss.bye(); err != nil {
		return nil, err
	}
	ss.s.mu.Lock()
	throttled := ss.throttle(&ss.s.selectThrottles, &ss.s.stats.ThrottledSelects)
	ss.s.mu.Unlock()
	if throttled != nil {
		return nil, throttled
	}
	data, err := ss.UserSession.Select(mailbox, options)
	if err == nil {
		ss.folder = mailbox
	}
	return data, err
}

func (ss *faultSession) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	if err := ss.bye(); err != nil {
		return err
	}
	return ss.UserSession.Poll(w, allowExpunge)
}

func (ss *faultSession) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	if err := ss.bye(); err != nil {
		return nil, err
	}
	return ss.UserSession.Search(kind, criteria, options)
}

func (ss *faultSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if err := ss.bye(); err != nil {
		return err
	}
	s := ss.s
	s.mu.Lock()
	s.stats.Fetches++
	if err := ss.throttle(&s.throttles, &s.stats.Throttled); err != nil {
		s.mu.Unlock()
		return err
	}
	s.fetchBegins()
	defer func() {
		s.mu.Lock()
		s.fetching--
		s.mu.Unlock()
	}()
	msgs := ss.user.folders[ss.folder]
	s.mu.Unlock()
	if len(msgs) == 0 {
		return nil
	}

	failed := false
	for i, m := range msgs {
		seq := uint32(i + 1)
		if !numSetContains(numSet, seq, m.uid, uint32(len(msgs)), msgs[len(msgs)-1].uid) {
			continue
		}
		key := faultKey{ss.folder, m.uid}
		s.mu.Lock()
		raw := m.raw
		drop := false
		switch {
		case s.failing[key]:
			failed = true
			s.stats.Failed++
			s.mu.Unlock()
			continue
		case s.noBody[key] > 0:
			s.noBody[key]--
			s.mu.Unlock()
			w := w.CreateMessage(seq)
			w.WriteUID(m.uid)
			if err := w.Close(); err != nil {
				return err
			}
			continue
		case s.empty[key] > 0:
			s.empty[key]--
			s.stats.Empty++
			raw = nil
		case s.placeholders[key] > 0:
			s.placeholders[key]--
			s.stats.Placeholders++
			raw = Placeholder(m.uid)
		default:
			s.stats.Served++
		}
		if s.closeAfter > 0 {
			s.closeAfter--
			if s.closeAfter == 0 {
				drop = true
				s.stats.Dropped++
			}
		}
		s.mu.Unlock()
		if err := writeMessage(w.CreateMessage(seq), m, raw, len(m.raw), options); err != nil {
			return err
		}
		if drop {
			ss.conn.NetConn().Close()
			return &imap.Error{Type: imap.StatusResponseTypeBye, Text: "connection dropped by the test"}
		}
	}
	if failed {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "UID FETCH Server error while fetching messages"}
	}
	return nil
}

// writeMessage answers a FETCH for m with raw as its BODY[]; size is its
// RFC822.SIZE.
// fetchBegins counts a FETCH being answered (s.mu held, and held again on
// return) and, if HoldFirstFetch asked, waits for one on another connection.
func (s *FaultServer) fetchBegins() {
	s.fetching++
	s.stats.MostFetches = max(s.stats.MostFetches, s.fetching)
	close(s.fetchStarted)
	s.fetchStarted = make(chan struct{})
	hold := s.holdFetch
	s.holdFetch = 0
	if hold <= 0 {
		return
	}
	if s.fetching > 1 {
		return
	}
	// Another FETCH starting counts it and this one (still in flight)
	// in MostFetches: no need to look at the count again.
	started := s.fetchStarted
	s.mu.Unlock()
	select {
	case <-started:
	case <-time.After(hold):
	}
	s.mu.Lock()
}

func writeMessage(w *imapserver.FetchResponseWriter, m faultMessage, raw []byte, size int, options *imap.FetchOptions) error {
	w.WriteUID(m.uid)
	if options.Flags {
		w.WriteFlags(nil)
	}
	if options.InternalDate {
		w.WriteInternalDate(m.date)
	}
	if options.RFC822Size {
		w.WriteRFC822Size(int64(size))
	}
	for _, bs := range options.BodySection {
		buf := raw
		if bs.Specifier != imap.PartSpecifierNone || len(bs.Part) > 0 || len(bs.HeaderFields) > 0 || len(bs.HeaderFieldsNot) > 0 {
			buf = imapserver.ExtractBodySection(bytes.NewReader(raw), bs)
		}
		if bs.Partial != nil {
			buf = partial(buf, bs.Partial)
		}
		wc := w.WriteBodySection(bs, int64(len(buf)))
		_, werr := wc.Write(buf)
		if cerr := wc.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return werr
		}
	}
	return w.Close()
}

func partial(buf []byte, p *imap.SectionPartial) []byte {
	start := min(int64(len(buf)), p.Offset)
	end := min(int64(len(buf)), p.Offset+p.Size)
	return buf[start:end]
}

// numSetContains says whether set names the message seq (UID uid); maxSeq
// and maxUID stand for "*".
func numSetContains(set imap.NumSet, seq uint32, uid imap.UID, maxSeq uint32, maxUID imap.UID) bool {
	in := func(n, start, stop, star uint32) bool {
		if start == 0 {
			start = star
		}
		if stop == 0 {
			stop = star
		}
		if start > stop {
			start, stop = stop, start
		}
		return start <= n && n <= stop
	}
	switch set := set.(type) {
	case imap.UIDSet:
		for _, r := range set {
			if in(uint32(uid), uint32(r.Start), uint32(r.Stop), uint32(maxUID)) {
				return true
			}
		}
	case imap.SeqSet:
		for _, r := range set {
			if in(seq, r.Start, r.Stop, maxSeq) {
				return true
			}
		}
	}
	return false
}
