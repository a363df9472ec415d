#!/bin/bash
# Several hosts (doc/multihost.html), proved on loopback: a POP host's
# rsyslogd forwards Dovecot's login lines over TCP to the SMTP host's
# rsyslogd, which writes them to a file readlog follows and hands them
# to a second readlog through omprog; relaylock then sees the grant.
# Both rsyslogd are private instances (-f, -i, -n, their own work
# directories, no imklog, no /dev/log): the machine's syslog is not
# touched.  The login lines are real Dovecot lines (tests/fixtures/dovecot,
# captured from the server) with their address changed.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/smtp/common.sh"

for c in rsyslogd logger ss tcpclient setuidgid supervise envdir; do
  needcmd $c || { skip "rsyslog between hosts" "$c is not installed (package/test installs rsyslog, iproute2, ucspi-tcp, daemontools)"; exit 0; }
done
isroot || { skip "rsyslog between hosts" "needs root: rsyslogd gives the file to a group, readlog runs as nobody"; exit 0; }

fix="$TOP/tests/fixtures/dovecot/syslog"
# "pop3-login: ..." as Dovecot wrote it to syslog(3), address changed
msgof() {  # msgof PATTERN OLD-ADDR NEW-ADDR
  grep -m1 -- "$1" "$fix" | sed -e 's/^.* dovecot: //' -e "s/rip=$2,/rip=$3,/"
}
good=$(msgof 'pop3-login: Login: user=<alice>' 127.0.0.31 127.0.0.71)
bad=$(msgof 'pop3-login: Disconnected: Aborted login.*rip=127.0.0.32,' 127.0.0.32 127.0.0.72)
case "$good" in "pop3-login: Login: user=<alice>, method=PLAIN, rip=127.0.0.71, lip="*) ;; *)
  notok "the fixture's login line" "$good"; exit 1 ;; esac
case "$bad" in "pop3-login: Disconnected: Aborted login"*"rip=127.0.0.72, lip="*) ;; *)
  notok "the fixture's failed login line" "$bad"; exit 1 ;; esac

P1=$(freeport 13514)
P2=$(freeport $((P1 + 1)))

mkdir -p "$T/recv/work" "$T/send/work" "$T/recv/log"   # rsyslogd creates log/smtp-poplock
for s in file prog legacy trad direct allowed; do mkdir -m 755 "$T/st-$s"; done
# the readlogs that rsyslog feeds run as nobody (poplock on a real host)
chown nobody:nogroup "$T/st-file" "$T/st-prog"

# The SMTP host, doc/multihost.html's lines (nogroup and nobody stand for
# poplock): imtcp on P1, the forwarded lines in rsyslog's default file
# format (RSYSLOG_FileFormat, RFC 3339 stamps) in a file of their own, for
# readlog; also in the traditional format, and through omprog into
# "readlog -o -", whose copy goes to omprog's output file; P2 takes what
# a sender forwards in omfwd's default RFC 3164 form (for the time zone
# check below).
cat > "$T/recv/rsyslog.conf" <<EOF
global(workDirectory="$T/recv/work")
module(load="imtcp")
module(load="omprog")
input(type="imtcp" address="127.0.0.1" port="$P1" ruleset="poplock")
input(type="imtcp" address="127.0.0.1" port="$P2" ruleset="legacy")
ruleset(name="poplock") {
  mail.* action(type="omfile" file="$T/recv/log/smtp-poplock/pop.log"
                template="RSYSLOG_FileFormat"
                fileOwner="root" fileGroup="nogroup" fileCreateMode="0640"
                dirCreateMode="0755")
  mail.* action(type="omfile" file="$T/recv/log/mail-trad.log" template="RSYSLOG_TraditionalFileFormat")
  mail.* action(type="omprog" template="RSYSLOG_FileFormat"
                binary="$(command -v setuidgid) nobody $TOP/readlog -d $T/st-prog -o -"
                output="$T/recv/log/omprog.out")
}
ruleset(name="legacy") {
  mail.* action(type="omfile" file="$T/recv/log/legacy.log" template="RSYSLOG_FileFormat")
}
EOF

