package store

import (
	"context"
	"slices"
)

// Results reads the search results that ids name, in the order of ids, with
// their snippets for query: one page of a long list of results, where ids is
// a slice of what MatchIDs gave for the same query. Unlike Search with an
// Offset, it costs the same for the last page as for the first. A message
// that is no longer in the archive is left out.
func (s *Store) Results(ctx context.Context, query string, ids []int64) ([]Result, error) {
	q, err := s.compileQuery(ctx, query)
	if err != nil {
		return nil, err
	}
	results := make([]Result, 0, len(ids))
	for chunk := range slices.Chunk(ids, resultChunk) {
		msgs, err := s.loadSummaries(ctx, chunk)
		if err != nil {
			return nil, s.searchError(query, err)
		}
		snippets, err := s.snippets(ctx, q, chunk)
		if err != nil {
			return nil, s.searchError(query, err)
		}
		for _, m := range msgs {
			if m.ID == 0 {
				continue // gone since the query ran
			}
			results = append(results, Result{Message: m, Snippet: snippets[m.ID]})
		}
	}
	return results, nil
}
