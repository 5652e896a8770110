package main

import "testing"

func TestDefaultDBPathWindows(t *testing.T) {
	got, err := defaultDBPath(func(k string) string {
		return map[string]string{"LOCALAPPDATA": `C:\Users\ann\AppData\Local`}[k]
	})
	if want := `C:\Users\ann\AppData\Local\Mailkeep\archive.mailkeep`; err != nil || got != want {
		t.Errorf("defaultDBPath = %q, %v; want %q", got, err, want)
	}
	if _, err := defaultDBPath(func(string) string { return "" }); err == nil {
		t.Error("no error without LOCALAPPDATA")
	}
}