# The POP host, five hours west: Dovecot's syslog(3) goes to imuxsock (a
# private socket here, /dev/log on a real host); mail lines go to the
# SMTP host with RFC 3339 stamps (RSYSLOG_ForwardFormat), and, for the
# time zone check, in omfwd's default RFC 3164 form to P2.
cat > "$T/send/rsyslog.conf" <<EOF
global(workDirectory="$T/send/work")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$T/send/log")
mail.* action(type="omfwd" target="127.0.0.1" port="$P1" protocol="tcp"
              template="RSYSLOG_ForwardFormat"
              queue.type="LinkedList" queue.filename="poplock-smtp1"
              action.resumeRetryCount="-1")
mail.* action(type="omfwd" target="127.0.0.1" port="$P2" protocol="tcp")
EOF

for h in recv send; do
  run rsyslogd -N1 -f "$T/$h/rsyslog.conf"
  [ $rc = 0 ] || { notok "rsyslogd accepts the $h configuration" "$(cat "$T/err")"; exit 1; }
done
ok "rsyslogd -N1 accepts both configurations (imtcp, omfile, omprog; imuxsock, omfwd)"

TZ=UTC rsyslogd -n -f "$T/recv/rsyslog.conf" -i "$T/recv/pid" > "$T/recv/out" 2>&1 &
recvpid=$!
on_exit "kill $recvpid 2>/dev/null; wait $recvpid 2>/dev/null"
TZ=America/New_York rsyslogd -n -f "$T/send/rsyslog.conf" -i "$T/send/pid" > "$T/send/out" 2>&1 &
sendpid=$!
on_exit "kill $sendpid 2>/dev/null; wait $sendpid 2>/dev/null"
up() { listening $P1 && listening $P2 && [ -S "$T/send/log" ]; }
waitfor 10 up && ok "both rsyslogd are up (imtcp on 127.0.0.1:$P1 and :$P2, imuxsock on a private socket)" ||
  { notok "rsyslogd did not come up" "$(cat "$T/recv/out" "$T/send/out")"; exit 1; }

# the readlog that follows the file: service/readlog under supervise, its
# conf/ set as the guide says (nobody for poplock)
cp -R "$TOP/service/readlog" "$T/svc-readlog"
rm -rf "$T/svc-readlog/log"
echo nobody > "$T/svc-readlog/conf/ACCOUNT"
echo "$T/st-file" > "$T/svc-readlog/conf/STATEDIR"
echo "$T/recv/log/smtp-poplock/pop.log" > "$T/svc-readlog/conf/SOURCES"
TZ=UTC supervise "$T/svc-readlog" > "$T/readlog-file.err" 2>&1 &
suppid=$!
on_exit "svc -dx $T/svc-readlog 2>/dev/null; wait $suppid 2>/dev/null"

allowed() { showallowed -d "$1" | grep -q "^$2[[:space:]]"; }
relayclient() {  # relayclient STATE ADDR: what the SMTP server would see
  TCPREMOTEIP=$2 relaylock -d "$1" sh -c 'echo ${RELAYCLIENT+set}'
}

# Dovecot's two lines, as its syslog(3) sends them: the failed one first
logger -u "$T/send/log" -p mail.info -t dovecot -- "$bad"
logger -u "$T/send/log" -p mail.info -t dovecot -- "$good"

waitfor 10 allowed "$T/st-file" 127.0.0.71 &&
  ok "readlog following the receiver's file records the forwarded login of 127.0.0.71" ||
  notok "readlog (file) did not record 127.0.0.71" "$(cat "$T/recv/log/smtp-poplock/pop.log" "$T/readlog-file.err" 2>/dev/null)"
waitfor 10 allowed "$T/st-prog" 127.0.0.71 &&
  ok "readlog run by omprog (readlog -d DIR -) records it too" ||
  notok "readlog (omprog) did not record 127.0.0.71" "$(cat "$T/recv/out")"

iso='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}-0[45]:00'
checkgrep "the receiver's file has the line in RSYSLOG_FileFormat, with the sender's zone" \
  "^$iso [^ ]+ dovecot: pop3-login: Login: user=<alice>, method=PLAIN, rip=127\.0\.0\.71, lip=" "$T/recv/log/smtp-poplock/pop.log"
