package archivetest

import (
	"fmt"
	"strings"
	"text/template"
)

// dovecotConfig is a whole dovecot.conf (2.3 syntax) for one test instance.
// Everything it touches lives under Dir. Root rules that Dovecot enforces:
// login processes run as dovenull, internal processes and mail as dovecot.
var dovecotConfig = template.Must(template.New("dovecot.conf").Parse(`# Written by archivetest for one test; see archive/archivetest/dovecot.go.
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
log_path = {{.Dir}}/dovecot.log
instance_name = mailkeep-test-{{.ID}}
protocols = imap pop3
listen = 127.0.0.1
shutdown_clients = yes

default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = {{.UID}}
first_valid_gid = {{.GID}}

ssl = yes
ssl_cert = <{{.Dir}}/tls/server.pem
ssl_key = <{{.Dir}}/tls/server.key
disable_plaintext_auth = no

auth_mechanisms = plain login xoauth2 oauthbearer
auth_verbose = yes
auth_verbose_passwords = no
auth_cache_size = 0
# Tests fail sign-ins on purpose; real servers wait 2 s before saying no.
auth_failure_delay = 0

# Password users first; whoever it does not know (or whose "password" is a
# bearer token) falls through to the Lua passdb, which asks the test identity
# provider whether the token grants this mailbox for this service.
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{.Dir}}/passwd
}
passdb {
  driver = lua
  args = file={{.Dir}}/auth.lua blocking=yes
}
userdb {
  driver = static
  args = uid={{.UID}} gid={{.GID}} home={{.Dir}}/mail/%u allow_all_users=yes
}

# Mailbox names are stored on disk in UTF-8 (not modified UTF-7), so
# Deliver and CreateFolder can name folders as a person would.
mail_location = maildir:~/Maildir:UTF-8
namespace inbox {
  inbox = yes
  separator = /
  mailbox "Sent Items" {
    special_use = \Sent
  }
}
mail_max_userip_connections = 100

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = {{.IMAPPort}}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = {{.IMAPSPort}}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = {{.POP3Port}}
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = {{.POP3SPort}}
    ssl = yes
  }
}
# Failed logins from 127.0.0.1 would otherwise slow every later login of the
# test run by up to 15 s (anvil's auth penalty).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`))

type dovecotConfigData struct {
	Dir                                      string
	ID                                       string
	UID, GID                                 int
	IMAPPort, IMAPSPort, POP3Port, POP3SPort int
}

// authLua is the Lua passdb. For a bearer token (XOAUTH2, OAUTHBEARER) Dovecot
// hands the token over as the password; the script asks the identity
// provider's validation endpoint with curl. The token goes to curl on its
// standard input (-H @-), never on a command line.
var authLua = template.Must(template.New("auth.lua").Parse(`-- Written by archivetest; see archive/archivetest/dovecot.go.
local validate_url = {{.URL}}
local ca_file = {{.CAFile}}
local curl = {{.Curl}}

local function q(s)
  return "'" .. string.gsub(s, "'", "'\\''") .. "'"
end

local function slurp(path)
  local f = io.open(path, "r")
  if f == nil then return "" end
  local s = f:read("a") or ""
  f:close()
  return s
end

function auth_passdb_lookup(req)
  return dovecot.auth.PASSDB_RESULT_USER_UNKNOWN, "no lookup without a password"
end

function auth_password_verify(req, pass)
  if validate_url == "" then
    return dovecot.auth.PASSDB_RESULT_USER_UNKNOWN, "no identity provider configured"
  end
  local body = os.tmpname()
  local code = os.tmpname()
  local tls = "-k"
  if ca_file ~= "" then tls = "--cacert " .. q(ca_file) end
  local cmd = curl .. " -sS -G --max-time 10 " .. tls ..
    " -H @- -o " .. q(body) .. " -w '%{http_code}'" ..
    " --data-urlencode " .. q("user=" .. req.user) ..
    " --data-urlencode " .. q("service=" .. req.service) ..
    " " .. q(validate_url) .. " > " .. q(code)
  local p = io.popen(cmd, "w")
  p:write("Authorization: Bearer " .. pass .. "\n")
  p:close()
  local status = slurp(code)
  local reason = string.gsub(slurp(body), "%s+$", "")
  os.remove(body)
  os.remove(code)
  if status == "200" and string.sub(reason, 1, 2) == "OK" then
    return dovecot.auth.PASSDB_RESULT_OK, ""
  end
  return dovecot.auth.PASSDB_RESULT_PASSWORD_MISMATCH, "identity provider said " .. status .. ": " .. reason
end
`))

type authLuaData struct{ URL, CAFile, Curl string }

// luaString quotes s as a Lua string literal.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range []byte(s) {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\%03d", r)
		default:
			b.WriteByte(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
