package authtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func postToken(t *testing.T, idp *IdP, tenant string, form url.Values) (int, map[string]any, string) {
	t.Helper()
	resp, err := idp.Client().PostForm(idp.URL()+"/"+tenant+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("token endpoint answered non-JSON %q: %v", body, err)
	}
	return resp.StatusCode, m, string(body)
}

// checkAADError checks Microsoft's error shape.
func checkAADError(t *testing.T, m map[string]any, oauthErr string, code int) {
	t.Helper()
	if m["error"] != oauthErr {
		t.Errorf("error = %v, want %s", m["error"], oauthErr)
	}
	desc, _ := m["error_description"].(string)
	prefix := "AADSTS" + strconv.Itoa(code) + ": "
	if !strings.HasPrefix(desc, prefix) || !strings.Contains(desc, "Trace ID: ") || !strings.Contains(desc, "Correlation ID: ") || !strings.Contains(desc, "Timestamp: ") {
		t.Errorf("error_description %q: want %q prefix and trace lines", desc, prefix)
	}
	codes, _ := m["error_codes"].([]any)
	if len(codes) != 1 || codes[0] != float64(code) {
		t.Errorf("error_codes = %v, want [%d]", m["error_codes"], code)
	}
	for _, k := range []string{"timestamp", "trace_id", "correlation_id", "error_uri"} {
		if s, _ := m[k].(string); s == "" {
			t.Errorf("%s missing", k)
		}
	}
	if _, err := time.Parse("2006-01-02 15:04:05Z", m["timestamp"].(string)); err != nil {
		t.Errorf("timestamp %v: %v", m["timestamp"], err)
	}
}

func TestDiscovery(t *testing.T) {
	idp := New(t)
	app := idp.AddApp(App{})
	idp.AddTenant(app.Tenant, "contoso.onmicrosoft.com")
	for _, name := range []string{app.Tenant, "contoso.onmicrosoft.com", "CONTOSO.onmicrosoft.com"} {
		resp, err := idp.Client().Get(idp.URL() + "/" + name + "/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if resp.StatusCode != 200 || m["token_endpoint"] != idp.URL()+"/"+app.Tenant+"/oauth2/v2.0/token" || m["issuer"] != idp.URL()+"/"+app.Tenant+"/v2.0" {
			t.Errorf("discovery of %s: %d %v", name, resp.StatusCode, m)
		}
	}
	resp, err := idp.Client().Get(idp.URL() + "/fabrikam.com/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("unknown tenant: status %d", resp.StatusCode)
	}
	checkAADError(t, m, "invalid_tenant", 90002)
	if n := idp.DiscoveryRequests(); n != 4 {
		t.Errorf("DiscoveryRequests = %d, want 4", n)
	}
}

func TestTokenEndpoint(t *testing.T) {
	idp := New(t, WithTokenLifetime(7*time.Minute))
	app := idp.AddApp(App{})
	expired := idp.AddApp(App{Tenant: app.Tenant, Expired: true})
	form := func(clientID, secret, scope string) url.Values {
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "scope": {scope}}
		if secret != "" {
			v.Set("client_secret", secret)
		}
		return v
	}
	msalScope := "https://outlook.office365.com/.default openid offline_access profile"
	tests := []struct {
		name     string
		tenant   string
		form     url.Values
		status   int
		oauthErr string
		code     int
	}{
		{"success", app.Tenant, form(app.ClientID, app.Secret, msalScope), 200, "", 0},
		{"wrong secret", app.Tenant, form(app.ClientID, "wrong8Q~value", msalScope), 401, "invalid_client", 7000215},
		{"secret ID", app.Tenant, form(app.ClientID, app.SecretID, msalScope), 401, "invalid_client", 7000215},
		{"expired", app.Tenant, form(expired.ClientID, expired.Secret, msalScope), 401, "invalid_client", 7000222},
		{"no secret", app.Tenant, form(app.ClientID, "", msalScope), 401, "invalid_client", 7000218},
		{"unknown app", app.Tenant, form("99999999-0000-0000-0000-000000000000", "x", msalScope), 400, "unauthorized_client", 700016},
		{"unknown tenant", "fabrikam.com", form(app.ClientID, app.Secret, msalScope), 400, "invalid_tenant", 90002},
		{"bad scope", app.Tenant, form(app.ClientID, app.Secret, "https://outlook.office365.com/IMAP.AccessAsApp"), 400, "invalid_scope", 70011},
		{"no scope", app.Tenant, form(app.ClientID, app.Secret, "openid profile"), 400, "invalid_scope", 70011},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m, body := postToken(t, idp, tt.tenant, tt.form)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if s := tt.form.Get("client_secret"); s != "" && tt.status != 200 && strings.Contains(body, s) {
				t.Errorf("the error echoes the secret: %s", body)
			}
			if tt.status != 200 {
				checkAADError(t, m, tt.oauthErr, tt.code)
				return
			}
			if m["token_type"] != "Bearer" || m["expires_in"] != float64(420) || m["ext_expires_in"] != float64(420) {
				t.Errorf("token response %v", m)
			}
			tok, _ := m["access_token"].(string)
			idp.Grant(app.ClientID, "a@contoso.com")
			if err := idp.Validate(tok, "a@contoso.com", "imap"); err != nil {
				t.Errorf("issued token does not validate: %v", err)
			}
		})
	}
	if n, issued := idp.TokenRequests(), idp.TokensIssued(); n != len(tests) || issued != 1 {
		t.Errorf("TokenRequests = %d, TokensIssued = %d; want %d, 1", n, issued, len(tests))
	}
}