checkgrep "the failed login reached the receiver too" \
  "^$iso [^ ]+ dovecot: pop3-login: Disconnected: Aborted login .*rip=127\.0\.0\.72, lip=" "$T/recv/log/smtp-poplock/pop.log"
checkgrep "and the traditional file has it as 'Mmm dd hh:mm:ss HOST dovecot: ...'" \
  '^[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [^ ]+ dovecot: pop3-login: Login: user=<alice>, .*rip=127\.0\.0\.71, ' "$T/recv/log/mail-trad.log"

check "relaylock: 127.0.0.71 relays (state of the file-following readlog)" set "$(relayclient "$T/st-file" 127.0.0.71)"
check "relaylock: 127.0.0.71 relays (state of the omprog readlog)" set "$(relayclient "$T/st-prog" 127.0.0.71)"
check "relaylock: 127.0.0.72 (failed login) does not relay (file)" "" "$(relayclient "$T/st-file" 127.0.0.72)"
check "relaylock: 127.0.0.72 (failed login) does not relay (omprog)" "" "$(relayclient "$T/st-prog" 127.0.0.72)"
check "showallowed: the grant's source and user" "dovecot/pop3	alice" \
  "$(showallowed -m -d "$T/st-file" | awk -F'\t' '$1 == "127.0.0.71" { print $(NF-1) "\t" $NF }')"

# Both file formats, read by readlog's dry run: the login, not the failure
for f in smtp-poplock/pop.log:RSYSLOG_FileFormat mail-trad.log:RSYSLOG_TraditionalFileFormat; do
  run readlog -n -1 "$T/recv/log/${f%:*}"
  check "readlog -n reads the login, not the failure, from ${f%:*} (${f#*:})" \
    "dovecot dovecot/pop3 127.0.0.71 alice" "$(awk '{ print $1, $2, $3, $5 }' "$T/out")"
done
check "rsyslogd gave the file to the group readlog runs in, mode 0640" "640 root nogroup" \
  "$(stat -c '%a %U %G' "$T/recv/log/smtp-poplock/pop.log")"
checkgrep "readlog -o under omprog copied what it read to omprog's output file" \
  "^$iso [^ ]+ dovecot: pop3-login: Login: user=<alice>, .*rip=127\.0\.0\.71, " "$T/recv/log/omprog.out"

# The traditional format drops the zone: written on a host five hours
# ahead of the sender, its stamp reads five hours old, and the login has
# expired before it is read.  RSYSLOG_FileFormat keeps the offset.
run readlog -1 -d "$T/st-trad" "$T/recv/log/mail-trad.log"
check "the same login read from the traditional file is 5 hours old: 127.0.0.71 does not relay" "" "$(relayclient "$T/st-trad" 127.0.0.71)"

# omfwd's default (RFC 3164, no zone, no year) from the host five hours
# west: the receiver writes the sender's wall clock as its own
waitfor 10 grep -q 'rip=127\.0\.0\.71' "$T/recv/log/legacy.log" 2>/dev/null
checkgrep "the login forwarded in omfwd's default format arrives with no zone (+00:00 on the receiver)" \
  '^[0-9-]{10}T[0-9:]{8}\+00:00 [^ ]+ dovecot: pop3-login: Login: user=<alice>, .*rip=127\.0\.0\.71, ' "$T/recv/log/legacy.log"
run readlog -1 -d "$T/st-legacy" "$T/recv/log/legacy.log"
check "and readlog, reading it, sees a login 5 hours old: 127.0.0.71 does not relay" "" "$(relayclient "$T/st-legacy" 127.0.0.71)"

# Anybody who can reach the port is believed: logger from this host,
# straight to the receiver, in RFC 3164 form
logger --rfc3164 -n 127.0.0.1 -P $P1 -T -p mail.info -t dovecot -- "${good/127.0.0.71,/127.0.0.73,}"
waitfor 10 allowed "$T/st-file" 127.0.0.73 &&
  ok "a line sent by logger -T straight to the port is believed: 127.0.0.73 is granted (TCP syslog is unauthenticated)" ||
  notok "logger --rfc3164 -T: 127.0.0.73 not granted" "$(tail -3 "$T/recv/log/smtp-poplock/pop.log")"

