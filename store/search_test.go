package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// searchFixture is one message written straight into the archive's tables, the
// way Ingest fills them, so that search can be tested on its own.
type searchFixture struct {
	id                    int64
	date                  time.Time
	from, to, cc, subject string
	body                  string
	attachments           []string
	locations             [][2]string // account, folder
}

func insertSearchFixtures(t testing.TB, db *sql.DB, fixtures []searchFixture) {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, f := range fixtures {
		raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\n%s\r\n", f.from, f.to, f.subject, f.body)
		sum := sha256.Sum256([]byte(raw))
		_, err := tx.Exec(`INSERT INTO messages (id, sha256, size, raw, codec, date, date_source, from_addr, to_addr, cc_addr, subject, has_attachment, added)
			VALUES (?, ?, ?, ?, 0, ?, 'header', ?, ?, ?, ?, ?, 0)`,
			f.id, sum[:], len(raw), []byte(raw), f.date.Unix(), f.from, f.to, f.cc, f.subject, len(f.attachments) > 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range f.attachments {
			if _, err := tx.Exec(`INSERT INTO attachments (message, filename, content_type, size) VALUES (?, ?, 'application/octet-stream', 100)`, f.id, name); err != nil {
				t.Fatal(err)
			}
		}
		for i, l := range f.locations {
			if _, err := tx.Exec(`INSERT INTO locations (message, account, folder, uidvalidity, uid, seen) VALUES (?, ?, ?, 1, ?, 0)`, f.id, l[0], l[1], fmt.Sprint(f.id*10+int64(i))); err != nil {
				t.Fatal(err)
			}
		}
		// The index and the table it reads its text from (external content).
		for _, table := range []string{"texts (id", "search (rowid"} {
			_, err = tx.Exec(`INSERT INTO `+table+`, subject, sender, recipients, cc, body, filenames) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				f.id, ftsText(f.subject), ftsText(f.from), ftsText(f.to), ftsText(f.cc), ftsText(f.body), ftsText(strings.Join(f.attachments, " ")))
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func noon(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// searchFixtures, newest first: 5, 3, 2, 7, 1, 4, 6 (7 and 1 share a date).
var searchFixtures = []searchFixture{
	{id: 1, date: noon(2023, 3, 1), from: "Anna Müller <anna@example.com>", to: "bob@example.org", cc: "Carl <carl@example.net>",
		subject: "Invoice March", body: "Please find the invoice attached.\r\nRegards, Anna",
		attachments: []string{"invoice-2023-03.pdf"}, locations: [][2]string{{"shared@contoso.com", "INBOX"}}},
	{id: 2, date: noon(2023, 3, 31), from: "Bob <bob@example.org>", to: "Anna Müller <anna@example.com>",
		subject: "Re: Invoice March", body: "Thanks, the quarterly report follows.",
		locations: [][2]string{{"shared@contoso.com", "Sent Items"}}},
	{id: 3, date: noon(2023, 4, 1), from: "Jürgen <j@example.de>", to: "anna@example.com",
		subject: "Straße und Müller", body: "Grüße aus München. muller",
		locations: [][2]string{{"shared@contoso.com", "Archive/2023"}}},
	{id: 4, date: noon(2023, 2, 15), from: "Иван <ivan@example.ru>", to: "anna@example.com",
		subject: "Привет", body: "Привет, мир! Spam offer",
		attachments: []string{"report.docx"}, locations: [][2]string{{"other@contoso.com", "Archive/2022/Old"}}},
	{id: 5, date: noon(2023, 5, 5), from: "田中 <tanaka@example.jp>", to: "anna@example.com",
		subject: "東京の会議", body: "明日東京で会いましょう。 meeting",
		attachments: []string{"議事録.pdf"}, locations: [][2]string{{"other@contoso.com", "INBOX"}}},
	{id: 6, date: noon(2022, 12, 31), from: "spam@junk.biz", to: "anna@example.com",
		subject: "WIN money", body: `spam spam AND NEAR( "quoted" * - : ^x {sender}`,
		locations: [][2]string{{"shared@contoso.com", "Junk"}}},
	{id: 7, date: noon(2023, 3, 1), from: "Anna Müller <anna@example.com>", to: "bob@example.org",
		subject: "Lunch", body: "Lunch tomorrow? e-mail me",
		locations: [][2]string{{"shared@contoso.com", "INBOX"}, {"other@contoso.com", "INBOX"}}},
}

func openSearchFixtures(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "archive.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	insertSearchFixtures(t, s.db, searchFixtures)
	return s
}

func TestSearch(t *testing.T) {
	s := openSearchFixtures(t)
	ctx := context.Background()
	tests := []struct {
		query string
		want  []int64
	}{
		{``, []int64{5, 3, 2, 7, 1, 4, 6}},
		{`invoice`, []int64{2, 1}},
		{`INVOICE`, []int64{2, 1}},
		{`inv*`, []int64{2, 1}},
		{`anna`, []int64{5, 3, 2, 7, 1, 4, 6}}, // the sender of 1 and 7, a recipient of the rest
		{`invoice march`, []int64{2, 1}},
		{`invoice lunch`, nil},
		{`"invoice attached"`, []int64{1}},
		{`"attached invoice"`, nil},
		{`"march invoice"`, nil},
		{`from:anna`, []int64{7, 1}},
		{`from:anna@example.com`, []int64{7, 1}},
		{`from:"Anna Müller"`, []int64{7, 1}},
		{`from:example.com`, []int64{7, 1}},
		{`from:ann*`, []int64{7, 1}},
		{`from:bob`, []int64{2}},
		{`to:bob`, []int64{7, 1}},
		{`to:carl`, []int64{1}}, // to: covers Cc
		{`cc:carl`, []int64{1}},
		{`cc:bob`, nil},
		{`subject:invoice`, []int64{2, 1}},
		{`subject:"invoice march"`, []int64{2, 1}},
		{`subject:(re invoice)`, []int64{2}},
		{`subject:(lunch OR win)`, []int64{7, 6}},
		{`subject:anna`, nil},
		{`filename:invoice`, []int64{1}},
		{`filename:pdf`, []int64{5, 1}},
		{`filename:*.pdf`, []int64{5, 1}},
		{`filename:*.PDF`, []int64{5, 1}},
		{`filename:*.docx`, []int64{4}},
		{`filename:report*`, []int64{4}},
		{`filename:*.doc`, nil},
		{`report`, []int64{2, 4}}, // body of 2, attachment name of 4
		{`has:attachment`, []int64{5, 1, 4}},
		{`-has:attachment`, []int64{3, 2, 7, 6}},
		{`folder:inbox`, []int64{5, 7, 1}},
		{`folder:INBOX account:other@contoso.com`, []int64{5, 7}},
		{`folder:archive/*`, []int64{3, 4}},
		{`folder:"sent items"`, []int64{2}},
		{`folder:sent*`, []int64{2}},
		{`folder:nosuch`, nil},
		{`-folder:inbox`, []int64{3, 2, 4, 6}},
		{`-folder:nosuch`, []int64{5, 3, 2, 7, 1, 4, 6}},
		{`account:other*`, []int64{5, 7, 4}},
		{`account:SHARED@contoso.com`, []int64{3, 2, 7, 1, 6}},
		{`folder:(junk OR "sent items")`, []int64{2, 6}},
		{`after:2023-03-01 before:2023-04-01`, []int64{2, 7, 1}},
		{`after:2023-03 before:2023-04`, []int64{2, 7, 1}},
		{`before:2023-03-01`, []int64{4, 6}},
		{`after:2023-04-01`, []int64{5, 3}},
		{`after:2024`, nil},
		{`-spam`, []int64{5, 3, 2, 7, 1}},
		{`NOT spam`, []int64{5, 3, 2, 7, 1}},
		{`-spam -invoice`, []int64{5, 3, 7}},
		{`invoice -from:bob`, []int64{1}},
		{`invoice -"quarterly report"`, []int64{1}},
		{`invoice OR lunch`, []int64{2, 7, 1}},
		{`lunch OR folder:junk`, []int64{7, 6}},
		{`lunch OR -spam`, []int64{5, 3, 2, 7, 1}},
		{`from:anna OR from:bob invoice`, []int64{2, 1}},
		{`(anna lunch) OR spam`, []int64{7, 4, 6}},
		{`anna -(lunch OR report)`, []int64{5, 3, 1, 6}},
		{`-(folder:inbox OR has:attachment)`, []int64{3, 2, 6}},
		{`has:attachment after:2023-03-01 -filename:pdf`, nil},
		{`has:attachment before:2023-03-01 -filename:pdf`, []int64{4}},
		{`Müller`, []int64{3, 2, 7, 1}}, // 3: subject and body "muller"; 2: To
		{`muller`, []int64{3, 2, 7, 1}},
		{`MÜLLER`, []int64{3, 2, 7, 1}},
		{`from:muller`, []int64{7, 1}},
		{`Straße`, []int64{3}},
		{`STRAßE`, []int64{3}},
		{`GRÜẞE`, []int64{3}},
		{`gruße`, []int64{3}}, // accents fold, ß stays ß
		{`munchen`, []int64{3}},
		{`Привет`, []int64{4}},
		{`привет мир`, []int64{4}},
		{`東京`, []int64{5}},
		{`会議`, []int64{5}},
		{`"東京の会議"`, []int64{5}},
		{`京都`, nil},
		{`subject:東京`, []int64{5}},
		{`from:田中`, []int64{5}},
		{`filename:議事録`, []int64{5}},
		{`e-mail`, []int64{7}},
		{`"e mail"`, []int64{7}},
		{`tomorrow?`, []int64{7}},
		{`"quoted"`, []int64{6}},
		{`NEAR(`, []int64{6}},
		{`AND`, []int64{6}},
		{`spam AND NEAR`, []int64{6}},
		{`{sender}`, []int64{6}},
		{`^x`, []int64{6}},
		{`...`, []int64{5, 3, 2, 7, 1, 4, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			ids, err := s.MatchIDs(ctx, tt.query)
			if err != nil {
				t.Fatalf("MatchIDs(%q): %v", tt.query, err)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("MatchIDs(%q) = %v, want %v", tt.query, ids, tt.want)
			}
			// The same through the date index walk, which the few messages
			// here would otherwise skip for full-text queries.
			if walked := walkIDs(t, s, tt.query); !slices.Equal(walked, tt.want) {
				t.Errorf("walking the date index, %q matches %v, want %v", tt.query, walked, tt.want)
			}
			// And the first pages among the newest messages, for full text.
			if q, err := s.compileQuery(ctx, tt.query); err == nil {
				if expr, ok := ftsExpr(q.tree); ok {
					for limit := 1; limit <= len(tt.want); limit++ {
						stmt, args, err := s.recentQuery(ctx, expr, limit, 0)
						if err != nil {
							t.Fatal(err)
						}
						got, err := s.queryIDs(ctx, stmt, args)
						if err != nil {
							t.Fatalf("%s: %v", stmt, err)
						}
						if !slices.Equal(got, tt.want[:limit]) {
							t.Errorf("among the newest, %q limit %d matches %v, want %v", tt.query, limit, got, tt.want[:limit])
						}
					}
				}
			}
			n, err := s.Count(ctx, tt.query)
			if err != nil {
				t.Fatalf("Count(%q): %v", tt.query, err)
			}
			if n != len(tt.want) {
				t.Errorf("Count(%q) = %d, want %d", tt.query, n, len(tt.want))
			}
			res, err := s.Search(ctx, tt.query, SearchOptions{Limit: 2})
			if err != nil {
				t.Fatalf("Search(%q): %v", tt.query, err)
			}
			var got []int64
			for _, r := range res {
				got = append(got, r.ID)
			}
			if want := tt.want[:min(2, len(tt.want))]; !slices.Equal(got, want) {
				t.Errorf("Search(%q, limit 2) = %v, want %v", tt.query, got, want)
			}
		})
	}
}

// walkIDs lists query's matches through the date index walk.
func walkIDs(t *testing.T, s *Store, query string) []int64 {
	t.Helper()
	q, err := s.compileQuery(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	stmt, args := idQuery(q, nil, 0, 0)
	rows, err := s.db.Query(stmt, args...)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestSearchPlan: the page of a search walks the date index, which holds id
// and date, and reads no message row (the raw bytes make rows large) and sorts
// nothing; each set the query names is read once.
func TestSearchPlan(t *testing.T) {
	s := openSearchFixtures(t)
	ctx := context.Background()
	for _, query := range []string{
		``, `invoice`, `invoice -spam`, `-spam`, `from:anna`, `after:2023-03-01 before:2023-04-01`, `folder:inbox`,
		`has:attachment`, `filename:*.pdf`, `invoice OR folder:junk`, `-(folder:inbox OR has:attachment) lunch`,
	} {
		q, err := s.compileQuery(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		stmt, args := idQuery(q, nil, 50, 0)
		plan := queryPlan(t, s, stmt, args)
		if !strings.Contains(plan, "SCAN m USING COVERING INDEX messages_date") && !strings.Contains(plan, "SEARCH m USING COVERING INDEX messages_date") {
			t.Errorf("%q does not walk the covering date index:\n%s", query, plan)
		}
		if strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "CORRELATED") {
			t.Errorf("%q sorts or runs a subquery per row:\n%s", query, plan)
		}
	}
	q, err := s.compileQuery(ctx, "invoice")
	if err != nil {
		t.Fatal(err)
	}
	stmt, args := idQuery(q, []int64{1, 2}, 50, 0)
	if plan := queryPlan(t, s, stmt, args); !strings.Contains(plan, "INTEGER PRIMARY KEY") {
		t.Errorf("a few ids are not looked up by id:\n%s", plan)
	}
}

func queryPlan(t *testing.T, s *Store, stmt string, args []any) string {
	t.Helper()
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+stmt, args...)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

// TestSearchHostileInput: whatever a person types, SQLite never sees a syntax
// error; the only errors are the language's own, which say what to write.
func TestSearchHostileInput(t *testing.T) {
	s := openSearchFixtures(t)
	ctx := context.Background()
	inputs := []string{
		`"`, `""`, `"""`, `" "`, `*`, `**`, `"*"`, `* OR *`, `:`, `::`, `-`, `--`, `-*`, `(`, `)`, `((`, `))`, `()`, `(-)`,
		`AND`, `OR`, `NOT`, `AND OR NOT`, `a AND`, `OR OR`, `a OR OR b`, `NOT NOT a`, `- OR -`,
		`NEAR(a b, 2)`, `NEAR(`, `a NEAR b`, `^a`, `+a`, `a:`, `:a`, `{subject}: a`, `subject : a`, `"a" * "b"`,
		`col:"x`, `from:"`, `from:""`, `from:*`, `from:(`, `from:()`, `folder:*`, `folder:"`, `filename:*`, `filename:?`, `filename:%_\`,
		`'; DROP TABLE messages; --`, `a' OR '1'='1`, "nul\x00byte", "\x01\x02", "ctl\x1b[31m", `\"`, `\`, `a\*`,
		`東京*`, `*東京`, `Ünïcödé*`, `😀`, `a😀b`, strings.Repeat("(", 200), strings.Repeat("a ", 200), strings.Repeat(`"a" OR `, 100),
		strings.Repeat("a OR (b ", 5) + "c", strings.Repeat("a OR (b -(", 5) + "c", strings.Repeat("a OR (b (", 10) + "c",
		strings.Repeat("a OR (-b (", 10) + "c", strings.Repeat("-(a ", 10) + "c", strings.Repeat("from:(a OR (b ", 5) + "c",
	}
	for _, q := range inputs {
		if _, err := s.Search(ctx, q, SearchOptions{Limit: 10}); err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Errorf("Search(%q): %v", q, err)
			}
		}
		if _, err := s.Count(ctx, q); err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Errorf("Count(%q): %v", q, err)
			}
		}
	}
	// The table still holds every message.
	if n, err := s.Count(ctx, ""); err != nil || n != len(searchFixtures) {
		t.Errorf("Count(\"\") = %d, %v after hostile queries; want %d", n, err, len(searchFixtures))
	}
}

func TestSearchQueryError(t *testing.T) {
	s := openSearchFixtures(t)
	ctx := context.Background()
	for _, q := range []string{`before:2023-13-45`, `foo:bar`, `has:pdf`, `from:`} {
		_, err := s.Search(ctx, q, SearchOptions{})
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("Search(%q) error = %v, want a *QueryError", q, err)
		}
		if _, err := s.Count(ctx, q); !errors.As(err, &qe) {
			t.Errorf("Count(%q) error = %v, want a *QueryError", q, err)
		}
		if _, err := s.MatchIDs(ctx, q); !errors.As(err, &qe) {
			t.Errorf("MatchIDs(%q) error = %v, want a *QueryError", q, err)
		}
	}
}

func TestSearchPaging(t *testing.T) {
	s := openSearchFixtures(t)
	ctx := context.Background()
	all := []int64{5, 3, 2, 7, 1, 4, 6}
	tests := []struct {
		limit, offset int
		want          []int64
	}{
		{0, 0, all},
		{3, 0, all[:3]},
		{3, 3, all[3:6]},
		{3, 6, all[6:]},
		{3, 7, nil},
		{0, 5, all[5:]},
	}
	for _, tt := range tests {
		res, err := s.Search(ctx, "", SearchOptions{Limit: tt.limit, Offset: tt.offset, NoSnippets: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range res {
			got = append(got, r.ID)
			if r.Snippet != nil {
				t.Errorf("message %d has a snippet with NoSnippets", r.ID)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("limit %d offset %d: got %v, want %v", tt.limit, tt.offset, got, tt.want)
		}
	}
}

func TestSearchResultFields(t *testing.T) {
	s := openSearchFixtures(t)
	res, err := s.Search(context.Background(), "lunch", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 {
		t.Fatalf("got %d results, want 1", len(res))
	}
	m := res[0].Message
	f := searchFixtures[6]
	if m.ID != 7 || m.From != f.from || m.To != f.to || m.Subject != f.subject || !m.Date.Equal(f.date) {
		t.Errorf("got %+v, want the fields of %+v", m, f)
	}
	if m.SHA256 == ([32]byte{}) || m.Size == 0 {
		t.Errorf("sha256 %x size %d: want them filled", m.SHA256, m.Size)
	}
	if len(m.Locations) != 2 {
		t.Errorf("locations %+v, want 2", m.Locations)
	}
	res, err = s.Search(context.Background(), "filename:pdf", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || len(res[0].Attachments) != 1 || res[0].Attachments[0].Filename != "議事録.pdf" {
		t.Errorf("got %+v, want message 5 with its attachment", res)
	}
}

func TestSearchSnippets(t *testing.T) {
	s := openSearchFixtures(t)
	ctx := context.Background()
	tests := []struct {
		query string
		id    int64
		want  string // matches in [brackets]
	}{
		{`invoice`, 1, `Please find the [invoice] attached. Regards, Anna`},
		{`invoice`, 2, `Thanks, the quarterly report follows.`}, // only the subject matches: the body's start
		{`from:anna`, 1, `Please find the invoice attached. Regards, Anna`},
		{`"quarterly report"`, 2, `Thanks, the [quarterly report] follows.`},
		{`regards OR lunch`, 1, `Please find the invoice attached. [Regards], Anna`},
		{`regards -spam`, 1, `Please find the invoice attached. [Regards], Anna`},
		{`lunch -tomorrow OR me`, 7, `[Lunch] tomorrow? e-mail [me]`},
		{`munchen`, 3, `Grüße aus [München]. muller`},
		{`東京`, 5, `明日[東京]で会いましょう。 meeting`},
		{`мир`, 4, `Привет, [мир]! Spam offer`},
		{`e-mail`, 7, `Lunch tomorrow? [e-mail] me`},
		{`-spam`, 3, `Grüße aus München. muller`},
		{`regard*`, 1, `Please find the invoice attached. [Regards], Anna`},
		{`pleas* OR anna`, 1, `[Please] find the invoice attached. Regards, [Anna]`},
		{`東*`, 5, `明日[東]京で会いましょう。 meeting`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := s.Search(ctx, tt.query, SearchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if r.ID != tt.id {
					continue
				}
				var b strings.Builder
				for _, p := range r.Snippet {
					if p.Match {
						b.WriteString("[" + p.Text + "]")
					} else {
						b.WriteString(p.Text)
					}
				}
				if got := b.String(); got != tt.want {
					t.Errorf("snippet of %d for %q\n got %q\nwant %q", tt.id, tt.query, got, tt.want)
				}
				return
			}
			t.Fatalf("message %d not found by %q", tt.id, tt.query)
		})
	}
}

func TestLeadText(t *testing.T) {
	long := strings.Repeat("word ", 100)
	got := leadText(long)
	if !strings.HasSuffix(got, "word…") || len([]rune(got)) > leadChars+1 {
		t.Errorf("leadText of a long text = %q, want at most %d characters ending in a whole word and …", got, leadChars)
	}
	if got := leadText("short\r\n\r\ntext"); got != "short text" {
		t.Errorf("leadText = %q, want %q", got, "short text")
	}
}

func TestDenseMatches(t *testing.T) {
	s := openSearchFixtures(t)
	ctx := context.Background()
	tests := []struct {
		query   string
		matches int // of the 7 messages
		dense   bool
		prefix  bool
	}{
		{`anna`, 7, true, false},
		{`invoice OR spam`, 4, true, false},
		{`lunch`, 1, false, false},
		{`ann*`, 7, true, true},
		{`lunch OR -(x y*)`, 1, false, true},
	}
	for _, tt := range tests {
		q, err := s.compileQuery(ctx, tt.query)
		if err != nil {
			t.Fatal(err)
		}
		if got := hasPrefix(q.tree); got != tt.prefix {
			t.Errorf("hasPrefix(%q) = %v, want %v", tt.query, got, tt.prefix)
		}
		expr, ok := ftsExpr(q.tree)
		if !ok {
			continue
		}
		// Seven messages are never worth the newest-first look.
		dense, err := s.denseMatches(ctx, expr)
		if err != nil {
			t.Fatal(err)
		}
		if dense {
			t.Errorf("denseMatches(%q) = true over 7 messages", tt.query)
		}
		// The same share of a large archive is.
		if got := isDense(tt.matches*10000, 7*10000); got != tt.dense {
			t.Errorf("isDense for %q at 70,000 messages = %v, want %v", tt.query, got, tt.dense)
		}
	}
	for _, tt := range []struct {
		matches, all int
		want         bool
	}{
		{0, 0, false}, {100, 100, false}, {20000, 20000, false}, {20001, 100000, true},
		{19999, 50000, false}, {30000, 200000, false}, {50000, 200000, true},
	} {
		if got := isDense(tt.matches, tt.all); got != tt.want {
			t.Errorf("isDense(%d, %d) = %v, want %v", tt.matches, tt.all, got, tt.want)
		}
	}
}
