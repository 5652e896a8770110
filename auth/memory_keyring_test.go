package auth

import (
	"context"
	"errors"
	"testing"
)

func TestMemoryKeyring(t *testing.T) {
	ctx := context.Background()
	start := map[string]string{"password:demo@example.com@127.0.0.1": "s1"}
	k := MemoryKeyring(start)
	start["password:demo@example.com@127.0.0.1"] = "changed after" // the keyring took a copy

	steps := []struct {
		name    string
		do      func() (string, error)
		want    string
		wantErr error
	}{
		{"initial secret", func() (string, error) { return k.Get(ctx, "password:demo@example.com@127.0.0.1") }, "s1", nil},
		{"missing key", func() (string, error) { return k.Get(ctx, "entra:t/c") }, "", ErrSecretNotFound},
		{"set", func() (string, error) { return "", k.Set(ctx, "entra:t/c", "s2") }, "", nil},
		{"copies share secrets", func() (string, error) { k2 := k; return k2.Get(ctx, "entra:t/c") }, "s2", nil},
		{"resolve a SecretRef", func() (string, error) { return SecretRef{Keyring: "entra:t/c"}.Resolve(ctx, k) }, "s2", nil},
		{"delete", func() (string, error) { return "", k.Delete(ctx, "entra:t/c") }, "", nil},
		{"deleted is gone", func() (string, error) { return k.Get(ctx, "entra:t/c") }, "", ErrSecretNotFound},
		{"delete twice", func() (string, error) { return "", k.Delete(ctx, "entra:t/c") }, "", ErrSecretNotFound},
		{"another keyring is separate", func() (string, error) { return MemoryKeyring(nil).Get(ctx, "password:demo@example.com@127.0.0.1") }, "", ErrSecretNotFound},
	}
	for _, s := range steps {
		got, err := s.do()
		if got != s.want || !errors.Is(err, s.wantErr) || (s.wantErr == nil && err != nil) {
			t.Errorf("%s: got %q, %v; want %q, %v", s.name, got, err, s.want, s.wantErr)
		}
	}
}