# logger's default is RFC 5424; rsyslog writes such a message's tag
# without the colon ("dovecot[4242] pop3-login: ..."), in both formats
logger --id=4242 -n 127.0.0.1 -P $P1 -T -p mail.info -t dovecot -- "${good/127.0.0.71,/127.0.0.74,}"
waitfor 10 grep -q 'rip=127\.0\.0\.74' "$T/recv/log/smtp-poplock/pop.log"
checkgrep "an RFC 5424 message is written 'HOST dovecot[4242] pop3-login: ...', no colon after the tag" \
  "^$( echo "$iso" | sed 's/-0\[45\]/[-+][0-9]{2}/' ) [^ ]+ dovecot\[4242\] pop3-login: Login: user=<alice>, .*rip=127\.0\.0\.74, " "$T/recv/log/smtp-poplock/pop.log"
grep 'rip=127\.0\.0\.74' "$T/recv/log/smtp-poplock/pop.log" > "$T/5424.log"
run readlog -n -1 "$T/5424.log"
if grep -q ' 127\.0\.0\.74 ' "$T/out"; then ok "readlog -n reads rsyslog's RFC 5424 form"
else notok "readlog -n reads rsyslog's RFC 5424 form" "$(cat "$T/out")"
fi

# AllowedSender: a receiver that takes TCP syslog from 127.0.0.1 only
# drops a connection from 127.0.0.9
P3=$(freeport $((P2 + 1)))
mkdir -p "$T/recv3/work"
cat > "$T/recv3/rsyslog.conf" <<EOF
global(workDirectory="$T/recv3/work")
module(load="imtcp")
\$AllowedSender TCP, 127.0.0.1
input(type="imtcp" address="127.0.0.1" port="$P3" ruleset="poplock")
ruleset(name="poplock") {
  mail.* action(type="omfile" file="$T/recv3/mail.log" template="RSYSLOG_FileFormat")
}
EOF
TZ=UTC rsyslogd -n -f "$T/recv3/rsyslog.conf" -i "$T/recv3/pid" > "$T/recv3/out" 2>&1 &
recv3pid=$!
on_exit "kill $recv3pid 2>/dev/null; wait $recv3pid 2>/dev/null"
waitfor 10 listening $P3 || { notok "the AllowedSender receiver did not come up" "$(cat "$T/recv3/out")"; exit 1; }
: > "$T/recv3/mail.log"
TZ=UTC readlog -d "$T/st-allowed" "$T/recv3/mail.log" 2>/dev/null &
rl3pid=$!
on_exit "kill $rl3pid 2>/dev/null; wait $rl3pid 2>/dev/null"
send() {  # send SOURCE-ADDR ADDR: one RFC 3164 login line over TCP from SOURCE-ADDR
  tcpclient -RHl0 -i "$1" 127.0.0.1 $P3 sh -c 'printf "<22>%s testhost dovecot: %s\n" "$(LC_ALL=C date "+%b %e %H:%M:%S")" "$0" >&7' \
    "${good/127.0.0.71,/$2,}"
}
send 127.0.0.9 127.0.0.75
waitfor 10 grep -q 'disallowed sender 127\.0\.0\.9 discarded' "$T/recv3/out" &&
  ok "\$AllowedSender TCP, 127.0.0.1: rsyslogd discards the connection from 127.0.0.9" ||
  notok "no discard of 127.0.0.9 in rsyslogd's output" "$(cat "$T/recv3/out")"
send 127.0.0.1 127.0.0.76
waitfor 10 allowed "$T/st-allowed" 127.0.0.76 &&
  ok "a line from 127.0.0.1 is taken (127.0.0.76 granted)" ||
  notok "\$AllowedSender: 127.0.0.76 not granted" "$(cat "$T/recv3/mail.log" "$T/recv3/out")"
checknogrep "the one sent from 127.0.0.9 is not (127.0.0.75 never reaches the file)" 'rip=127\.0\.0\.75' "$T/recv3/mail.log"
check "relaylock: 127.0.0.75 does not relay" "" "$(relayclient "$T/st-allowed" 127.0.0.75)"

