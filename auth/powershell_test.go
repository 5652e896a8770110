package auth

import (
	"strings"
	"testing"
)

func TestPowerShell(t *testing.T) {
	base := PowerShellParams{
		Tenant:    "8b5a1b7e-2a4f-4c2e-9d3e-1f2a3b4c5d6e",
		ClientID:  "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00",
		Mailboxes: []string{"sales@contoso.com", "o'brien@contoso.com"},
	}
	tests := []struct {
		name    string
		change  func(*PowerShellParams)
		want    []string
		notWant []string
	}{
		{name: "lookup service principal, both protocols", change: func(*PowerShellParams) {},
			want: []string{
				"$TenantId = '8b5a1b7e-2a4f-4c2e-9d3e-1f2a3b4c5d6e'",
				"$AppId    = '0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00'",
				"Get-MgServicePrincipal -Filter \"appId eq '$AppId'\"",
				"Get-AzureADServicePrincipal",
				"Connect-ExchangeOnline -Organization $TenantId\n",
				"New-ServicePrincipal -AppId $AppId -ObjectId $ServicePrincipalId -DisplayName 'Mailkeep'",
				"Add-MailboxPermission -Identity 'sales@contoso.com' -User $ServicePrincipalId -AccessRights FullAccess",
				"Add-MailboxPermission -Identity 'o''brien@contoso.com' -User $ServicePrincipalId -AccessRights FullAccess",
				"Set-CASMailbox -Identity 'sales@contoso.com' -ImapEnabled $true -PopEnabled $true",
			}},
		{name: "known service principal, imap only", change: func(p *PowerShellParams) {
			p.ServicePrincipalObjectID = "6f1e2d3c-4b5a-4968-8776-655443322110"
			p.Protocols = []string{"imap"}
			p.DisplayName = "Archive's app"
		},
			want: []string{
				"$ServicePrincipalId = '6f1e2d3c-4b5a-4968-8776-655443322110'",
				"-DisplayName 'Archive''s app'",
				"Set-CASMailbox -Identity 'sales@contoso.com' -ImapEnabled $true\n",
			},
			notWant: []string{"Get-MgServicePrincipal", "-PopEnabled"}},
		{name: "us government", change: func(p *PowerShellParams) { p.Cloud = CloudUSGov },
			want: []string{"-ExchangeEnvironmentName O365USGovGCCHigh", "-Environment USGov"}},
		{name: "china", change: func(p *PowerShellParams) { p.Cloud = CloudChina; p.Protocols = []string{"pop3"} },
			want:    []string{"-ExchangeEnvironmentName O365China", "-PopEnabled $true"},
			notWant: []string{"-ImapEnabled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			tt.change(&p)
			got := PowerShell(p)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("script lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("script has %q:\n%s", w, got)
				}
			}
			if n := strings.Count(got, "Add-MailboxPermission -Identity"); n != len(p.Mailboxes) {
				t.Errorf("%d Add-MailboxPermission lines, want one per mailbox (%d)", n, len(p.Mailboxes))
			}
		})
	}
}

// TestPowerShellQuoting: values cannot break out of their quotes.
func TestPowerShellQuoting(t *testing.T) {
	evil := "x'; Remove-Mailbox -Identity ceo@contoso.com; '"
	got := PowerShell(PowerShellParams{Tenant: evil, ClientID: evil, Mailboxes: []string{evil}})
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		// Outside single-quoted strings no "Remove-Mailbox" may remain.
		var outside strings.Builder
		in := false
		for i := 0; i < len(line); i++ {
			switch {
			case line[i] == '\'' && in && i+1 < len(line) && line[i+1] == '\'':
				i++
			case line[i] == '\'':
				in = !in
			case !in:
				outside.WriteByte(line[i])
			}
		}
		if strings.Contains(outside.String(), "Remove-Mailbox") {
			t.Errorf("injected command outside quotes: %s", line)
		}
	}
}
