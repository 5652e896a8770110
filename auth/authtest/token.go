package authtest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// claimsFor are the claims of an app-only token for resource, as Entra ID
// issues them for Exchange Online (a v1 token).
func (p *IdP) claimsFor(app App, resource string, now time.Time, lifetime time.Duration) jwt.MapClaims {
	aud := resource
	if app.Audience != "" {
		aud = app.Audience
	}
	c := jwt.MapClaims{
		"aud":             aud,
		"iss":             "https://sts.windows.net/" + app.Tenant + "/",
		"iat":             now.Unix(),
		"nbf":             now.Unix(),
		"exp":             now.Add(lifetime).Unix(),
		"aio":             randomID(),
		"app_displayname": app.DisplayName,
		"appid":           app.ClientID,
		"appidacr":        "1",
		"idp":             "https://sts.windows.net/" + app.Tenant + "/",
		"idtyp":           "app",
		"oid":             app.ObjectID,
		"rh":              "0.A" + randomID()[:12],
		"sid":             randomID(),
		"sub":             app.ObjectID,
		"tid":             app.Tenant,
		"uti":             randomID()[:22],
		"ver":             "1.0",
		"wids":            []string{"0997a1d0-0d1d-4acb-b408-d5ca73121e90"},
	}
	if app.Cert != nil {
		c["appidacr"] = "2"
	}
	isExchange := strings.HasPrefix(resource, "https://outlook.") || resource == "https://partner.outlook.cn"
	switch {
	case app.Delegated != "":
		c["scp"] = app.Delegated
		c["idtyp"] = "user"
	case isExchange && len(app.Roles) > 0:
		c["roles"] = slices.Clone(app.Roles)
	}
	return c
}

func (p *IdP) sign(c jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = p.kid
	t.Header["x5t"] = p.kid
	return t.SignedString(p.key)
}

func (p *IdP) issue(app App, resource string) (string, time.Duration, error) {
	p.mu.Lock()
	now, lifetime := p.now(), p.lifetime
	p.mu.Unlock()
	tok, err := p.sign(p.claimsFor(app, resource, now, lifetime))
	if err == nil {
		p.mu.Lock()
		p.issued++
		p.tokens = append(p.tokens, tok)
		p.mu.Unlock()
	}
	return tok, lifetime, err
}

// Mint returns a signed token for a registered app as the token endpoint would
// issue it for Exchange Online, after change (if not nil) has edited its
// claims: for tests of wrong audiences, missing roles, other tenants, expired
// tokens. It does not count as a token request.
func (p *IdP) Mint(clientID string, change func(claims map[string]any)) string {
	p.t.Helper()
	p.mu.Lock()
	appp := p.apps[strings.ToLower(clientID)]
	now, lifetime := p.now(), p.lifetime
	p.mu.Unlock()
	if appp == nil {
		p.t.Fatalf("authtest: Mint: no app %s", clientID)
	}
	c := p.claimsFor(*appp, ExchangeAudience, now, lifetime)
	if change != nil {
		change(c)
	}
	tok, err := p.sign(c)
	if err != nil {
		p.t.Fatalf("authtest: Mint: %v", err)
	}
	return tok
}

// Validate checks what Exchange checks before it opens mailbox user for
// service ("imap" or "pop3") with token: the signature, the time, the
// audience, the role for the service, and the mailbox grant to the token's
// app. The error is one line saying which check failed.
func (p *IdP) Validate(token, user, service string) error {
	var role string
	switch service {
	case "imap":
		role = RoleIMAP
	case "pop3":
		role = RolePOP
	default:
		return fmt.Errorf("unknown service %q (want imap or pop3)", service)
	}
	if token == "" {
		return errors.New("no bearer token")
	}
	p.mu.Lock()
	aud := p.audience
	p.mu.Unlock()
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return &p.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(p.clock), jwt.WithExpirationRequired())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return errors.New("token expired")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return errors.New("token not valid yet")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return errors.New("token signature invalid")
	case err != nil:
		return fmt.Errorf("token invalid: %s", strings.ReplaceAll(err.Error(), "\n", " "))
	}
	gotAud, _ := claims.GetAudience()
	if !slices.Contains(gotAud, aud) {
		return fmt.Errorf("wrong audience %q (want %q)", strings.Join(gotAud, ","), aud)
	}
	var roles []string
	if rs, ok := claims["roles"].([]any); ok {
		for _, r := range rs {
			if s, ok := r.(string); ok {
				roles = append(roles, s)
			}
		}
	}
	if !slices.Contains(roles, role) {
		return fmt.Errorf("role %s missing (roles: %s)", role, strings.Join(roles, ","))
	}
	appid, _ := claims["appid"].(string)
	p.mu.Lock()
	granted := p.grants[strings.ToLower(appid)][strings.ToLower(user)]
	p.mu.Unlock()
	if !granted {
		return fmt.Errorf("mailbox %s not granted to app %s", user, appid)
	}
	return nil
}
