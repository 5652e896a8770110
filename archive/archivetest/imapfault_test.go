package archivetest_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth/authtest"
)

// fetchAll fetches uids with BODY.PEEK[] and returns UID → body, and the
// command's error.
func fetchAll(c *imapclient.Client, uids ...imap.UID) (map[imap.UID][]byte, error) {
	bufs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	out := map[imap.UID][]byte{}
	for _, b := range bufs {
		out[b.UID] = b.FindBodySection(&imap.FetchItemBodySection{Peek: true})
	}
	return out, err
}

func TestFaultServer(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	const user = "box@contoso.com"
	idp.Grant(app.ClientID, user)
	s := archivetest.StartFaultServer(t, archivetest.FaultOptions{IdP: idp})
	s.AddUser(user, "pw")
	var uids []imap.UID
	for i := range 4 {
		uids = append(uids, s.Deliver(user, "INBOX", message(i, "fault")))
	}
	dial := func(t *testing.T) *imapclient.Client {
		t.Helper()
		c, err := imapclient.DialTLS(s.Addr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: s.CertPool()}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	login := func(t *testing.T) *imapclient.Client {
		t.Helper()
		c := dial(t)
		if err := c.Authenticate(sasl.NewPlainClient("", user, "pw")); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		return c
	}

	t.Run("XOAUTH2", func(t *testing.T) {
		tok := idp.Mint(app.ClientID, nil)
		c := dial(t)
		if err := c.Authenticate(xoauth2{user, tok}); err != nil {
			t.Fatalf("a valid token: %v", err)
		}
		c2 := dial(t)
		if err := c2.Authenticate(xoauth2{user, "not-a-token"}); err == nil {
			t.Fatal("an invalid token was accepted")
		}
	})
	t.Run("byte exact", func(t *testing.T) {
		got, err := fetchAll(login(t), uids...)
		if err != nil || len(got) != 4 {
			t.Fatalf("%d messages, %v", len(got), err)
		}
		for i, uid := range uids {
			if !bytes.Equal(got[uid], message(i, "fault")) {
				t.Errorf("UID %d: %q", uid, got[uid])
			}
		}
	})
	t.Run("throttling", func(t *testing.T) {
		s.ThrottleFetches(archivetest.Throttle{Wait: 50 * time.Millisecond}, archivetest.Throttle{Wait: 60 * time.Millisecond, Bad: true})
		c := login(t)
		_, err := fetchAll(c, uids[0])
		var ie *imap.Error
		if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo || ie.Text != "Request is throttled. Suggested Backoff Time: 50 milliseconds" {
			t.Errorf("first FETCH: %v", err)
		}
		_, err = fetchAll(c, uids[0])
		if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeBad || !strings.Contains(ie.Text, "60 milliseconds") {
			t.Errorf("second FETCH: %v", err)
		}
		if err := c.Noop().Wait(); err == nil {
			t.Error("after BAD throttling the connection still works; want BYE")
		}
	})
	t.Run("placeholder, omitted body, failure, drop", func(t *testing.T) {
		s.ServePlaceholder("INBOX", uids[1], 1)
		s.OmitBody("INBOX", uids[3], 1)
		s.FailAlways("INBOX", uids[2], true)
		c := login(t)
		got, err := fetchAll(c, uids...)
		var ie *imap.Error
		if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
			t.Errorf("FETCH with a failing message: %v", err)
		}
		if !bytes.Equal(got[uids[1]], archivetest.Placeholder(uids[1])) || got[uids[3]] != nil || len(got[uids[0]]) == 0 {
			t.Errorf("answer: %v", got)
		}
		s.FailAlways("INBOX", uids[2], false)
		got, err = fetchAll(c, uids...)
		if err != nil || !bytes.Equal(got[uids[1]], message(1, "fault")) || !bytes.Equal(got[uids[3]], message(3, "fault")) {
			t.Errorf("second FETCH: %v, %v", got, err)
		}
		s.CloseAfter(2)
		got, err = fetchAll(c, uids...)
		if err == nil || len(got) > 2 {
			t.Errorf("FETCH over a dropped connection: %d messages, %v", len(got), err)
		}
	})
	t.Run("rebuild", func(t *testing.T) {
		c := login(t)
		before, _ := c.Status("INBOX", &imap.StatusOptions{UIDValidity: true}).Wait()
		s.RebuildFolder(user, "INBOX")
		after, _ := c.Status("INBOX", &imap.StatusOptions{UIDValidity: true, NumMessages: true}).Wait()
		if after.UIDValidity == before.UIDValidity || *after.NumMessages != 4 {
			t.Errorf("UIDVALIDITY %d → %d, %v messages", before.UIDValidity, after.UIDValidity, *after.NumMessages)
		}
	})
	st := s.Stats()
	if st.Throttled != 2 || st.Placeholders != 1 || st.Dropped != 1 || st.Failed != 1 {
		t.Errorf("stats: %+v", st)
	}
}
