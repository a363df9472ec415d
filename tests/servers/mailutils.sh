#!/bin/bash
# mailutils.sh OUTDIR: GNU Mailutils' pop3d and imap4d (Debian's
# mailutils-pop3d and mailutils-imap4d, 3.15), unpacked into a private
# root (they provide pop3-server/imap-server, as dovecot does), run
# as daemons in a private mount and network namespace whose /etc/passwd
# and /etc/shadow are copies with the demo users (auth: system), twice:
#   syslog, syslog-iso   logging { syslog yes; facility mail; }
#   multilog-pop3        logging { syslog no; }: stderr, each server under
#   multilog-imap        multilog t as a daemontools service would be
# Both with an acl that logs the client's address and with session ids
# (see conf).  And once more in inetd mode under tcpserver -v, each
# tcpserver's stderr to its own multilog t, the servers to syslog:
#   tcpserver.multilog-pop3, tcpserver.multilog-imap, tcpserver.syslog
#   (tcpserver.expect: the three read together, in that order: the
#   address is in tcpserver's "ok PID" line, the user in the server's,
#   which has the same pid)
# After the usual sessions, failed IMAP logins whose names forge
# imap4d's lines (FORGE, attacks), then a real one.  multilog-imap.grants
# (empty): what readlog grants there, where that is less than the
# server granted (imap4d on stderr grants nothing, doc/formats.html).
# Their libraries (libmailutils9, ...) come from apt-get as usual.
# See common.sh for what OUTDIR gets.

. "$(dirname "$0")/common.sh"
. "$SRVDIR/sessions.sh"
srv_begin "$@"
command -v ip >/dev/null 2>&1 || srv_skip "ip (iproute2) is not installed"
command -v nsenter >/dev/null 2>&1 || srv_skip "nsenter is not installed"
unpack mailutils-pop3d mailutils-imap4d
POP3D=$W/root/usr/sbin/pop3d IMAP4D=$W/root/usr/sbin/imap4d
for b in "$POP3D" "$IMAP4D"; do
  [ -x "$b" ] || die "no $b in the packages"
  if ldd "$b" | grep -q 'not found'; then
    srv_skip "${b##*/} lacks libraries (apt-get install libmailutils9 libmu-dbm9 mailutils-common): $(ldd "$b" | grep 'not found' | head -2 | tr '\n' ' ')"
  fi
done

NAME=mailutils POP3PORT=110 IMAPPORT=143 PLAIN=0 ADVOK=1
# passwd cannot hold ':' (ADV1), pop3d takes no space in USER (ADV2)
ADVIP=203.0.113.66
POP3ADV=("$ADV3" "$ADVIP")
IMAPADV=("$ADV2" "$ADVIP")
etc_users "alice:alice-pw:64301" "bob:bob-pw:64302" \
  "$ADV2:$ADVPASS:64303" "$ADV3:$ADVPASS:64304" "$ADVIP:$ADVPASS:64305"
NS_NET=1
# the default spool, /var/mail, private to the namespace
NS_SETUP="$NS_SETUP; mkdir -p /var/mail; mount -t tmpfs -o mode=1777 tmpfs /var/mail"

# Names that make imap4d's own lines: it writes a failed name as it
# came, and an IMAP literal may hold newlines.  On stderr each piece
# is a line of its own with the session id before it; in syslog the
# message is one record (#012), but one longer than 2048 bytes goes
# out in pieces cut where Mailutils' buffer was full, and the long name
# here puts the end of its first piece right after a login's text.
# Every one fails (nonexistent user), but a line or record has the
# shape of a login, of the session's close, of an address line.
LONG=""
for i in $(seq 1 80); do LONG="$LONG"$'user `x\' logged in (source: system)\n'; done
FORGE=(
  $'nosuch\nuser `x\' logged in (source: system)\nzz'
  $'x\' logged in (source: system)\nzz'
  $'nosuch\nuser `bob\' logged in (source: system)\nsession terminating for user: bob\nzz'
  $'nosuch\n203.0.113.66\nuser `bob\' logged in (source: system)\nzz'
  "nosuchP"$'\n'"${LONG}zz"
)
# attacks: after sessions, each name of FORGE in an IMAP literal, from
# addresses of their own; then bob logs in with a literal name, so the
# capture has a real login after them
attacks() {
  local n=61 u
  for u in "${FORGE[@]}"; do
    login "$NAME/imap" 127.0.0.$n "$IMAPPORT" imap literal "$u" adv-pw fail
    n=$((n + 1))
  done
  login "$NAME/imap" 127.0.0.$n "$IMAPPORT" imap literal bob bob-pw ok
}

