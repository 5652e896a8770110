package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/store"
)

// defaultHumanLimit is how many hits search shows a person unless told otherwise.
const defaultHumanLimit = 50

type searchOptions struct {
	limit int
	json  bool
}

func newSearchCommand(a *app) *cobra.Command {
	var opts searchOptions
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Find messages in the archive",
		Long: `Find messages in the archive, newest first. Each hit shows its id (for "show"
and scripts), date, sender and subject, and a piece of the text with the
matching words highlighted.

The query is words to find anywhere (subject, text, sender, recipients,
attachment names), plus any of:
  from:NAME  to:NAME  cc:NAME  subject:WORD  folder:NAME  account:NAME
  has:attachment  filename:NAME  before:YYYY-MM-DD  after:YYYY-MM-DD
  "exact phrase"  -word (leave out messages with it)  OR
An empty query ('') finds every message. Several words may be given without
quotes; a phrase needs its quotes kept from the shell: '"annual report"'.
A query that starts with - needs -- before it: search -- -draft invoice.

Shows the newest 50 hits unless --limit says otherwise (--limit 0: all).
With --json it prints every hit unless --limit is given, one JSON object a
line with the fields id, sha256, date, from, to, cc, subject, folders, size,
has_attachment and snippet.`,
		Example: `  mailkeep-cli search invoice
  mailkeep-cli search 'from:alice@contoso.com after:2024-01-01 has:attachment'
  mailkeep-cli search '"annual report" -draft' --limit 10
  mailkeep-cli search -- -newsletter from:contoso.com
  mailkeep-cli search '' --json > all-messages.jsonl`,
		Args: queryArgs,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("limit") && !opts.json {
				opts.limit = defaultHumanLimit
			}
			if opts.limit < 0 {
				return usageErrorf("--limit must be 0 (all) or more, not %d", opts.limit)
			}
			return a.search(cmd, strings.Join(args, " "), opts)
		}),
	}
	cmd.Flags().IntVarP(&opts.limit, "limit", "n", 0, "show at most `N` hits, 0 for all (default 50, with --json all)")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print one JSON object a line, for scripts")
	return cmd
}

// queryArgs wants a query: one or more words (joined with spaces), or ” for all.
func queryArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usageErrorf("%s needs a query; use '' to match every message", cmd.Name())
	}
	return nil
}

func (a *app) search(cmd *cobra.Command, query string, opts searchOptions) (err error) {
	ctx := cmd.Context()
	s, err := a.openExisting(ctx)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)

	a.log.Debug("search", "query", query, "limit", opts.limit)
	results, err := s.Search(ctx, query, store.SearchOptions{Limit: opts.limit})
	if err != nil {
		return err
	}
	if opts.json {
		enc := newJSONEncoder(a.out())
		for _, r := range results {
			if err := enc.Encode(newJSONMessage(r.Message, r.Snippet)); err != nil {
				return err
			}
		}
		return nil
	}
	if len(results) == 0 {
		fmt.Fprintln(a.errOut(), "No messages match.")
		return nil
	}
	p := a.newHitPrinter(a.out(), results)
	for _, r := range results {
		if err := p.print(r); err != nil {
			return err
		}
	}
	if opts.limit > 0 && len(results) == opts.limit {
		total, err := s.Count(ctx, query)
		if err != nil {
			return err
		}
		if total > len(results) {
			fmt.Fprintf(a.errOut(), "Showing the newest %d of %s; use --limit 0 to see all.\n", len(results), plural(total, "match", "matches"))
		}
	}
	return nil
}

// fromWidth is the column the sender gets in a hit's line.
const fromWidth = 28

// hitPrinter prints search hits for people: on a terminal, cut to its width,
// with matches in bold; elsewhere whole, with matches in [brackets].
type hitPrinter struct {
	w        io.Writer
	terminal bool
	width    int // columns; 0: do not cut
	idWidth  int
	a        *app
}

func (a *app) newHitPrinter(w io.Writer, results []store.Result) *hitPrinter {
	p := &hitPrinter{w: w, a: a, terminal: a.env.isTerminal(w)}
	if p.terminal {
		p.width = a.env.termWidth(w)
	}
	for _, r := range results {
		p.idWidth = max(p.idWidth, len(strconv.FormatInt(r.ID, 10)))
	}
	return p
}

func (p *hitPrinter) print(r store.Result) error {
	from := oneLine(r.From)
	if p.width > 0 {
		from = truncateCells(from, fromWidth)
	}
	head := fmt.Sprintf("%*d  %s  %s  ", p.idWidth, r.ID, localDate(r.Date, p.a.env.location), padCells(from, fromWidth))
	subject := oneLine(r.Subject)
	if subject == "" {
		subject = "(no subject)"
	}
	if p.width > 0 {
		subject = truncateCells(subject, p.width-cellWidth(head))
	}
	line := strings.TrimRight(head+subject, " ") + "\n"
	if snippet := p.snippet(r.Snippet); snippet != "" {
		line += strings.Repeat(" ", p.idWidth+2) + snippet + "\n"
	}
	_, err := io.WriteString(p.w, line)
	return err
}

// snippet renders the parts on one line, cutting the text (never a
// highlight's markers) to the terminal's width.
func (p *hitPrinter) snippet(parts []store.SnippetPart) string {
	budget := -1 // columns left; -1: no limit
	if p.width > 0 {
		budget = p.width - (p.idWidth + 2)
	}
	var b strings.Builder
	for i, part := range parts {
		text := squashSpace(part.Text)
		if i == 0 {
			text = strings.TrimLeft(text, " ")
		}
		if budget >= 0 {
			if w := cellWidth(text); w > budget {
				text = truncateCells(text, budget)
				budget = 0
			} else {
				budget -= w
			}
		}
		if part.Match && strings.TrimSpace(text) != "" {
			if p.terminal {
				text = "\x1b[1m" + text + "\x1b[0m"
			} else {
				text = "[" + text + "]"
			}
		}
		b.WriteString(text)
		if budget == 0 {
			break
		}
	}
	return strings.TrimRight(b.String(), " ")
}
