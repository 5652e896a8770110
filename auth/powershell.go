package auth

import (
	"fmt"
	"slices"
	"strings"
)

// PowerShellParams are the values PowerShell fills in.
type PowerShellParams struct {
	Tenant, ClientID         string
	ServicePrincipalObjectID string // the Enterprise application's object ID; empty: looked up by the script
	DisplayName              string // how Exchange lists the app; empty: "Mailkeep"
	Mailboxes                []string
	Protocols                []string // "imap", "pop3"; empty: both
	Cloud                    Cloud    // for Connect-ExchangeOnline / Connect-MgGraph; empty: global
}

// psQuote quotes s as a PowerShell single-quoted string: nothing in it is
// expanded.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// PowerShell returns the exact Exchange Online PowerShell an administrator must
// run so that the app may read the mailboxes over IMAP/POP: register the
// app's service principal in Exchange, grant each mailbox, and switch the
// protocols on.
func PowerShell(p PowerShellParams) string {
	name := p.DisplayName
	if name == "" {
		name = "Mailkeep"
	}
	protocols := p.Protocols
	if len(protocols) == 0 {
		protocols = []string{"imap", "pop3"}
	}
	exoEnv, graphEnv := "", ""
	switch p.Cloud {
	case CloudUSGov:
		exoEnv, graphEnv = " -ExchangeEnvironmentName O365USGovGCCHigh", " -Environment USGov"
	case CloudChina:
		exoEnv, graphEnv = " -ExchangeEnvironmentName O365China", " -Environment China"
	}

	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("# Mailkeep: give the app %s read access to %d mailbox(es) over %s.", psQuote(name), len(p.Mailboxes), strings.ToUpper(strings.Join(protocols, "/")))
	line("# Run in PowerShell as an Exchange administrator. Changes can take 30-60 minutes to take effect.")
	line("# Needs the module ExchangeOnlineManagement (Install-Module ExchangeOnlineManagement).")
	line("")
	line("$TenantId = %s", psQuote(p.Tenant))
	line("$AppId    = %s", psQuote(p.ClientID))
	line("")
	if p.ServicePrincipalObjectID != "" {
		line("# The object ID of the app's Enterprise application (service principal),")
		line("# not the object ID shown under App registrations.")
		line("$ServicePrincipalId = %s", psQuote(p.ServicePrincipalObjectID))
	} else {
		line("# Look up the object ID of the app's Enterprise application (service principal);")
		line("# the object ID shown under App registrations is a different one and does not work.")
		line("# With Microsoft Graph PowerShell (Install-Module Microsoft.Graph.Applications):")
		line("Connect-MgGraph -TenantId $TenantId -Scopes 'Application.Read.All'%s", graphEnv)
		line("$ServicePrincipalId = (Get-MgServicePrincipal -Filter \"appId eq '$AppId'\").Id")
		line("# Or, with the older AzureAD module:")
		line("#   Connect-AzureAD -TenantId $TenantId")
		line("#   $ServicePrincipalId = (Get-AzureADServicePrincipal -Filter \"AppId eq '$AppId'\").ObjectId")
		line("if (-not $ServicePrincipalId) { throw 'No Enterprise application for this app ID: grant admin consent to the app first.' }")
	}
	line("")
	line("Connect-ExchangeOnline -Organization $TenantId%s", exoEnv)
	line("")
	line("# 1. Register the app's service principal in Exchange Online (once per app).")
	line("if (-not (Get-ServicePrincipal -Identity $ServicePrincipalId -ErrorAction SilentlyContinue)) {")
	line("    New-ServicePrincipal -AppId $AppId -ObjectId $ServicePrincipalId -DisplayName %s", psQuote(name))
	line("}")
	line("")
	line("# 2. Grant each mailbox (one line per mailbox: a group cannot be granted).")
	if len(p.Mailboxes) == 0 {
		line("# (no mailbox given) Add-MailboxPermission -Identity 'mailbox@example.com' -User $ServicePrincipalId -AccessRights FullAccess")
	}
	for _, m := range p.Mailboxes {
		line("Add-MailboxPermission -Identity %s -User $ServicePrincipalId -AccessRights FullAccess", psQuote(m))
	}
	line("")
	line("# 3. Make sure the protocols are switched on for each mailbox.")
	var flags []string
	if slices.Contains(protocols, "imap") {
		flags = append(flags, "-ImapEnabled $true")
	}
	if slices.Contains(protocols, "pop3") || slices.Contains(protocols, "pop") {
		flags = append(flags, "-PopEnabled $true")
	}
	for _, m := range p.Mailboxes {
		line("Set-CASMailbox -Identity %s %s", psQuote(m), strings.Join(flags, " "))
	}
	line("")
	line("# Check: the service principal and its mailbox permissions.")
	line("Get-ServicePrincipal -Identity $ServicePrincipalId | Format-List DisplayName,AppId,ObjectId")
	for _, m := range p.Mailboxes {
		line("Get-MailboxPermission -Identity %s -User $ServicePrincipalId", psQuote(m))
	}
	return b.String()
}