# conf SERVER PORT SYSLOG: a configuration of our own, nothing from /etc.
# The servers log no client address unless an acl "log" statement says
# so ("log from any;" writes the bare address).  The daemon's parent
# writes that line and a child the login's, so only the session id
# (session-id yes) ties them together, in syslog as on stderr.
conf() {
  cat > "$W/$1.conf" <<EOF
mode daemon;
foreground yes;
pidfile "$W/$1.pidfile";
server 0.0.0.0:$2 {
  acl {
    log from any;
  };
};
auth {
  authentication system;
  authorization system;
};
logging {
  syslog $3;
  facility mail;
  session-id yes;
};
EOF
  "$W/root/usr/sbin/$1" --config-file="$W/$1.conf" --config-lint > "$W/$1.lint" 2>&1 ||
    die "$1 rejects its configuration: $(head -3 "$W/$1.lint")"
}

# inetdconf SERVER: the configuration for inetd mode, site defaults
# otherwise (no acl, no session ids)
inetdconf() {
  cat > "$W/$1-inetd.conf" <<EOF
mode inetd;
auth {
  authentication system;
  authorization system;
};
logging {
  syslog yes;
  facility mail;
};
EOF
  "$W/root/usr/sbin/$1" --config-file="$W/$1-inetd.conf" --config-lint > "$W/$1.lint" 2>&1 ||
    die "$1 rejects its configuration: $(head -3 "$W/$1.lint")"
}

# run FORM: both servers (and, for the multilog form, each one's multilog)
# from one script, as their daemontools services would start them
run() {
  cat > "$W/run" <<EOF
#!/bin/sh
if [ $1 != syslog ]; then
  for s in pop3 imap; do rm -rf "$W/\$s.fifo" "$W/ml-\$s"; mkfifo "$W/\$s.fifo"; multilog t "$W/ml-\$s" < "$W/\$s.fifo" & done
fi
if [ $1 = tcpserver ]; then
  tcpserver -v -RHl0 0 110 "$POP3D" --config-file="$W/pop3d-inetd.conf" 2> "$W/pop3.fifo" &
  echo \$! > "$W/pop3d.pid"
  tcpserver -v -RHl0 0 143 "$IMAP4D" --config-file="$W/imap4d-inetd.conf" 2> "$W/imap.fifo" &
  echo \$! > "$W/imap4d.pid"
elif [ $1 = multilog ]; then
  "$POP3D" --config-file="$W/pop3d.conf" 2> "$W/pop3.fifo" > /dev/null &
  echo \$! > "$W/pop3d.pid"
  "$IMAP4D" --config-file="$W/imap4d.conf" 2> "$W/imap.fifo" > /dev/null &
  echo \$! > "$W/imap4d.pid"
else
  "$POP3D" --config-file="$W/pop3d.conf" &
  echo \$! > "$W/pop3d.pid"
  "$IMAP4D" --config-file="$W/imap4d.conf" &
  echo \$! > "$W/imap4d.pid"
fi
wait
EOF
  chmod 755 "$W/run"
  rm -f "$W/pop3d.pid" "$W/imap4d.pid"
  ns_start "$W/run"
  waitfor 10 started || die "pop3d or imap4d did not start ($1): $(tail -5 "$W/ns.out" "$W/syslog" "$W"/ml-*/current 2>/dev/null)"
  sessions
  [ -n "${POPLOCK_HELD:-}" ] || attacks
  # the servers first, so that their logs end before rsyslogd or multilog
  stop_pid "$(cat "$W/pop3d.pid")"
  stop_pid "$(cat "$W/imap4d.pid")"
  ns_stop
}
started() { listening 110 && listening 143; }

EXPECT=$W/syslog.expect; : > "$EXPECT"
conf pop3d 110 yes; conf imap4d 143 yes
run syslog
keep "$W/syslog" syslog
keep "$W/syslog-iso" syslog-iso

EXPECT=$W/multilog.expect; : > "$EXPECT"
conf pop3d 110 no; conf imap4d 143 no
run multilog
cat "$W/ml-pop3/current" > "$OUT/multilog-pop3"
cat "$W/ml-imap/current" > "$OUT/multilog-imap"
grep '^mailutils/pop3 ' "$EXPECT" > "$OUT/multilog-pop3.expect"
grep '^mailutils/imap ' "$EXPECT" > "$OUT/multilog-imap.expect"
# imap4d on stderr: readlog grants none of them (doc/formats.html)
: > "$OUT/multilog-imap.grants"

rm -f "$W/syslog" "$W/syslog-iso" "$W/syslog-trusted"
EXPECT=$W/tcpserver.expect; : > "$EXPECT"
inetdconf pop3d; inetdconf imap4d
run tcpserver
cat "$W/ml-pop3/current" > "$OUT/tcpserver.multilog-pop3"
cat "$W/ml-imap/current" > "$OUT/tcpserver.multilog-imap"
cat "$W/syslog" > "$OUT/tcpserver.syslog"
cat "$EXPECT" > "$OUT/tcpserver.expect"
exit 0