func TestFailNextAndDelay(t *testing.T) {
	idp := New(t)
	app := idp.AddApp(App{})
	idp.FailNext(2, 503)
	f := url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "client_secret": {app.Secret},
		"scope": {"https://outlook.office365.com/.default"}}
	for i, want := range []int{503, 503, 200} {
		status, m, _ := postToken(t, idp, app.Tenant, f)
		if status != want {
			t.Fatalf("request %d: status %d, want %d", i, status, want)
		}
		if status == 503 {
			checkAADError(t, m, "temporarily_unavailable", 90033)
		}
	}
	idp.SetDelay(50 * time.Millisecond)
	start := time.Now()
	postToken(t, idp, app.Tenant, f)
	if time.Since(start) < 50*time.Millisecond {
		t.Error("SetDelay did not delay")
	}
}

func validateHTTP(t *testing.T, idp *IdP, token, user, service string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", idp.ValidateURL()+"?"+url.Values{"user": {user}, "service": {service}}.Encode(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := idp.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestValidateEndpoint(t *testing.T) {
	idp := New(t)
	app := idp.AddApp(App{})
	imapOnly := idp.AddApp(App{Roles: []string{RoleIMAP}})
	idp.Grant(app.ClientID, "shared@contoso.com")
	idp.Grant(imapOnly.ClientID, "shared@contoso.com")
	good := idp.Mint(app.ClientID, nil)
	tests := []struct {
		name, token, user, service string
		status                     int
		reason                     string
	}{
		{"imap ok", good, "shared@contoso.com", "imap", 200, "OK"},
		{"pop3 ok", good, "Shared@Contoso.com", "pop3", 200, "OK"},
		{"no token", "", "shared@contoso.com", "imap", 403, "no bearer token"},
		{"not granted", good, "ceo@contoso.com", "imap", 403, "not granted"},
		{"role missing", idp.Mint(imapOnly.ClientID, nil), "shared@contoso.com", "pop3", 403, "role POP.AccessAsApp missing"},
		{"wrong audience", idp.Mint(app.ClientID, func(c map[string]any) { c["aud"] = "https://graph.microsoft.com" }), "shared@contoso.com", "imap", 403, "wrong audience"},
		{"expired", idp.Mint(app.ClientID, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }), "shared@contoso.com", "imap", 403, "expired"},
		{"bad signature", good[:len(good)-4] + "AAAA", "shared@contoso.com", "imap", 403, "signature"},
		{"unknown service", good, "shared@contoso.com", "smtp", 403, "unknown service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := validateHTTP(t, idp, tt.token, tt.user, tt.service)
			if status != tt.status || !strings.Contains(body, tt.reason) {
				t.Errorf("validate: %d %q, want %d with %q", status, body, tt.status, tt.reason)
			}
			if strings.Count(strings.TrimSuffix(body, "\n"), "\n") != 0 {
				t.Errorf("reason is not one line: %q", body)
			}
		})
	}
	if status, body := validateHTTP(t, idp, good, "shared@contoso.com", "imap"); status != 200 || body != "OK" {
		t.Errorf("exact OK body: %d %q", status, body)
	}
	if n := idp.TokenRequests(); n != 0 {
		t.Errorf("validation counted as token requests: %d", n)
	}
}

// TestValidateWithCurl asks the validate endpoint the way Dovecot's Lua passdb
// does: curl, trusting the CA file.
func TestValidateWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is not installed (CI must have it)")
		}
		t.Skip("curl is not installed")
	}
	idp := New(t)
	app := idp.AddApp(App{})
	idp.Grant(app.ClientID, "shared@contoso.com")
	tok := idp.Mint(app.ClientID, nil)
	run := func(user string) (string, string) {
		out, err := exec.Command(curl, "-sS", "--cacert", idp.CACertFile(), "-o", "-", "-w", "\n%{http_code}",
			"-H", "Authorization: Bearer "+tok, idp.ValidateURL()+"?user="+url.QueryEscape(user)+"&service=imap").Output()
		if err != nil {
			t.Fatalf("curl: %v", err)
		}
		i := strings.LastIndex(string(out), "\n")
		return string(out[:i]), string(out[i+1:])
	}
	if body, code := run("shared@contoso.com"); code != "200" || body != "OK" {
		t.Errorf("curl granted: %s %q", code, body)
	}
	if body, code := run("ceo@contoso.com"); code != "403" || !strings.Contains(body, "not granted") {
		t.Errorf("curl not granted: %s %q", code, body)
	}
}
