package authtest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/emersion/go-sasl"
)

// serveValidate answers GET /mailkeep-test/validate?user=<mailbox>&service=<imap|pop3>
// with "Authorization: Bearer <token>": 200 "OK", or 403 and a one-line reason.
func (p *IdP) serveValidate(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.validations++
	p.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		fmt.Fprintln(w, "use GET")
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		token = ""
	}
	q := r.URL.Query()
	if err := p.Validate(strings.TrimSpace(token), q.Get("user"), q.Get("service")); err != nil {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintln(w, err.Error())
		return
	}
	fmt.Fprint(w, "OK")
}

// XOAUTH2Server returns a SASL server for go-imap's imapserver (or any
// go-sasl user) that checks tokens as Exchange would, with Validate. A refused
// token gets the JSON challenge Exchange and Dovecot send
// ({"status":"401","schemes":"bearer","scope":"https://outlook.office.com/"}),
// and after the client's empty answer, an error. On success it calls
// login(user), whose error, if any, fails the exchange.
func (p *IdP) XOAUTH2Server(service string, login func(user string) error) sasl.Server {
	return &xoauth2Server{p: p, service: service, login: login}
}

type xoauth2Server struct {
	p       *IdP
	service string
	login   func(string) error
	failed  error
}

// ErrXOAUTH2Refused is the error an XOAUTH2Server fails with after its
// challenge; errors.Is finds it.
var ErrXOAUTH2Refused = errors.New("authtest: XOAUTH2 token refused")

func (s *xoauth2Server) Next(response []byte) ([]byte, bool, error) {
	if s.failed != nil {
		// The client's answer to the challenge: must be empty.
		if len(response) != 0 {
			return nil, true, fmt.Errorf("%w (and the client did not answer the challenge with an empty response)", ErrXOAUTH2Refused)
		}
		return nil, true, fmt.Errorf("%w: %v", ErrXOAUTH2Refused, s.failed)
	}
	if response == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	user, token, err := parseXOAUTH2(response)
	if err != nil {
		return nil, true, err
	}
	if err := s.p.Validate(token, user, s.service); err != nil {
		s.failed = err
		return []byte(`{"status":"401","schemes":"bearer","scope":"https://outlook.office.com/"}`), false, nil
	}
	if s.login != nil {
		if err := s.login(user); err != nil {
			return nil, true, err
		}
	}
	return nil, true, nil
}

// parseXOAUTH2 splits "user=<u>\x01auth=Bearer <t>\x01\x01".
func parseXOAUTH2(b []byte) (user, token string, err error) {
	b, ok := bytes.CutSuffix(b, []byte("\x01\x01"))
	if !ok {
		return "", "", errors.New("authtest: XOAUTH2 response does not end in \\x01\\x01")
	}
	for _, f := range bytes.Split(b, []byte("\x01")) {
		switch k, v, _ := strings.Cut(string(f), "="); k {
		case "user":
			user = v
		case "auth":
			t, ok := strings.CutPrefix(v, "Bearer ")
			if !ok {
				return "", "", errors.New("authtest: XOAUTH2 auth is not 'Bearer <token>'")
			}
			token = t
		}
	}
	if user == "" || token == "" {
		return "", "", errors.New("authtest: XOAUTH2 response lacks user or auth")
	}
	return user, token, nil
}
