package authtest

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// aadError is one of Microsoft's error answers.
type aadError struct {
	status      int
	err         string // the OAuth error, e.g. "invalid_client"
	code        int    // the AADSTS number
	description string // without the "AADSTSn: " prefix and the trace lines
}

// write sends e in Microsoft's shape.
func (p *IdP) writeError(w http.ResponseWriter, e aadError) {
	now := p.clock().UTC()
	trace, corr := randomID(), randomID()
	stamp := now.Format("2006-01-02 15:04:05Z")
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
		e.code, e.description, trace, corr, now.Format("2006-01-02 15:04:05.0000000Z"))
	writeJSON(w, e.status, map[string]any{
		"error":             e.err,
		"error_description": desc,
		"error_codes":       []int{e.code},
		"timestamp":         stamp,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         fmt.Sprintf("%s/error?code=%d", p.srv.URL, e.code),
	})
}

func (p *IdP) clock() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.now()
}

func (p *IdP) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/mailkeep-test/validate" {
		p.serveValidate(w, r)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 {
		http.NotFound(w, r)
		return
	}
	tenantName, rest := parts[0], strings.Join(parts[1:], "/")
	switch {
	case rest == "v2.0/.well-known/openid-configuration" && r.Method == http.MethodGet:
		p.mu.Lock()
		p.discoReqs++
		p.mu.Unlock()
		if p.injectFault(w, r) {
			return
		}
		p.serveDiscovery(w, tenantName)
	case rest == "oauth2/v2.0/token" && r.Method == http.MethodPost:
		p.mu.Lock()
		p.tokenReqs++
		p.mu.Unlock()
		if p.injectFault(w, r) {
			return
		}
		p.serveToken(w, r, tenantName)
	case rest == "discovery/v2.0/keys" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, p.jwks())
	default:
		http.NotFound(w, r)
	}
}

// injectFault applies SetDelay and FailNext; true if it answered.
func (p *IdP) injectFault(w http.ResponseWriter, r *http.Request) bool {
	p.mu.Lock()
	delay := p.delay
	fail := p.failN > 0
	status := p.failStatus
	if fail {
		p.failN--
	}
	p.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			// The client gave up: end the connection without an answer (a
			// handler that just returned would send an empty 200).
			panic(http.ErrAbortHandler)
		}
	}
	if fail {
		p.writeError(w, aadError{status: status, err: "temporarily_unavailable", code: 90033,
			description: "A transient error has occurred. Please try again."})
		return true
	}
	return false
}

func (p *IdP) lookupTenant(name string) *Tenant {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tenants[strings.ToLower(name)]
}

func (p *IdP) serveDiscovery(w http.ResponseWriter, tenantName string) {
	t := p.lookupTenant(tenantName)
	if t == nil {
		p.writeError(w, aadError{status: http.StatusBadRequest, err: "invalid_tenant", code: 90002,
			description: fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", tenantName)})
		return
	}
	base := p.srv.URL + "/" + t.ID
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                base + "/v2.0",
		"request_uri_parameter_supported":       false,
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
	})
}

// resources the token endpoint knows, by scope resource.
var knownResources = map[string]bool{
	"https://outlook.office365.com": true, "https://outlook.office.com": true,
	"https://outlook.office365.us": true, "https://partner.outlook.cn": true,
	"https://graph.microsoft.com": true, "https://ps.outlook.com": true,
}

func (p *IdP) serveToken(w http.ResponseWriter, r *http.Request, tenantName string) {
	if err := r.ParseForm(); err != nil {
		p.writeError(w, aadError{status: 400, err: "invalid_request", code: 900144, description: "The request body must contain the following parameter: 'grant_type'."})
		return
	}
	f := r.PostForm
	t := p.lookupTenant(tenantName)
	if t == nil {
		p.writeError(w, aadError{status: 400, err: "invalid_tenant", code: 90002,
			description: fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenantName)})
		return
	}
	if gt := f.Get("grant_type"); gt != "client_credentials" {
		p.writeError(w, aadError{status: 400, err: "unsupported_grant_type", code: 70003, description: fmt.Sprintf("The app requested an unsupported grant type '%s'.", gt)})
		return
	}
	clientID := f.Get("client_id")
	p.mu.Lock()
	appp := p.apps[strings.ToLower(clientID)]
	var app App
	if appp != nil {
		app = *appp
	}
	p.mu.Unlock()
	if appp == nil || !strings.EqualFold(app.Tenant, t.ID) {
		p.writeError(w, aadError{status: 400, err: "unauthorized_client", code: 700016,
			description: fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, t.ID)})
		return
	}

	secret, assertion := f.Get("client_secret"), f.Get("client_assertion")
	switch {
	case secret == "" && assertion == "":
		p.writeError(w, aadError{status: 401, err: "invalid_client", code: 7000218,
			description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."})
		return
	case assertion != "":
		if err := p.checkAssertion(app, t, assertion); err != nil {
			p.writeError(w, aadError{status: 401, err: "invalid_client", code: 700027,
				description: "Client assertion failed signature validation. " + err.Error()})
			return
		}
	case app.Secret == "" || secret != app.Secret:
		// Never echo what was sent.
		p.writeError(w, aadError{status: 401, err: "invalid_client", code: 7000215,
			description: fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", app.ClientID)})
		return
	case app.Expired:
		p.writeError(w, aadError{status: 401, err: "invalid_client", code: 7000222,
			description: fmt.Sprintf("The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", app.ClientID)})
		return
	}

	// MSAL sends the resource scope plus "openid offline_access profile".
	var resource string
	for _, s := range strings.Fields(f.Get("scope")) {
		switch s {
		case "openid", "offline_access", "profile":
			continue
		}
		res, ok := strings.CutSuffix(s, "/.default")
		if !ok || !knownResources[strings.TrimSuffix(res, "/")] || resource != "" {
			p.writeError(w, aadError{status: 400, err: "invalid_scope", code: 70011,
				description: fmt.Sprintf("The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.", f.Get("scope"))})
			return
		}
		resource = strings.TrimSuffix(res, "/")
	}
	if resource == "" {
		p.writeError(w, aadError{status: 400, err: "invalid_scope", code: 70011,
			description: "The provided request must include a 'scope' input parameter."})
		return
	}

	token, lifetime, err := p.issue(app, resource)
	if err != nil {
		p.writeError(w, aadError{status: 500, err: "server_error", code: 50000, description: "There was an error issuing a token."})
		return
	}
	secs := int(lifetime / time.Second)
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": token,
	})
}

func (p *IdP) checkAssertion(app App, t *Tenant, assertion string) error {
	if app.Cert == nil {
		return fmt.Errorf("no certificate is registered for app '%s'", app.ClientID)
	}
	pub, ok := app.Cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("the registered certificate has no RSA key")
	}
	aud := p.srv.URL + "/" + t.ID + "/oauth2/v2.0/token"
	_, err := jwt.Parse(assertion, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"PS256", "RS256"}), jwt.WithAudience(aud),
		jwt.WithIssuer(app.ClientID), jwt.WithSubject(app.ClientID), jwt.WithTimeFunc(p.clock))
	return err
}
