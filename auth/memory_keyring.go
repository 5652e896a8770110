package auth

import (
	"maps"
	"sync"

	"github.com/zalando/go-keyring"
)

// MemoryKeyring returns a Keyring that keeps secrets in this process's memory
// only, starting with secrets (key → secret; copied). Nothing reaches the
// disk or the OS keyring, and everything is gone when the process ends. It is
// for secrets that are not a person's, such as the fixed password of
// Mailkeep's built-in demo mailbox, on machines that may have no OS keyring.
// Copies of the returned Keyring share its secrets.
func MemoryKeyring(secrets map[string]string) Keyring {
	return Keyring{backend: &memoryBackend{secrets: maps.Clone(secrets)}}
}

// memoryBackend is MemoryKeyring's store. Keys are service + "\x00" + key.
type memoryBackend struct {
	mu      sync.Mutex
	secrets map[string]string // key (service KeyringService only) → secret
}

func (m *memoryBackend) Set(service, key, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.secrets == nil {
		m.secrets = map[string]string{}
	}
	m.secrets[memoryKey(service, key)] = secret
	return nil
}

func (m *memoryBackend) Get(service, key string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.secrets[memoryKey(service, key)]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return s, nil
}

func (m *memoryBackend) Delete(service, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memoryKey(service, key)
	if _, ok := m.secrets[k]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.secrets, k)
	return nil
}

// memoryKey is the map key of key under service: the secrets MemoryKeyring
// starts with are under KeyringService, the only service Keyring uses.
func memoryKey(service, key string) string {
	if service == KeyringService {
		return key
	}
	return service + "\x00" + key
}
