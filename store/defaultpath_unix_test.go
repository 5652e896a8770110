//go:build unix && !darwin

package store

import "testing"

func TestDefaultPathUnix(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		want    string
		wantErr bool
	}{
		{name: "XDG_DATA_HOME", vars: map[string]string{"XDG_DATA_HOME": "/data/ann", "HOME": "/home/ann"}, want: "/data/ann/mailkeep/archive.mailkeep"},
		{name: "no XDG_DATA_HOME", vars: map[string]string{"HOME": "/home/ann"}, want: "/home/ann/.local/share/mailkeep/archive.mailkeep"},
		{name: "relative XDG_DATA_HOME is ignored", vars: map[string]string{"XDG_DATA_HOME": "data", "HOME": "/home/ann"}, want: "/home/ann/.local/share/mailkeep/archive.mailkeep"},
		{name: "nothing set", vars: map[string]string{}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPath(func(k string) string { return tt.vars[k] })
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("DefaultPath = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
