package store

import (
	"context"
	"fmt"
)

// AccountCount is how much of the archive came from one account: the
// distinct messages seen in any of its folders, and their size. A message
// seen in two accounts counts in both.
type AccountCount struct {
	Messages int
	Bytes    int64
}

// AccountCounts returns, for every account that has archived anything, its
// messages and their size, by account name. Accounts with nothing archived
// are not in the map.
func (s *Store) AccountCounts(ctx context.Context) (map[string]AccountCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.account, count(*), coalesce(sum(m.size), 0)
		FROM (SELECT DISTINCT account, message FROM locations) AS l JOIN messages AS m ON m.id = l.message
		GROUP BY l.account`)
	if err != nil {
		return nil, fmt.Errorf("archive %s: count messages per account: %w", s.path, s.classify(err))
	}
	defer rows.Close()
	out := map[string]AccountCount{}
	for rows.Next() {
		var name string
		var c AccountCount
		if err := rows.Scan(&name, &c.Messages, &c.Bytes); err != nil {
			return nil, fmt.Errorf("archive %s: count messages per account: %w", s.path, s.classify(err))
		}
		out[name] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive %s: count messages per account: %w", s.path, s.classify(err))
	}
	return out, nil
}
