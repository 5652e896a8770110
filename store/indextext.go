package store

import (
	"bytes"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
	"modernc.org/sqlite"
)

// indexText is one message's row of the texts table, and what goes into the
// full-text index: every field prepared by ftsText.
type indexText struct {
	subject, sender, recipients, cc, filenames string
	body                                       string
	packedBody                                 []byte // body, compressed
}

func (s *Store) indexText(x *extracted) indexText {
	names := make([]string, 0, len(x.Attachments))
	for _, a := range x.Attachments {
		if a.Filename != "" {
			names = append(names, a.Filename)
		}
	}
	t := indexText{
		subject:    ftsText(x.Subject),
		sender:     ftsText(x.From),
		recipients: ftsText(x.To),
		cc:         ftsText(x.Cc),
		filenames:  ftsText(strings.Join(names, " ")),
		body:       ftsText(x.Body),
	}
	t.packedBody = packText(s.codec, t.body)
	return t
}

// zstdMagic starts every zstd frame. Valid UTF-8 text never starts with it
// (0xB5 cannot follow '('), so a body is stored compressed or, when short, as
// its text, and mailkeep_text tells them apart.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

func packText(c *codec, text string) []byte {
	if len(text) < 128 {
		return []byte(text)
	}
	return c.enc.EncodeAll([]byte(text), nil)
}

// textFunction registers mailkeep_text(blob), which the search_source view
// uses to give FTS5 the bodies it needs for snippets. SQLite functions are
// registered with the driver for the whole process, so this happens once.
var textFunction = sync.OnceValue(func() error {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
	if err != nil {
		return err
	}
	return sqlite.RegisterDeterministicScalarFunction("mailkeep_text", 1,
		func(ctx *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			var b []byte
			switch v := args[0].(type) {
			case nil:
				return "", nil
			case string:
				return v, nil
			case []byte:
				b = v
			default:
				return nil, fmt.Errorf("mailkeep_text: unexpected %T", v)
			}
			if !bytes.HasPrefix(b, zstdMagic) {
				return string(b), nil
			}
			out, err := dec.DecodeAll(b, nil)
			if err != nil {
				return nil, fmt.Errorf("mailkeep_text: %w", err)
			}
			return string(out), nil
		})
})
