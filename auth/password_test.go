package auth

import (
	"context"
	"testing"
)

func TestPasswordSASL(t *testing.T) {
	p := Password{Secret: "s3cret"}
	c, err := p.SASL(context.Background(), "me@example.org")
	if err != nil {
		t.Fatal(err)
	}
	mech, ir, err := c.Start()
	if err != nil || mech != "PLAIN" || string(ir) != "\x00me@example.org\x00s3cret" {
		t.Errorf("PLAIN Start = %q, %q, %v", mech, ir, err)
	}
	l := p.SASLLogin("me@example.org")
	mech, _, err = l.Start()
	if err != nil || mech != "LOGIN" {
		t.Fatalf("LOGIN Start = %q, %v", mech, err)
	}
	if r, err := l.Next([]byte("Username:")); err != nil || string(r) != "me@example.org" {
		t.Errorf("LOGIN user step = %q, %v", r, err)
	}
	if r, err := l.Next([]byte("Password:")); err != nil || string(r) != "s3cret" {
		t.Errorf("LOGIN password step = %q, %v", r, err)
	}
	var creds Credentials = p
	_ = creds
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.SASL(ctx, "u"); err == nil {
		t.Error("SASL with a cancelled context succeeded")
	}
}
