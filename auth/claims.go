package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// exchangeAppID is the application ID of "Office 365 Exchange Online"; some
// tokens carry it as their audience instead of the URL.
const exchangeAppID = "00000002-0000-0ff1-ce00-000000000000"

// TokenClaims is what an access token says about itself, read without checking
// its signature (only the mail server can trust it; the doctor only reads it).
type TokenClaims struct {
	Audience string   `json:"aud"`
	Issuer   string   `json:"iss"`
	TenantID string   `json:"tid"`
	AppID    string   `json:"appid"` // v1 tokens
	AZP      string   `json:"azp"`   // v2 tokens
	Roles    []string `json:"roles"`
	Scope    string   `json:"scp"` // delegated tokens only
	ObjectID string   `json:"oid"`
	Expiry   int64    `json:"exp"`
}

// ParseClaims decodes the claims of a JWT access token without verifying it.
func ParseClaims(accessToken string) (TokenClaims, error) {
	parts := strings.Split(accessToken, ".")
	if len(parts) != 3 {
		return TokenClaims{}, fmt.Errorf("the access token is not a JWT (it has %d parts, not 3)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return TokenClaims{}, fmt.Errorf("the access token's claims are not base64url: %v", err)
	}
	var raw struct {
		TokenClaims
		Audience json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return TokenClaims{}, fmt.Errorf("the access token's claims are not JSON: %v", err)
	}
	c := raw.TokenClaims
	// aud is a string or an array of strings.
	var one string
	var many []string
	if json.Unmarshal(raw.Audience, &one) == nil {
		c.Audience = one
	} else if json.Unmarshal(raw.Audience, &many) == nil && len(many) > 0 {
		c.Audience = many[0]
	}
	return c, nil
}

// CheckClaims reads the token's claims (without trusting them) and reports
// what would make Exchange refuse it for protocol ("imap" or "pop3"): wrong
// audience, missing IMAP.AccessAsApp / POP.AccessAsApp role (a delegated
// permission instead of the application permission, or no admin consent),
// another tenant or app. Empty: nothing found.
func CheckClaims(accessToken string, protocol string, cfg EntraConfig) []Advice {
	c, err := ParseClaims(accessToken)
	if err != nil {
		return []Advice{{Step: StepClaims, Problem: "The token Microsoft returned cannot be read: " + err.Error() + ".",
			Fix: "Check that the authority host is Microsoft's sign-in service for your cloud, not a proxy or another service."}}
	}
	info, err := CloudFor(cfg.Cloud)
	if err != nil {
		info, _ = CloudFor(CloudGlobal)
	}
	var out []Advice

	wantAud := info.Audience()
	if !strings.EqualFold(strings.TrimSuffix(c.Audience, "/"), wantAud) && !strings.EqualFold(c.Audience, exchangeAppID) {
		out = append(out, Advice{Step: StepClaims,
			Problem: fmt.Sprintf("The token is for %q, not for Exchange Online (%s): the wrong scope was asked for.", c.Audience, wantAud),
			Fix:     fmt.Sprintf("Use the scope %s (remove any custom scope such as https://graph.microsoft.com/.default from the account's settings), and make sure the cloud matches the tenant.", info.Scope)})
	}

	role := "IMAP.AccessAsApp"
	other := "POP.AccessAsApp"
	if protocol == "pop3" {
		role, other = other, role
	}
	switch {
	case slices.Contains(c.Roles, role):
	case c.Scope != "":
		out = append(out, Advice{Step: StepClaims,
			Problem: fmt.Sprintf("The token carries delegated permissions (%s), not the application permission %s: it signs in as a user, which an unattended archiver cannot.", c.Scope, role),
			Fix: fmt.Sprintf("In App registrations, the app, API permissions: Add a permission, APIs my organization uses, Office 365 Exchange Online, Application permissions, %s; then Grant admin consent. "+
				"The delegated IMAP.AccessAsUser.All of Microsoft Graph does not work for app-only access.", role)})
	case len(c.Roles) == 0:
		out = append(out, Advice{Step: StepClaims,
			Problem: fmt.Sprintf("The token has no application roles: the app lacks the permission %s, or an administrator has not consented to it.", role),
			Fix: fmt.Sprintf("In App registrations, the app, API permissions: add Office 365 Exchange Online, Application permissions, %s (not the delegated IMAP.AccessAsUser.All of Microsoft Graph), "+
				"then select 'Grant admin consent'. The status column must show a green check.", role)})
	default:
		fix := fmt.Sprintf("Add the application permission %s of Office 365 Exchange Online in the app's API permissions and grant admin consent.", role)
		if slices.Contains(c.Roles, other) {
			fix = fmt.Sprintf("The app has %s, which is for the other protocol. ", other) + fix
		}
		out = append(out, Advice{Step: StepClaims,
			Problem: fmt.Sprintf("The token's roles (%s) do not include %s, which %s access needs.", strings.Join(c.Roles, ", "), role, strings.ToUpper(protocol)),
			Fix:     fix})
	}

	if t := strings.TrimSpace(cfg.Tenant); looksLikeGUID(t) && c.TenantID != "" && !strings.EqualFold(c.TenantID, t) {
		out = append(out, Advice{Step: StepClaims,
			Problem: fmt.Sprintf("The token was issued by tenant %s, not by the configured tenant %s.", c.TenantID, t),
			Fix:     "Use the Directory (tenant) ID of the organisation whose mailboxes are archived; a multi-tenant app must be signed in to that tenant."})
	}
	app := c.AppID
	if app == "" {
		app = c.AZP
	}
	if id := strings.TrimSpace(cfg.ClientID); id != "" && app != "" && !strings.EqualFold(app, id) {
		out = append(out, Advice{Step: StepClaims,
			Problem: fmt.Sprintf("The token belongs to app %s, not to the configured client ID %s.", app, id),
			Fix:     "Check the Application (client) ID on the app's Overview page."})
	}
	if c.Expiry != 0 && time.Unix(c.Expiry, 0).Before(time.Now()) {
		out = append(out, Advice{Step: StepClaims,
			Problem: "The token has already expired.",
			Fix:     "Check this computer's clock (automatic time synchronisation) and try again."})
	}
	return out
}
