package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExportMbox(t *testing.T) {
	db, fixtures, _ := seedArchive(t)
	out := filepath.Join(t.TempDir(), "all.mbox")
	r := cliWithDB(db).run(t, "export", "", "--out", out)
	if r.code != exitOK || r.stdout.String() != "Exported 5 messages to the mbox file "+out+"\n" {
		t.Fatalf("%s", r)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("From ")) {
		t.Errorf("%s does not start like an mbox file: %q", out, data[:min(len(data), 40)])
	}
	for _, f := range fixtures {
		// None of the fixtures has a line starting with "From ", so each is in
		// the file unchanged.
		if !bytes.Contains(data, f.raw) {
			t.Errorf("%s: its bytes are not in the mbox file unchanged", f.name)
		}
	}

	// A second export to the same file fails and leaves it alone.
	r = cliWithDB(db).run(t, "export", "has:attachment", "--out", out)
	if r.code != exitFailed || !strings.Contains(r.stderr.String(), "does not overwrite") || r.stdout.String() != "" {
		t.Errorf("export onto an existing mbox file: %s", r)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, data) {
		t.Errorf("the existing mbox file changed")
	}
}

func TestExportEML(t *testing.T) {
	db, fixtures, _ := seedArchive(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		want   []fixture // the files the folder must hold
	}{
		{name: "all", args: []string{""}, stdout: "Exported 5 messages as .eml files into the folder ", want: fixtures},
		{name: "one", args: []string{"has:attachment"}, stdout: "Exported 1 message as .eml files into the folder ", want: fixtures[2:3]},
		{name: "format in capitals", args: []string{"subject:sensor", "--format", "EML"}, stdout: "Exported 1 message as .eml files", want: fixtures[3:4]},
		{name: "none", args: []string{"nonexistentword"}, stdout: "No messages match; nothing was written.\n"},
		{name: "bad query", args: []string{"before:soon"}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "export")
			args := append([]string{"export", "--out", out, "--format", "eml"}, tt.args...)
			r := cliWithDB(db).run(t, args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r)
			}
			if !bytes.HasPrefix(r.stdout.Bytes(), []byte(tt.stdout)) {
				t.Errorf("stdout does not start with %q\n%s", tt.stdout, r)
			}
			var got, want []string
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(out, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if filepath.Ext(e.Name()) != ".eml" {
					t.Errorf("%s is not an .eml file", e.Name())
				}
				sum := sha256.Sum256(data)
				got = append(got, hex.EncodeToString(sum[:]))
			}
			for _, f := range tt.want {
				want = append(want, f.sha256())
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("the folder holds files with sha256 %q, want %q", got, want)
			}
		})
	}
}
