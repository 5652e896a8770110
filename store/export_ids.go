package store

import "context"

// ExportIDs writes the messages ids name, in that order, exactly as Export
// writes the messages of a query: Export(ctx, q, ...) and
// ExportIDs(ctx, MatchIDs(q), ...) write the same bytes. A screen that shows
// a query's results exports a chosen few of them, or all it listed, with it.
func (s *Store) ExportIDs(ctx context.Context, ids []int64, out string, format ExportFormat, progress func(ImportProgress)) (int, error) {
	if err := checkExportTarget(out, format, "choose a file or a folder"); err != nil {
		return 0, err
	}
	return s.writeExport(ctx, ids, out, format, progress)
}
