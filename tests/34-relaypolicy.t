#!/bin/bash
# relaypolicy on its own: what -v says of each decision (the longest
# user name a record can hold, every byte escaped), and how it reads its
# input: a line longer than 64 KB is refused as it arrives (memory
# measured), and input that ends inside a request is a protocol error
# (100), as doc/relaypolicy.html says.
. "$(dirname "$0")/lib.sh"
state=$(newstate)

request() {  # request CLIENT-ADDRESS: one policy request as Postfix sends it
  printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=%s\nrecipient=b@elsewhere.test\n\n' "$1"
}

echo '--- -v: one line per decision, the user as the records write it'
pct=$(printf '%%%.0s' $(seq 64))      # 64 bytes, each written %25: 192 bytes of text
relaygrant -d "$state" -s 600 -u "$pct" 127.0.0.91 || notok "relaygrant 127.0.0.91"
relaygrant -d "$state" -s 600 -u "$(printf 'a b\tc')" 127.0.0.92 || notok "relaygrant 127.0.0.92"
echo 10.9.0.0/16 > "$state/allow"
esc=$(printf '%%25%.0s' $(seq 64))
{ request 127.0.0.91; request 127.0.0.92; request 10.9.8.7; request 127.0.0.93; } |
  relaypolicy -v -d "$state" > "$T/answers" 2> "$T/v.err"
rc=$?
check "four answers, exit 0" "0 action=OK action=OK action=OK action=DUNNO" "$rc $(grep . "$T/answers" | tr '\n' ' ' | sed 's/ $//')"
checkgrep "a 64-byte name of escaped bytes, all of it" "^relaypolicy: info: OK 127\.0\.0\.91 relaygrant $esc [0-9]+s ago\$" "$T/v.err"
checkgrep "control bytes and spaces escaped" '^relaypolicy: info: OK 127\.0\.0\.92 relaygrant a%20b%09c [0-9]+s ago$' "$T/v.err"
checkgrep "a static network" '^relaypolicy: info: OK 10\.9\.8\.7 network 10\.9\.0\.0/16$' "$T/v.err"
checkgrep "no" '^relaypolicy: info: DUNNO 127\.0\.0\.93$' "$T/v.err"
check "nothing else on stderr" 4 "$(grep -c '' "$T/v.err")"
run env -u RELAYCLIENT TCPREMOTEIP=127.0.0.91 relaylock -v -d "$state" true
check "relaylock -v says the same of the same grant" \
  "relaylock: info: allow $(sed -n 's/^relaypolicy: info: OK \(127\.0\.0\.91 .*\)/\1/p' "$T/v.err" | sed 's/ [0-9]*s ago$//')" \
  "$(sed 's/ [0-9]*s ago$//' "$T/err")"

echo '--- a line longer than 64 KB: refused as it arrives, 100'
if [ -x /usr/bin/time ]; then
  { printf 'request=smtpd_access_policy\nx='; head -c 200000000 /dev/zero | tr '\0' a; printf '\n\n'; } |
    /usr/bin/time -f 'maxrss %M' relaypolicy -d "$state" > "$T/out" 2> "$T/err"
  rc=${PIPESTATUS[1]}
  check "a 200 MB line: exit 100" 100 "$rc"
  checkgrep "a 200 MB line: the message" '^relaypolicy: fatal: unable to parse the request: line too long$' "$T/err"
  r=$(sed -n 's/^maxrss //p' "$T/err")
  checkrss "a 200 MB line: max RSS ${r:-?} kB, under 4 MB" 4096 "$r"
else
  skip "a 200 MB line" "/usr/bin/time is not installed"
fi
{ printf 'request=smtpd_access_policy\nx='; head -c 65533 /dev/zero | tr '\0' a; printf '\nclient_address=127.0.0.91\n\n'; } |
  relaypolicy -d "$state" > "$T/out" 2> "$T/err"
check "a line of 65536 bytes with its newline is still read" "0 action=OK" "$? $(head -1 "$T/out")"

echo '--- input that ends inside a request: 100, with the reason'
checkrun "ends after a line of a request" 100 '^relaypolicy: fatal: unable to parse the request: input ends inside a request$' \
  sh -c 'printf "request=smtpd_access_policy\nclient_address=127.0.0.91\n" | relaypolicy -d '"$state"
checkrun "ends inside a line" 100 '^relaypolicy: fatal: unable to parse the request: input ends inside a line$' \
  sh -c 'printf "request=smtpd_access_policy\nclient_addr" | relaypolicy -d '"$state"
checkrun "ends between requests: 0, quiet" 0 '' \
  sh -c '{ printf "request=smtpd_access_policy\nclient_address=127.0.0.91\n\n"; } | relaypolicy -d '"$state"' >/dev/null'
checkrun "no input at all: 0, quiet" 0 '' relaypolicy -d "$state"

echo '--- the control files read as relaylock reads them, with its messages'
cp "$state/allow" "$T/allow.saved"
policy() {  # policy CLIENT: the answer and stderr of one request, one line
  request "$1" | relaypolicy -d "$state" > "$T/out" 2> "$T/err"
  echo "$? $(grep . "$T/out") $(cat "$T/err")"
}
printf '10.9.0.1/16\n' > "$state/allow"
check "host bits set in allow: DUNNO for everybody, relaylock's warning" \
  "0 action=DUNNO relaypolicy: warning: unable to read $state/allow: host bits set in the network on line 1: \"10.9.0.1/16\"" "$(policy 127.0.0.91)"
printf '# x\n10.9.0.0/33\n' > "$state/allow"
check "an invalid line in allow: DUNNO, the line and its text" \
  "0 action=DUNNO relaypolicy: warning: unable to read $state/allow: invalid network on line 2: \"10.9.0.0/33\"" "$(policy 10.9.8.7)"
printf '2000::/3\n' > "$state/allow"
check "a wide network: it relays, and a warning naming line, text and addresses" \
  "0 action=OK relaypolicy: warning: $state/allow line 1: 2000::/3 covers 2000:: to 3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, wider than /32: every client there may relay" "$(policy 2001:db8::5)"
cp "$T/allow.saved" "$state/allow"
echo 'half an hour' > "$state/grace"
check "a bad grace: DUNNO, relaylock's warning with the value" \
  "0 action=DUNNO relaypolicy: warning: unable to read $state/grace: it is not a number of seconds up to 31622400: \"half an hour\"" "$(policy 127.0.0.91)"
echo 0 > "$state/grace"
check "grace 0: a warning naming the file, the value and the effect" \
  "0 action=OK relaypolicy: warning: $state/grace: the value is \"0\": no login opens relaying (only the networks of $state/allow and grants with their own duration do)" "$(policy 127.0.0.91)"
rm "$state/grace"
