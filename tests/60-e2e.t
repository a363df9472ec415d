#!/bin/bash
# End to end under a private svscan: a real Dovecot logging through real
# multilog, readlog supervised, real tcpserver + relaylock + Debian's
# qpsmtpd (package/demo-setup builds the services).  A POP3 login opens
# relaying for exactly that address, for the grace period, and svc -k on
# readlog loses nothing.
. "$(dirname "$0")/lib.sh"

for c in dovecot svscan multilog tcpserver tcpclient; do
  needcmd $c || { skip "end to end" "$c is not installed (package/test installs it)"; exit 0; }
done
[ -r /usr/share/perl5/Qpsmtpd/TcpServer.pm ] || { skip "end to end" "qpsmtpd is not installed (package/test installs it)"; exit 0; }
isroot || { skip "end to end" "needs root to run dovecot"; exit 0; }

grace=8
"$TOP/package/demo-setup" "$T/e2e" 12110 12143 12525 || { notok "demo-setup"; exit 1; }
echo $grace > "$T/e2e/state/grace"
svscan "$T/e2e/service" > "$T/svscan.log" 2>&1 &
svscanpid=$!
on_exit "svc -dx $T/e2e/service/* $T/e2e/service/*/log 2>/dev/null; kill $svscanpid; sleep 1"

ports_up() { tcpclient 127.0.0.1 12110 true 2>/dev/null && tcpclient 127.0.0.1 12525 true 2>/dev/null; }
waitfor 20 ports_up && ok "dovecot and the SMTP service come up under svscan" ||
  { notok "services did not come up" "$(cat "$T"/e2e/service/*/log/main/current 2>/dev/null | tail)"; exit 1; }

relay() { rcptcode "$1" 12525; }
login() { "$TOP/package/dialogue" "$1" 12110 "USER demo" "PASS $2" QUIT | sed -n '/> PASS/{n;s/^  < //p;}'; }
allowed() { "$TOP/showallowed" -d "$T/e2e/state" | grep -q "^$1[[:space:]]"; }

check "relay from 127.0.0.21 before any login is refused" 550 "$(relay 127.0.0.21)"
check "a wrong password from 127.0.0.22 is refused by dovecot" "-ERR" "$(login 127.0.0.22 wrong | cut -c1-4)"
check "POP3 login from 127.0.0.21 succeeds" "+OK Logged in." "$(login 127.0.0.21 demo)"
waitfor 5 allowed 127.0.0.21 && ok "readlog records the login (showallowed lists 127.0.0.21)" ||
  notok "readlog did not record the login" "$(tail -5 "$T/e2e/service/readlog/log/main/current")"
check "relay from 127.0.0.21 is accepted" 250 "$(relay 127.0.0.21)"
check "relay from 127.0.0.22 (failed login) is still refused" 550 "$(relay 127.0.0.22)"
checkgrep "relaylock logs its decision to the SMTP service's multilog" 'relaylock: info: allow 127\.0\.0\.21' "$T/e2e/service/smtpd/log/main/current"
checkgrep "and qpsmtpd, that RELAYCLIENT made the client a relay client" 'relayclient: pass, RELAYCLIENT is set' "$T/e2e/service/smtpd/log/main/current"

# svc -k on readlog: supervise restarts it and nothing is lost; a login
# made while it is down is picked up when it comes back
readlogpid() { svstat "$T/e2e/service/readlog" | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'; }
before=$("$TOP/showallowed" -m -d "$T/e2e/state" | cut -f1 | sort)
pid1=$(readlogpid)
svc -k "$T/e2e/service/readlog"
newpid() { p=$(readlogpid); [ -n "$p" ] && [ "$p" != "$pid1" ]; }
waitfor 5 newpid && ok "supervise restarts readlog after svc -k" || notok "readlog was not restarted" "$(svstat "$T/e2e/service/readlog")"
svc -d "$T/e2e/service/readlog"
waitfor 5 sh -c "svstat $T/e2e/service/readlog | grep -q ': down'"
check "POP3 login from 127.0.0.23 while readlog is down" "+OK Logged in." "$(login 127.0.0.23 demo)"
svc -u "$T/e2e/service/readlog"
waitfor 5 allowed 127.0.0.23 && ok "readlog, back up, picks up the login made while it was down" ||
  notok "the login made while readlog was down was not recorded"
after=$("$TOP/showallowed" -m -d "$T/e2e/state" | cut -f1 | grep -v '^127\.0\.0\.23$' | sort)
check "the grants are the same after the restart" "$before" "$after"
check "relay from 127.0.0.21 is still accepted after the restart" 250 "$(relay 127.0.0.21)"

# after the grace period the relay is refused again
sleep $((grace + 1))
check "after the grace period relay from 127.0.0.21 is refused again" 550 "$(relay 127.0.0.21)"
