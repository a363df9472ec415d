#!/bin/bash
# End to end with a real SMTP server that honours RELAYCLIENT: Debian's
# qpsmtpd (in Debian 12 and 13) under tcpserver, behind relaylock, run by
# package/qpsmtpd-tcpserver with package/qpsmtpd-conf's plugins:
# relayclient (ours: RELAYCLIENT set, even empty, makes a relay client),
# rcpt_ok (others may send to example.org only: a foreign domain gets
# 550) and queue/maildir (the message lands in a Maildir of the test).
# Real SMTP conversations with Net::SMTP from distinct 127.0.0.x.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/smtp/common.sh"

[ -x "$TOP/relaylock" ] || { notok "relaylock is not built"; exit 1; }
for c in tcpserver perl; do
  needcmd $c || { skip "SMTP end to end" "$c is not installed (package/test installs it)"; exit 0; }
done
perl -MNet::SMTP -e 1 2>/dev/null || { skip "SMTP end to end" "perl's Net::SMTP is missing"; exit 0; }
qpsmtpd_setup smtp || { skip "SMTP end to end" "$SMTPD_WHY"; exit 0; }

try() { "$SMTPDIR/relaytry" 127.0.0.1 "$1" "$2" "${3:-someone@foreign.example}" 2>>"$T/relaytry.err" || cat "$T/relaytry.err"; }

now=$(date +%s)
d=$(newstate)
echo 900 > "$d/grace"
echo '127.0.0.44/32   # the office' > "$d/allow"
{
  rec + $((now - 60)) 0 127.0.0.41 dovecot/imap alice
  rec + $((now - 5000)) 0 127.0.0.43 dovecot/pop3 bob
} >> "$d/journal"

if ! startserver smtp tcpserver 127.0.0.1 relaylock -v -d "$d" $SMTPD; then
  notok "tcpserver with relaylock and qpsmtpd did not start" "$(cat "$T/smtp.err")"; exit 1
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
check "relay from 127.0.0.42 to example.org (qpsmtpd's rcpthosts) is accepted" accepted "$(try $p 127.0.0.42 someone@example.org)"
e="$T/smtp.err"
checkgrep "qpsmtpd answered the relayed recipient" 'rcpt_ok: skip, relay client' "$e"
checkgrep "qpsmtpd refused the others: Relaying denied" '550 Relaying denied' "$e"
check "qpsmtpd queued the three relayed messages and the local one into its Maildir" 4 "$(ls "$T/smtp/Maildir/new" | wc -l)"
check "the relayed ones are to the foreign recipient" 3 "$(grep -l '^Delivered-To: someone@foreign\.example$' "$T"/smtp/Maildir/new/* | wc -l)"
checkgrep "relaylock logged the allow of 127.0.0.41" '^relaylock: info: allow 127\.0\.0\.41 dovecot/imap alice [0-9]+s ago$' "$e"
checkgrep "relaylock logged the deny of 127.0.0.42" '^relaylock: info: deny 127\.0\.0\.42$' "$e"
checkgrep "relaylock logged the static network" '^relaylock: info: allow 127\.0\.0\.44 network 127\.0\.0\.44/32$' "$e"

# RELAYCLIENT set by the tcprules of the service, empty: relaylock keeps
# it, and qpsmtpd relays (its own relay plugin would not: the value is false)
if startserver preset tcpserver 127.0.0.1 env RELAYCLIENT= relaylock -v -d "$d" $SMTPD; then
  check "RELAYCLIENT=\"\" set before relaylock: relay from 127.0.0.42 is accepted" accepted "$(try $port_preset 127.0.0.42)"
  checkgrep "relaylock kept it" '^relaylock: info: keep RELAYCLIENT already set$' "$T/preset.err"
else
  notok "tcpserver with RELAYCLIENT set did not start" "$(cat "$T/preset.err")"
fi

# -r: qmail-smtpd appends RELAYCLIENT to the recipient; qpsmtpd does not
if qpsmtpd_setup suffix && startserver suffix tcpserver 127.0.0.1 relaylock -r .relayed -d "$d" $SMTPD; then
  check "with -r .relayed, relay from 127.0.0.44 is accepted" accepted \
    "$("$SMTPDIR/relaytry" 127.0.0.1 $port_suffix 127.0.0.44 someone@foreign.example 2>"$T/rcpt")"
  check "qpsmtpd appends nothing to the recipient" "Delivered-To: someone@foreign.example" \
    "$(cat "$T"/suffix/Maildir/new/* | grep '^Delivered-To:')"
else
  notok "tcpserver for -r did not start" "$(cat "$T/suffix.err")"
fi

# a broken state directory does not stop mail: the conversation happens,
# relaying is refused, and the SMTP log says why
b=$(newstate); cp "$d/journal" "$b/journal"; printf 'garbage' > "$b/snapshot.cdb"
if startserver broken tcpserver 127.0.0.1 relaylock -d "$b" $SMTPD; then
  check "corrupt snapshot: the SMTP server still answers (relay refused, not dropped)" "refused 550" "$(try $port_broken 127.0.0.41)"
  checkgrep "corrupt snapshot: relaylock's warning is in the SMTP log" "^relaylock: warning: unable to read $b/snapshot\\.cdb: " "$T/broken.err"
else
  notok "tcpserver for the broken state did not start" "$(cat "$T/broken.err")"
fi
if startserver nostate tcpserver 127.0.0.1 relaylock -d "$T/no-such-dir" $SMTPD; then
  check "missing state directory: the SMTP server still answers" "refused 550" "$(try $port_nostate 127.0.0.41)"
  checkgrep "missing state directory: the warning names it" "^relaylock: warning: unable to read the state directory $T/no-such-dir: " "$T/nostate.err"
else
  notok "tcpserver for the missing state did not start" "$(cat "$T/nostate.err")"
fi
