// Package auth is where Mailkeep's credentials come from and how they become a
// SASL exchange with a mail server.
//
// Two kinds of [Credentials] exist: [Entra] (Microsoft Entra ID client
// credentials through MSAL, signed in with SASL XOAUTH2) and [Password]
// (PLAIN). Secrets live in the OS keyring ([Keyring], addressed by a [SecretRef]
// that config files may hold) or, on machines without one, in an environment
// variable the SecretRef names. The doctor ([ExplainTokenError], [CheckClaims],
// [ExplainConnectError], [ExplainSignInError], [PowerShell]) turns each failure
// into one paragraph of advice: what it means and what to do.
//
// The one call most code needs:
//
//	e, err := auth.NewEntra(auth.EntraConfig{Tenant: t, ClientID: id, Secret: s})
//	...
//	c, err := e.SASL(ctx, "archive@contoso.com") // token cached until shortly before expiry
//	err = imapClient.Authenticate(c)
//	err = auth.SASLError(c, err) // adds the server's XOAUTH2 JSON reason, if any
//	if err != nil {
//		advice := auth.ExplainSignInError(err, "imap", true)
//		...
//	}
//
// Accounts that share an app registration should share its Entra (one MSAL
// client, one cached token): [EntraPool] does that.
//
// Secrets and tokens never appear in an error, a log line or a formatted value
// of this package's types.
package auth
