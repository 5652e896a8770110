package auth

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// RefreshMargin is how long before its expiry a cached token is replaced. A
// token is also replaced once half its lifetime has passed if that comes
// later, so a short-lived token is still used for half its life (a cache that
// refreshes 5 minutes early would ask for a new 4-minute token on every call).
const RefreshMargin = 5 * time.Minute

// tokenCache keeps one token and shares one request among concurrent callers.
// Its clock is injectable, so tests can run an hour in no time.
type tokenCache struct {
	now     func() time.Time
	fetch   func(ctx context.Context) (access string, lifetime time.Duration, err error)
	timeout time.Duration // bounds one fetch

	mu        sync.Mutex
	tok       Token
	refreshAt time.Time
	flight    *tokenFlight
}

// tokenFlight is one fetch that callers wait for.
type tokenFlight struct {
	done chan struct{}
	tok  Token
	err  error
}

func newTokenCache(fetch func(context.Context) (string, time.Duration, error), now func() time.Time, timeout time.Duration) *tokenCache {
	return &tokenCache{now: now, fetch: fetch, timeout: timeout}
}

// String describes the cache without its token.
func (c *tokenCache) String() string { return "token cache" }

// GoString is String for %#v.
func (c *tokenCache) GoString() string { return "token cache" }

// refreshTime is when a token obtained at start with the given lifetime should
// be replaced.
func refreshTime(start time.Time, lifetime time.Duration) time.Time {
	margin := min(RefreshMargin, lifetime/2)
	return start.Add(lifetime - margin)
}

func (c *tokenCache) get(ctx context.Context) (Token, error) {
	c.mu.Lock()
	if c.tok.Access != "" && c.now().Before(c.refreshAt) {
		tok := c.tok
		c.mu.Unlock()
		return tok, nil
	}
	f := c.flight
	if f == nil {
		f = &tokenFlight{done: make(chan struct{})}
		c.flight = f
		// The fetch outlives a caller that gives up: the others still wait for
		// it, and its token is kept for the next call.
		go c.run(context.WithoutCancel(ctx), f)
	}
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return Token{}, fmt.Errorf("waiting for a token: %w", ctx.Err())
	}
}

func (c *tokenCache) run(ctx context.Context, f *tokenFlight) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	start := c.now()
	access, lifetime, err := c.fetch(ctx)

	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		f.tok = Token{Access: access, ExpiresOn: start.Add(lifetime)}
		c.tok = f.tok
		c.refreshAt = refreshTime(start, lifetime)
	}
	f.err = err
	c.flight = nil
	close(f.done)
}

func (c *tokenCache) forget() {
	c.mu.Lock()
	c.tok = Token{}
	c.refreshAt = time.Time{}
	c.mu.Unlock()
}
