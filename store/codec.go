package store

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// Codecs for raw message bytes in the messages table.
const (
	codecNone = 0 // stored as is
	codecZstd = 1 // zstd frame
)

// codec compresses raw messages for storage and restores them exactly.
// zstd is lossless: what comes out is byte for byte what went in, and Verify
// proves it against the SHA-256 taken before compression.
type codec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

func newCodec(workers int) (*codec, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(workers))
	if err != nil {
		return nil, err
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(workers), zstd.WithDecoderMaxMemory(1<<31))
	if err != nil {
		enc.Close()
		return nil, err
	}
	return &codec{enc: enc, dec: dec}, nil
}

// compress returns what to store and its codec. Bytes that do not shrink by at
// least a few percent (already-compressed attachments) are stored as they are.
func (c *codec) compress(raw []byte) ([]byte, int) {
	if len(raw) < 256 {
		return raw, codecNone
	}
	// Room for all of it up front: growing the buffer would copy it twice over.
	out := c.enc.EncodeAll(raw, make([]byte, 0, len(raw)))
	if len(out) > len(raw)-len(raw)/32 {
		return raw, codecNone
	}
	return out, codecZstd
}

// decompress restores raw bytes stored with codec; size is the raw size.
func (c *codec) decompress(data []byte, codec int, size int64) ([]byte, error) {
	switch codec {
	case codecNone:
		return data, nil
	case codecZstd:
		return c.dec.DecodeAll(data, make([]byte, 0, size))
	}
	return nil, fmt.Errorf("unknown codec %d (written by a newer Mailkeep?)", codec)
}

func (c *codec) close() {
	c.enc.Close()
	c.dec.Close()
}
