package archive

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailkeep/mailkeep/auth"
)

// FolderInfo is one folder of an account's mailbox on its server, for a
// folder picker.
type FolderInfo struct {
	Name string // as the server names it, hierarchy levels joined by Delim
	// Role is what the server says the folder is for: "sent", "drafts",
	// "trash", "junk", "archive", "all", "flagged", or "" for a plain folder.
	Role string
	// Included says whether the account, as its settings stand, archives the
	// folder (Folders, Exclude and DefaultExclude applied).
	Included bool
}

// Folders signs in to the account's server and lists the folders of its
// mailbox that can hold messages, in the server's order. A POP3 account has
// only its inbox, which is listed without connecting. Failures are what Run
// returns for the same cause: a refused sign-in is a *CredentialError with
// the doctor's advice; an unreachable server is explained as the doctor
// explains it, wrapping the network's error.
func Folders(ctx context.Context, acct Account, opt Options) ([]FolderInfo, error) {
	if err := acct.Validate(); err != nil {
		return nil, err
	}
	if acct.Protocol == POP3 {
		return []FolderInfo{{Name: "INBOX", Included: true}}, nil
	}
	opt = opt.withDefaults()
	r := &runner{acct: acct, opt: opt}
	if err := r.credentials(ctx); err != nil {
		return nil, err
	}
	c, err := DialIMAP(ctx, acct.Address(), acct.Security, opt.TLSConfig)
	if err != nil {
		advice := auth.ExplainConnectError(err, acct.Host)
		return nil, fmt.Errorf("%s (%w)", advice.String(), err)
	}
	defer c.Close()
	if err := r.signIn(ctx, c.Authenticate); err != nil {
		return nil, err
	}
	folders, err := c.Folders(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]FolderInfo, 0, len(folders))
	for _, f := range folders {
		out = append(out, FolderInfo{Name: f.Name, Role: folderRole(f.SpecialUse), Included: acct.includes(f.Name)})
	}
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c.Logout(lctx) // the list is in hand; a failed goodbye changes nothing
	return out, nil
}

// folderRole names a folder's special use (RFC 6154) in one plain word.
func folderRole(attrs []imap.MailboxAttr) string {
	for _, a := range attrs {
		switch a {
		case imap.MailboxAttrSent:
			return "sent"
		case imap.MailboxAttrDrafts:
			return "drafts"
		case imap.MailboxAttrTrash:
			return "trash"
		case imap.MailboxAttrJunk:
			return "junk"
		case imap.MailboxAttrArchive:
			return "archive"
		case imap.MailboxAttrAll:
			return "all"
		case imap.MailboxAttrFlagged:
			return "flagged"
		}
	}
	return ""
}