# ---- TLS with client certificates (doc/multihost.html, Trust) ----------
# A CA, the SMTP host's certificate (smtp1.test), a POP host's (pop1.test)
# and another one the same CA signed (rogue.test): the receiver takes
# pop1.test only; a plain TCP sender gets nothing in either.
if needcmd openssl && [ -n "$(find /usr/lib -name lmnsd_gtls.so 2>/dev/null | head -1)" ]; then
  K=$T/tls
  mkdir -p "$K/recv" "$K/pop1" "$K/rogue" "$K/log"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=poplock-test-ca \
    -keyout "$K/ca.key" -out "$K/ca.pem" 2>/dev/null
  for n in smtp1 pop1 rogue; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$n.test" -addext "subjectAltName=DNS:$n.test" \
      -keyout "$K/$n.key" -out "$K/$n.csr" 2>/dev/null &&
    openssl x509 -req -in "$K/$n.csr" -CA "$K/ca.pem" -CAkey "$K/ca.key" -CAcreateserial -days 2 \
      -copy_extensions copy -out "$K/$n.pem" 2>/dev/null
  done
  P5=$(freeport $((P3 + 20)))
  cat > "$K/recv/rsyslog.conf" <<EOC
global(workDirectory="$K/recv"
       DefaultNetstreamDriverCAFile="$K/ca.pem"
       DefaultNetstreamDriverCertFile="$K/smtp1.pem"
       DefaultNetstreamDriverKeyFile="$K/smtp1.key")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1"
       StreamDriver.AuthMode="x509/name" PermittedPeer=["pop1.test"])
input(type="imtcp" address="127.0.0.1" port="$P5" ruleset="poplock")
ruleset(name="poplock") {
  mail.* action(type="omfile" file="$K/log/pop.log" template="RSYSLOG_FileFormat")
}
EOC
  for n in pop1 rogue; do
    cat > "$K/$n/rsyslog.conf" <<EOC
global(workDirectory="$K/$n"
       DefaultNetstreamDriverCAFile="$K/ca.pem"
       DefaultNetstreamDriverCertFile="$K/$n.pem"
       DefaultNetstreamDriverKeyFile="$K/$n.key")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$K/$n/log")
mail.* action(type="omfwd" target="127.0.0.1" port="$P5" protocol="tcp"
              template="RSYSLOG_ForwardFormat"
              StreamDriver="gtls" StreamDriverMode="1"
              StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="smtp1.test")
EOC
  done
  tlsok=1
  for h in recv pop1 rogue; do
    run rsyslogd -N1 -f "$K/$h/rsyslog.conf"
    [ $rc = 0 ] || { notok "rsyslogd accepts the TLS configuration ($h)" "$(cat "$T/err")"; tlsok=0; }
  done
  if [ $tlsok = 1 ]; then
    ok "rsyslogd -N1 accepts the TLS configurations (gtls, x509/name, PermittedPeer)"
    for h in recv pop1 rogue; do
      rsyslogd -n -f "$K/$h/rsyslog.conf" -i "$K/$h/pid" > "$K/$h/out" 2>&1 &
      on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
    done
    tlsup() { listening $P5 && [ -S "$K/pop1/log" ] && [ -S "$K/rogue/log" ]; }
    waitfor 10 tlsup || notok "the TLS rsyslogd did not come up" "$(cat "$K"/*/out)"
    logger -u "$K/rogue/log" -p mail.info -t dovecot -- "${good/127.0.0.71,/127.0.0.96,}"
    logger --rfc3164 -n 127.0.0.1 -P $P5 -T -p mail.info -t dovecot -- "${good/127.0.0.71,/127.0.0.97,}"
    waitfor 10 grep -q 'peer name not authorized.*rogue\.test' "$K/recv/out" &&
      ok "TLS: the receiver refuses the sender whose certificate is not a PermittedPeer" ||
      notok "TLS: no refusal of rogue.test" "$(cat "$K/recv/out")"
    waitfor 10 grep -q 'unexpected TLS packet' "$K/recv/out" &&
      ok "TLS: and a plain TCP sender (logger -T)" || notok "TLS: no refusal of the plain sender" "$(cat "$K/recv/out")"
    logger -u "$K/pop1/log" -p mail.info -t dovecot -- "${good/127.0.0.71,/127.0.0.95,}"
    waitfor 10 grep -q 'rip=127\.0\.0\.95,' "$K/log/pop.log" 2>/dev/null
    run readlog -1 -d "$T/st-direct" "$K/log/pop.log"
    check "TLS: pop1.test's login arrives and grants: 127.0.0.95 relays" set "$(relayclient "$T/st-direct" 127.0.0.95)"
    checknogrep "TLS: nothing from the refused senders reached the file (127.0.0.96, 127.0.0.97)" \
      'rip=127\.0\.0\.9[67],' "$K/log/pop.log"
  fi
