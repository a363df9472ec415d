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
pf="$T/pf"
mkdir -p "$pf/conf" "$pf/queue" "$pf/data"
chown postfix "$pf/data"
sed -e 's/^smtp \{6\}inet .*/127.0.0.1:12526 inet n - n - - smtpd/' \
    -e 's/^\([a-z]* *\(unix\|fifo\|unix-dgram\) *[-n] *[-n]\) *y /\1 n /' /etc/postfix/master.cf > "$pf/conf/master.cf"
cp /etc/postfix/dynamicmaps.cf "$pf/conf/"
cat > "$pf/conf/main.cf" <<EOC
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
maillog_file = $pf/maillog
maillog_file_prefixes = $pf
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.org
mydomain = example.org
mydestination = example.org
mynetworks = 127.0.0.254/32
smtpd_peername_lookup = no
smtpd_relay_restrictions = check_policy_service inet:127.0.0.1:12531, reject_unauth_destination
EOC
tcpserver -HR -l0 127.0.0.1 12531 relaypolicy -v -d "$state" 2> "$T/policy.log" &
policypid=$!
on_exit "kill $policypid; postfix -c $pf/conf stop >/dev/null 2>&1"
postfix -c "$pf/conf" start >/dev/null 2>&1
up() { tcpclient 127.0.0.1 12526 true 2>/dev/null && tcpclient 127.0.0.1 12531 true 2>/dev/null; }
waitfor 20 up || { notok "Postfix did not start" "$(tail -5 "$pf/maillog" 2>/dev/null)"; exit 1; }

relay() {  # relay SOURCE-IP: Postfix's reply code to RCPT TO a foreign domain
  "$TOP/package/dialogue" "$1" 12526 "HELO client.test" "MAIL FROM:<a@example.org>" "RCPT TO:<b@elsewhere.test>" QUIT |
    sed -n '/> RCPT/{n;s/^  < //p;}' | cut -c1-3
}
check "Postfix relays for 127.0.0.81, which logged in" 250 "$(relay 127.0.0.81)"
check "Postfix refuses to relay for 127.0.0.82, which did not" 554 "$(relay 127.0.0.82)"
check "Postfix still delivers locally for 127.0.0.82" 250 "$("$TOP/package/dialogue" 127.0.0.82 12526 "HELO c.test" "MAIL FROM:<a@elsewhere.test>" "RCPT TO:<postmaster@example.org>" QUIT | sed -n '/> RCPT/{n;s/^  < //p;}' | cut -c1-3)"
checkgrep "relaypolicy logged its answer for 127.0.0.81" '^relaypolicy: info: OK 127\.0\.0\.81 relaygrant ' "$T/policy.log"
relaygrant -d "$state" -s 2 127.0.0.83 || notok "relaygrant 127.0.0.83"
check "a two-second grant for 127.0.0.83 relays" 250 "$(relay 127.0.0.83)"
sleep 3
check "and is refused once the grant is over" 554 "$(relay 127.0.0.83)"
relayrevoke -d "$state" 127.0.0.81
check "a revoked address is refused at once" 554 "$(relay 127.0.0.81)"
