package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// ErrorKind says whether a failure is worth retrying.
type ErrorKind int

// The kinds of token failures.
const (
	KindCredentials ErrorKind = iota + 1 // permanent: the setup is wrong (errors.Is ErrCredentials)
	KindService                          // transient: the service failed (errors.Is ErrService)
	KindNetwork                          // transient: the service could not be reached (errors.Is ErrNetwork and ErrService)
)

// TokenError is why a token could not be had. It holds what the identity
// provider said (its AADSTS code and description), never the secret.
type TokenError struct {
	Kind          ErrorKind
	Step          Step   // StepSecret (the configuration) or StepToken
	Code          string // e.g. "AADSTS7000215"; empty when the service gave none
	Status        int    // HTTP status of the failed request; 0 when there was none
	Reason        string // plain words
	Description   string // the service's error_description, first line
	TraceID       string
	CorrelationID string
	err           error // the network or context error under it, if any
}

func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString(e.Reason)
	if hint := tokenHint(e.Code); hint != "" {
		b.WriteString(": ")
		b.WriteString(hint)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	return b.String()
}

// Unwrap returns the network or context error under e, if any.
func (e *TokenError) Unwrap() error { return e.err }

// Is reports whether e is of the kind target names (ErrCredentials,
// ErrService, ErrNetwork).
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrCredentials:
		return e.Kind == KindCredentials
	case ErrService:
		return e.Kind == KindService || e.Kind == KindNetwork
	case ErrNetwork:
		return e.Kind == KindNetwork
	}
	return false
}

// aadError is the JSON body of a failed request to Microsoft's token service.
type aadError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
}

// classifyTokenError turns what MSAL returned into a *TokenError. It keeps
// nothing of MSAL's error value (which holds the HTTP request) but the status,
// the service's JSON and the network error under it.
func classifyTokenError(err error, authority string) *TokenError {
	var callErr msalerrors.CallErr
	if errors.As(err, &callErr) {
		te := &TokenError{Step: StepToken, Kind: KindCredentials}
		if callErr.Resp != nil {
			te.Status = callErr.Resp.StatusCode
		}
		if body, ok := jsonIn(err.Error()); ok {
			var ae aadError
			if json.Unmarshal([]byte(body), &ae) == nil {
				te.Description = firstLine(ae.ErrorDescription)
				te.TraceID, te.CorrelationID = ae.TraceID, ae.CorrelationID
				if len(ae.ErrorCodes) > 0 {
					te.Code = "AADSTS" + strconv.Itoa(ae.ErrorCodes[0])
				} else {
					te.Code = aadstsCode(ae.ErrorDescription)
				}
			}
		}
		if te.Status >= 500 || te.Status == 429 {
			te.Kind = KindService
			te.Reason = fmt.Sprintf("the sign-in service %s answered with HTTP %d: it has a problem of its own, not with your setup", authority, te.Status)
			return te
		}
		te.Reason = fmt.Sprintf("the sign-in service %s refused the request", authority)
		if te.Description != "" {
			te.Reason += ": " + te.Description
		}
		return te
	}
	var jsonErr msalerrors.InvalidJsonErr
	if errors.As(err, &jsonErr) {
		return &TokenError{Kind: KindService, Step: StepToken,
			Reason: fmt.Sprintf("%s answered with something that is not Microsoft's sign-in service (a proxy or captive portal in between?)", authority)}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &TokenError{Kind: KindService, Step: StepToken, err: err,
			Reason: fmt.Sprintf("the sign-in service %s did not answer in time", authority)}
	}
	if isNetworkError(err) {
		return &TokenError{Kind: KindNetwork, Step: StepToken, err: err,
			Reason: fmt.Sprintf("cannot reach the sign-in service %s: %s", authority, plainNetworkError(err))}
	}
	return &TokenError{Kind: KindCredentials, Step: StepToken, err: err,
		Reason: fmt.Sprintf("getting a token from %s failed: %v", authority, err)}
}

// jsonIn returns the JSON object in s (MSAL puts the response body after
// "reply status code was N:\n").
func jsonIn(s string) (string, bool) {
	i, j := strings.Index(s, "{"), strings.LastIndex(s, "}")
	if i < 0 || j < i {
		return "", false
	}
	return s[i : j+1], true
}

func aadstsCode(s string) string {
	i := strings.Index(s, "AADSTS")
	if i < 0 {
		return ""
	}
	j := i + len("AADSTS")
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i+len("AADSTS") {
		return ""
	}
	return s[i:j]
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	// Microsoft appends "Trace ID: ... Correlation ID: ... Timestamp: ..." to
	// the description; those are kept in their own fields.
	if i := strings.Index(s, " Trace ID:"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func isNetworkError(err error) bool {
	var (
		dnsErr  *net.DNSError
		opErr   *net.OpError
		netErr  net.Error
		uaErr   x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
		verErr  *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
	)
	return errors.As(err, &dnsErr) || errors.As(err, &opErr) || errors.As(err, &netErr) ||
		errors.As(err, &uaErr) || errors.As(err, &hostErr) || errors.As(err, &invErr) ||
		errors.As(err, &verErr) || errors.As(err, &recErr)
}

// plainNetworkError says in words what went wrong on the way to a server.
func plainNetworkError(err error) string {
	var (
		dnsErr  *net.DNSError
		uaErr   x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Sprintf("the name %s does not exist (DNS)", dnsErr.Name)
		}
		return fmt.Sprintf("the name %s could not be looked up (DNS: %s)", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &uaErr):
		return "its TLS certificate is signed by an authority this computer does not trust"
	case errors.As(err, &hostErr):
		return fmt.Sprintf("its TLS certificate is for another name (%s)", hostErr.Host)
	case errors.As(err, &invErr):
		return "its TLS certificate is not valid (expired, or not yet valid: check this computer's clock)"
	case errors.As(err, &recErr):
		return "it does not speak TLS on that port"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the connection was refused"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "the connection timed out"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return err.Error()
}
