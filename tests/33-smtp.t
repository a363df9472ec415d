#!/bin/bash
# End to end with a real SMTP server that honours RELAYCLIENT: mailfront's
# smtpfront-echo under tcpserver, behind relaylock.  With PLUGINS
# accept-sender:relayclient, mailfront accepts any sender, and a recipient
# only if RELAYCLIENT is set (plugin-relayclient.html); no other plugin
# accepts recipients, so without RELAYCLIENT a foreign domain gets 550.
# Real SMTP conversations with Net::SMTP from distinct 127.0.0.x.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/smtp/common.sh"

[ -x "$TOP/relaylock" ] || { notok "relaylock is not built"; exit 1; }
for c in tcpserver perl; do
  needcmd $c || { skip "SMTP end to end" "$c is not installed (package/test installs it)"; exit 0; }
done
SMTPD=$(command -v smtpfront-echo || echo /usr/sbin/smtpfront-echo)
[ -x "$SMTPD" ] || { skip "SMTP end to end" "smtpfront-echo (mailfront) is not installed"; exit 0; }
perl -MNet::SMTP -e 1 2>/dev/null || { skip "SMTP end to end" "perl's Net::SMTP is missing"; exit 0; }

try() { "$SMTPDIR/relaytry" 127.0.0.1 "$1" "$2" "${3:-someone@foreign.example}" 2>>"$T/relaytry.err" || cat "$T/relaytry.err"; }

now=$(date +%s)
d=$(newstate)
echo 900 > "$d/grace"
echo '127.0.0.44/32   # the office' > "$d/allow"
{
  rec + $((now - 60)) 0 127.0.0.41 dovecot/imap alice
  rec + $((now - 5000)) 0 127.0.0.43 dovecot/pop3 bob
} >> "$d/journal"

if ! startserver smtp tcpserver 127.0.0.1 relaylock -v -d "$d" env PLUGINS=accept-sender:relayclient "$SMTPD"; then
  notok "tcpserver with relaylock and smtpfront-echo did not start" "$(cat "$T/smtp.err")"; exit 1
fi
p=$port_smtp
check "relay from 127.0.0.41 (logged in 60 s ago) is accepted, message and all" accepted "$(try $p 127.0.0.41)"
check "relay from 127.0.0.42 (never logged in) is refused" "refused 550" "$(try $p 127.0.0.42)"
check "relay from 127.0.0.43 (login 5000 s ago, grace 900) is refused" "refused 550" "$(try $p 127.0.0.43)"
check "relay from 127.0.0.44 (static network in allow) is accepted" accepted "$(try $p 127.0.0.44)"
check "relay from 127.0.0.45 before relaygrant is refused" "refused 550" "$(try $p 127.0.0.45)"
relaygrant -d "$d" -s 300 -u admin 127.0.0.45
check "relay from 127.0.0.45 right after relaygrant is accepted" accepted "$(try $p 127.0.0.45)"
relayrevoke -d "$d" 127.0.0.45
check "relay from 127.0.0.45 right after relayrevoke is refused" "refused 550" "$(try $p 127.0.0.45)"
relayrevoke -d "$d" 127.0.0.41
check "relay from 127.0.0.41 after relayrevoke is refused" "refused 550" "$(try $p 127.0.0.41)"
e="$T/smtp.err"
checkgrep "mailfront saw the relayed recipient" 'RCPT TO:<someone@foreign\.example>' "$e"
checkgrep "mailfront received the message from an allowed client" 'Received|bytes' "$e"
checkgrep "relaylock logged the allow of 127.0.0.41" '^relaylock: info: allow 127\.0\.0\.41 dovecot/imap alice [0-9]+s ago$' "$e"
checkgrep "relaylock logged the deny of 127.0.0.42" '^relaylock: info: deny 127\.0\.0\.42$' "$e"
checkgrep "relaylock logged the static network" '^relaylock: info: allow 127\.0\.0\.44 network 127\.0\.0\.44/32$' "$e"

# -r: mailfront appends RELAYCLIENT to the recipient
if startserver suffix tcpserver 127.0.0.1 relaylock -r .relayed -d "$d" env PLUGINS=accept-sender:relayclient "$SMTPD"; then
  check "with -r .relayed, relay from 127.0.0.44 is accepted" accepted \
    "$("$SMTPDIR/relaytry" 127.0.0.1 $port_suffix 127.0.0.44 someone@foreign.example 2>"$T/rcpt")"
  checkgrep "mailfront appended the -r value to the recipient" "^relaytry: info: RCPT reply: 250 Recipient='someone@foreign\.example\.relayed'" "$T/rcpt"
else
  notok "tcpserver for -r did not start" "$(cat "$T/suffix.err")"
fi

# a broken state directory does not stop mail: the conversation happens,
# relaying is refused, and the SMTP log says why
b=$(newstate); cp "$d/journal" "$b/journal"; printf 'garbage' > "$b/snapshot.cdb"
if startserver broken tcpserver 127.0.0.1 relaylock -d "$b" env PLUGINS=accept-sender:relayclient "$SMTPD"; then
  check "corrupt snapshot: the SMTP server still answers (relay refused, not dropped)" "refused 550" "$(try $port_broken 127.0.0.41)"
  checkgrep "corrupt snapshot: relaylock's warning is in the SMTP log" "^relaylock: warning: unable to read $b/snapshot\\.cdb: " "$T/broken.err"
else
  notok "tcpserver for the broken state did not start" "$(cat "$T/broken.err")"
fi
if startserver nostate tcpserver 127.0.0.1 relaylock -d "$T/no-such-dir" env PLUGINS=accept-sender:relayclient "$SMTPD"; then
  check "missing state directory: the SMTP server still answers" "refused 550" "$(try $port_nostate 127.0.0.41)"
  checkgrep "missing state directory: the warning names it" "^relaylock: warning: unable to read the state directory $T/no-such-dir: " "$T/nostate.err"
else
  notok "tcpserver for the missing state did not start" "$(cat "$T/nostate.err")"
fi
