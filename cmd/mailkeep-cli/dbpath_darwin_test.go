package main

import "testing"

func TestDefaultDBPathDarwin(t *testing.T) {
	got, err := defaultDBPath(func(k string) string { return map[string]string{"HOME": "/Users/ann"}[k] })
	if want := "/Users/ann/Library/Application Support/Mailkeep/archive.mailkeep"; err != nil || got != want {
		t.Errorf("defaultDBPath = %q, %v; want %q", got, err, want)
	}
	if _, err := defaultDBPath(func(string) string { return "" }); err == nil {
		t.Error("no error without HOME")
	}
}
