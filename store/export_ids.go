package store

import (
	"context"
	"errors"
	"fmt"
)

// ExportIDs writes the messages ids name, in that order, exactly as Export
// writes the messages of a query: Export(ctx, q, ...) and
// ExportIDs(ctx, MatchIDs(q), ...) write the same bytes. A screen that shows
// a query's results exports a chosen few of them, or all it listed, with it.
func (s *Store) ExportIDs(ctx context.Context, ids []int64, out string, format ExportFormat, progress func(ImportProgress)) (int, error) {
	if out == "" {
		return 0, errors.New("no place to export to: choose a file or a folder")
	}
	switch format {
	case FormatMbox:
		if err := exportCheckMboxTarget(out); err != nil {
			return 0, err
		}
	case FormatEML:
		if err := exportCheckEMLTarget(out); err != nil {
			return 0, err
		}
	default:
		return 0, fmt.Errorf("unknown export format %q: use %q or %q", format, FormatMbox, FormatEML)
	}
	ex := &exporter{s: s, ctx: ctx, progress: progress}
	var err error
	if ex.at.Total, err = s.exportTotal(ctx, ids); err != nil {
		return 0, err
	}
	if format == FormatMbox {
		err = ex.mbox(ids, out)
	} else {
		err = ex.eml(ids, out)
	}
	if err == nil && progress != nil {
		progress(ex.at)
	}
	return ex.at.Messages, err
}
