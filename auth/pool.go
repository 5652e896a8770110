package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
)

// EntraPool hands out one Entra per app registration, so that every account
// archived with the same app shares one MSAL client and one cached token. A
// changed secret makes a new Entra (the old one keeps its token until dropped).
// The zero EntraPool is ready to use; it is safe for concurrent use.
type EntraPool struct {
	mu sync.Mutex
	m  map[string]*Entra
}

// Get returns the pool's Entra for cfg, making it on first use.
func (p *EntraPool) Get(cfg EntraConfig) (*Entra, error) {
	key := poolKey(cfg)
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.m[key]; e != nil {
		return e, nil
	}
	e, err := NewEntra(cfg)
	if err != nil {
		return nil, err
	}
	if p.m == nil {
		p.m = map[string]*Entra{}
	}
	p.m[key] = e
	return e, nil
}

// poolKey identifies an app registration and its credential; the secret enters
// only as a hash.
func poolKey(c EntraConfig) string {
	h := sha256.New()
	for _, s := range []string{c.Secret, c.CertFile, c.CertPassword} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return strings.Join([]string{string(c.Cloud), strings.ToLower(c.AuthorityHost),
		strings.ToLower(strings.TrimSpace(c.Tenant)), strings.ToLower(strings.TrimSpace(c.ClientID)),
		c.Scope, hex.EncodeToString(h.Sum(nil))}, "\x00")
}
