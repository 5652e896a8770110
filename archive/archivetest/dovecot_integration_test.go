package archivetest_test

import (
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailkeep/mailkeep/archive/archivetest"
)

func message(i int, subject string) []byte {
	return fmt.Appendf(nil, "From: a@example.com\r\nTo: b@example.com\r\nSubject: %s\r\nMessage-ID: <%d@test>\r\n\r\nBody %d\r\n", subject, i, i)
}

func TestDovecotServesDeliveredMail(t *testing.T) {
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	t.Logf("Dovecot started in %v", d.StartupTime)
	d.AddPasswordUser("alice@example.com", "alice-pw")

	folders := map[string]int{"INBOX": 5, "Sent Items": 2, "Archiv/Übersicht 2024": 3, "日本語": 1}
	for folder, n := range folders {
		for i := range n {
			d.Deliver("alice@example.com", folder, message(i, folder+fmt.Sprint(i)))
		}
	}
	d.CreateFolder("alice@example.com", "Empty")

	dials := map[string]func() (*imapclient.Client, error){
		"imaps": func() (*imapclient.Client, error) {
			return imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: d.CertPool(), ServerName: "127.0.0.1"}})
		},
		"starttls": func() (*imapclient.Client, error) {
			return imapclient.DialStartTLS(d.IMAPAddr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: d.CertPool(), ServerName: "localhost"}})
		},
	}
	for name, dial := range dials {
		t.Run(name, func(t *testing.T) {
			c, err := dial()
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Login("alice@example.com", "alice-pw").Wait(); err != nil {
				t.Fatal(err)
			}
			list, err := c.List("", "*", nil).Collect()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			var noselect []string
			for _, m := range list {
				if slices.Contains(m.Attrs, imap.MailboxAttrNoSelect) {
					noselect = append(noselect, m.Mailbox)
					continue
				}
				st, err := c.Status(m.Mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
				if err != nil {
					t.Fatal(err)
				}
				got[m.Mailbox] = int(*st.NumMessages)
			}
			want := map[string]int{"Empty": 0}
			for f, n := range folders {
				want[f] = n
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("folders and counts: got %v, want %v", got, want)
			}
			if !slices.Equal(noselect, []string{"Archiv"}) {
				t.Errorf("\\Noselect folders: got %q, want [Archiv]", noselect)
			}

			// UIDs follow the order of Deliver calls.
			if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
				t.Fatal(err)
			}
			msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Envelope: true}).Collect()
			if err != nil {
				t.Fatal(err)
			}
			var subjects []string
			for _, m := range msgs {
				subjects = append(subjects, fmt.Sprintf("%d:%s", m.UID, m.Envelope.Subject))
			}
			if want := "1:INBOX0 2:INBOX1 3:INBOX2 4:INBOX3 5:INBOX4"; strings.Join(subjects, " ") != want {
				t.Errorf("INBOX by UID: got %q, want %q", strings.Join(subjects, " "), want)
			}
		})
	}
}

func TestDovecotSetUIDValidity(t *testing.T) {
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	d.Deliver("bob", "INBOX", message(1, "one"))
	before := d.UIDValidity("bob", "INBOX")
	d.SetUIDValidity("bob", "INBOX", before+7)
	if got := d.UIDValidity("bob", "INBOX"); got != before+7 {
		t.Fatalf("UIDVALIDITY after SetUIDValidity(%d): %d", before+7, got)
	}
}

// BenchmarkDeliver reports how fast Deliver seeds a mailbox.
func BenchmarkDeliver(b *testing.B) {
	d := archivetest.StartDovecot(b, archivetest.DovecotOptions{})
	msg := []byte(strings.Repeat("x", 4000))
	b.ResetTimer()
	for range b.N {
		d.Deliver("seed", "INBOX", msg)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(d.StartupTime.Microseconds())/1000, "startup-ms")
}

// xoauth2 is the smallest XOAUTH2 sasl.Client, so this package's tests need
// nothing from auth.
type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}
func (x xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

func TestDovecotXOAUTH2ThroughLuaPassdb(t *testing.T) {
	const token = "tok-" + "0123456789abcdef0123456789abcdef"
	idp := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Authorization") != "Bearer "+token:
			http.Error(w, "token not valid", http.StatusForbidden)
		case r.URL.Query().Get("user") != "shared@example.com":
			http.Error(w, "mailbox not granted", http.StatusForbidden)
		case r.URL.Query().Get("service") != "imap":
			http.Error(w, "service not granted", http.StatusForbidden)
		default:
			fmt.Fprintln(w, "OK")
		}
	}))
	defer idp.Close()
	caFile := filepath.Join(t.TempDir(), "idp.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: idp.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{ValidateURL: idp.URL + "/validate", ValidateCAFile: caFile})
	d.Deliver("shared@example.com", "INBOX", message(1, "hello"))

	tests := []struct {
		user, token string
		ok          bool
	}{
		{"shared@example.com", token, true},
		{"shared@example.com", token + "x", false},
		{"other@example.com", token, false},
	}
	for _, tt := range tests {
		c, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: d.CertPool(), ServerName: "127.0.0.1"}})
		if err != nil {
			t.Fatal(err)
		}
		err = c.Authenticate(xoauth2{tt.user, tt.token})
		c.Close()
		if (err == nil) != tt.ok {
			t.Errorf("XOAUTH2 as %s with token %q: err = %v, want success %v", tt.user, tt.token, err, tt.ok)
		}
	}
	if strings.Contains(d.Log(), token) {
		t.Errorf("the bearer token reached Dovecot's log")
	}
}