else
  skip "rsyslog with TLS client certificates" "needs openssl and rsyslog-gnutls (package/test installs them)"
fi

# ---- and the SMTP side: service/smtpd as the guides install it ---------
# tcpserver with the service's rules file, relaylock on the state the
# file-following readlog keeps, Debian's qpsmtpd for qmail-smtpd (run by
# package/qpsmtpd-tcpserver; it relays only when RELAYCLIENT is set).
# The rules are the example's with 127.0.0.81 in place of all of 127.:
# loopback is every client here.
if needcmd tcpserver && needcmd tcprules && needcmd softlimit && qpsmtpd_setup smtpd nobody; then
  P4=$(freeport $((P3 + 1)))
  cp -R "$TOP/service/smtpd" "$T/svc-smtpd"
  rm -rf "$T/svc-smtpd/log"
  sed -i 's/^127\.:allow/127.0.0.81:allow/' "$T/svc-smtpd/tcp"
  (cd "$T/svc-smtpd" && make -s) || notok "make in the smtpd service builds tcp.cdb"
  echo nobody > "$T/svc-smtpd/conf/ACCOUNT"
  echo 127.0.0.1 > "$T/svc-smtpd/conf/IP"
  echo $P4 > "$T/svc-smtpd/conf/PORT"
  echo "$T/st-file" > "$T/svc-smtpd/conf/STATEDIR"
  echo "$SMTPD" > "$T/svc-smtpd/conf/SMTPD"
  echo "$SMTPD_SOFTLIMIT" > "$T/svc-smtpd/conf/SOFTLIMIT"   # lib.sh
  supervise "$T/svc-smtpd" > "$T/smtpd.log" 2>&1 &
  smtppid=$!
  on_exit "svc -dx $T/svc-smtpd 2>/dev/null; wait $smtppid 2>/dev/null"
  if waitfor 10 listening $P4; then
    check "service/smtpd: relay from 127.0.0.71, whose login came through rsyslog, is accepted" 250 "$(rcptcode 127.0.0.71 $P4)"
    check "service/smtpd: relay from 127.0.0.72 (failed login) is refused" 550 "$(rcptcode 127.0.0.72 $P4)"
    check "service/smtpd: relay from 127.0.0.81, allowed by the tcprules file (RELAYCLIENT=\"\"), is accepted" 250 "$(rcptcode 127.0.0.81 $P4)"
  else
    notok "service/smtpd did not come up" "$(cat "$T/smtpd.log")"
  fi
else
  skip "service/smtpd behind rsyslog's grants" "needs tcpserver, tcprules, softlimit and Debian's qpsmtpd${SMTPD_WHY:+: $SMTPD_WHY}"
fi

# ---- doc/install-syslog.html: rsyslog checks who sent the line ---------
# A real Dovecot logging to syslog(3), in a private mount namespace whose
# /dev/log is a private rsyslogd's (the machine's syslog is not touched),
# with the guide's imuxsock and filter lines; then the same login line
# forged with logger, by nobody and by root.
if needcmd dovecot && needcmd unshare; then
  D=$T/dv
  mkdir -p "$D/dovecot/run" "$D/dovecot/lib" "$D/mail" "$D/spool" "$D/log"
  chown nobody:nogroup "$D/mail"
  echo 'demo:{PLAIN}demo' > "$D/dovecot/passwd"
  PP=$(freeport $((P3 + 11))); PI=$(freeport $((PP + 1)))
  "$TOP/package/dovecot-conf" | sed -e "s|@DIR@|$D|g" -e "s|@POP3@|$PP|" -e "s|@IMAP@|$PI|" -e '/^instance_name/d' \
    -e 's|^log_path = .*|log_path = syslog|' -e '/^log_timestamp/d' > "$D/dovecot/dovecot.conf"
  cat > "$D/rsyslog.conf" <<EOC
