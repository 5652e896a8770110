package store

import "testing"

func TestDefaultPathDarwin(t *testing.T) {
	got, err := DefaultPath(func(k string) string { return map[string]string{"HOME": "/Users/ann"}[k] })
	if want := "/Users/ann/Library/Application Support/Mailkeep/archive.mailkeep"; err != nil || got != want {
		t.Errorf("DefaultPath = %q, %v; want %q", got, err, want)
	}
	if _, err := DefaultPath(func(string) string { return "" }); err == nil {
		t.Error("no error without HOME")
	}
}
