#!/bin/bash
# relaypolicy: Postfix's SMTP access policy delegation, first on its own
# (many requests on one connection), then for a real Postfix on loopback:
# a relay from an address that logged in is accepted, from another
# refused, and refused again once the grant is over.
. "$(dirname "$0")/lib.sh"
state=$(newstate)
now=$(date +%s)

request() {  # request CLIENT-ADDRESS: one policy request as Postfix sends it
  printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\nclient_address=%s\nclient_name=unknown\nsender=a@example.org\nrecipient=b@elsewhere.test\n\n' "$1"
}

relaygrant -d "$state" -s 600 127.0.0.81 || notok "relaygrant 127.0.0.81"
echo 10.9.0.0/16 > "$state/allow"
{ request 127.0.0.81; request 127.0.0.82; request ::ffff:127.0.0.81; request 10.9.8.7; request 1.2.3.999; } |
  relaypolicy -d "$state" > "$T/answers" 2> "$T/err"
check "five requests on one connection get five answers, in order" \
  "action=OK action=DUNNO action=OK action=OK action=DUNNO" "$(grep . "$T/answers" | tr '\n' ' ' | sed 's/ $//')"
checkgrep "an invalid client_address is a warning naming it" '^relaypolicy: warning: invalid client_address: 1\.2\.3\.999$' "$T/err"
checkrun "a line without = is a protocol error (100)" 100 'relaypolicy: fatal: unable to parse the request: a line without =' \
  sh -c 'printf "request=smtpd_access_policy\ngarbage\n\n" | relaypolicy -d '"$state"
checkrun "usage error (100)" 100 'relaypolicy: usage: relaypolicy .*' relaypolicy -x
request 127.0.0.81 | relaypolicy -d "$T/nonexistent" > "$T/out" 2> "$T/err"
check "a missing state directory answers DUNNO" "action=DUNNO" "$(head -1 "$T/out")"
checkgrep "and says why" '^relaypolicy: warning: unable to read .*nonexistent' "$T/err"

# a real Postfix
if ! needcmd postfix || ! [ -x /usr/lib/postfix/sbin/master ]; then
  skip "relaying through a real Postfix" "postfix is not installed (package/test installs it)"; exit 0
fi
isroot || { skip "relaying through a real Postfix" "needs root to start a Postfix instance"; exit 0; }
tcpserver -HR -l0 127.0.0.1 12531 relaypolicy -v -d "$state" 2> "$T/policy.log" &
policypid=$!
on_exit "kill $policypid"
postfix_start "$T/pf" 12526 <<EOC || { notok "Postfix did not start" "$(tail -5 "$T/pf/maillog" 2>/dev/null)"; exit 1; }
smtpd_relay_restrictions = check_policy_service inet:127.0.0.1:12531, reject_unauth_destination
EOC
relay() { rcptcode "$1" 12526; }
check "Postfix relays for 127.0.0.81, which logged in" 250 "$(relay 127.0.0.81)"
check "Postfix refuses to relay for 127.0.0.82, which did not" 554 "$(relay 127.0.0.82)"
check "Postfix still delivers locally for 127.0.0.82" 250 "$(rcptcode 127.0.0.82 12526 postmaster@example.org)"
checkgrep "relaypolicy logged its answer for 127.0.0.81" '^relaypolicy: info: OK 127\.0\.0\.81 relaygrant ' "$T/policy.log"
relaygrant -d "$state" -s 2 127.0.0.83 || notok "relaygrant 127.0.0.83"
check "a two-second grant for 127.0.0.83 relays" 250 "$(relay 127.0.0.83)"
sleep 3
check "and is refused once the grant is over" 554 "$(relay 127.0.0.83)"
relayrevoke -d "$state" 127.0.0.81
check "a revoked address is refused at once" 554 "$(relay 127.0.0.81)"