global(workDirectory="$D/spool")
module(load="imuxsock" SysSock.Annotate="on" SysSock.ParseTrusted="on")
if \$syslogfacility-text == "mail" and \$!uid == "0" and \$!exe == "/usr/lib/dovecot/log" then {
  action(type="omfile" file="$D/log/smtp-poplock/mail.log"
         fileOwner="root" fileGroup="nogroup" fileCreateMode="0640"
         dirCreateMode="0755")
}
mail.* action(type="omfile" file="$D/log/all-mail.log")
EOC
  cat > "$D/ns.sh" <<'EOS'
D=$1 PP=$2 TOP=$3 GOOD=$4
[ -n "$D" ] && [ -d "$D" ] || exit 100
pids=""
trap 'kill $pids 2>/dev/null; wait' EXIT
dev=$(mktemp -d "$D/dev.XXXXXX") || exit 111
chmod 755 "$dev"
for n in null zero full random urandom tty; do : > "$dev/$n"; mount --bind "/dev/$n" "$dev/$n" || exit 111; done
mount --rbind "$dev" /dev || exit 111
rsyslogd -n -f "$D/rsyslog.conf" -i "$D/rsyslogd.pid" > "$D/rsyslogd.out" 2>&1 & pids="$pids $!"
n=0; while [ ! -S /dev/log ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
dovecot -F -c "$D/dovecot/dovecot.conf" > "$D/dovecot.out" 2>&1 & pids="$pids $!"
n=0; while ! ss -Hltn "sport = :$PP" | grep -q . && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
"$TOP/package/dialogue" 127.0.0.91 "$PP" "USER demo" "PASS demo" QUIT > "$D/pop3.out"
setuidgid nobody logger -p mail.info -t dovecot -- "${GOOD/127.0.0.71,/127.0.0.92,}"
logger -p mail.info -t dovecot -- "${GOOD/127.0.0.71,/127.0.0.93,}"
n=0; while ! grep -q 'rip=127\.0\.0\.93,' "$D/log/all-mail.log" 2>/dev/null && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
n=0; while ! grep -q 'rip=127\.0\.0\.91,' "$D/log/smtp-poplock/mail.log" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done
EOS
  timeout 60 unshare -m --propagation private bash "$D/ns.sh" "$D" "$PP" "$TOP" "$good"
  checkgrep "a real Dovecot, logging to syslog: the POP3 login from 127.0.0.91 succeeds" '^  < \+OK Logged in' "$D/pop3.out"
  checkgrep "without the filter, the lines forged with logger by nobody and by root are in the mail log" \
    'rip=127\.0\.0\.92,' "$D/log/all-mail.log"
  run readlog -n -1 "$D/log/all-mail.log"
  check "and readlog would grant them: a forgery readlog cannot see" \
    "127.0.0.91 127.0.0.92 127.0.0.93" "$(awk '{ print $3 }' "$T/out" | sort | tr '\n' ' ' | sed 's/ $//')"
  run readlog -n -1 "$D/log/smtp-poplock/mail.log"
  check "with \$!uid == \"0\" and \$!exe == \"/usr/lib/dovecot/log\", only Dovecot's own login reaches readlog's file" \
    "dovecot dovecot/pop3 127.0.0.91 demo" "$(awk '{ print $1, $2, $3, $5 }' "$T/out")"
  check "rsyslogd gave that file to the group readlog runs in, mode 0640" "640 root nogroup" \
    "$(stat -c '%a %U %G' "$D/log/smtp-poplock/mail.log" 2>&1)"
else
  skip "the syslog guide's filter with a real Dovecot" "needs dovecot and unshare"
fi
