package store

import "testing"

func TestDefaultPathWindows(t *testing.T) {
	got, err := DefaultPath(func(k string) string {
		return map[string]string{"LOCALAPPDATA": `C:\Users\ann\AppData\Local`}[k]
	})
	if want := `C:\Users\ann\AppData\Local\Mailkeep\archive.mailkeep`; err != nil || got != want {
		t.Errorf("DefaultPath = %q, %v; want %q", got, err, want)
	}
	if _, err := DefaultPath(func(string) string { return "" }); err == nil {
		t.Error("no error without LOCALAPPDATA")
	}
}
