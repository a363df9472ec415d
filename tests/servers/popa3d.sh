#!/bin/bash
# popa3d.sh OUTDIR: Debian's popa3d (1.0.3), unpacked into a private root
# (it conflicts with dovecot: pop3-server), run twice in a private mount
# and network namespace (popa3d has port 110 and its paths compiled in:
# /var/lib/popa3d, /var/mail, /etc/pam.d/popa3d; PAM checks the users
# against /etc/passwd and /etc/shadow, of which the namespace has private
# copies with the demo users):
#   syslog, syslog-iso   popa3d -D (standalone): its own "Session from
#                        ADDR" line, then the login line, same pid
#   tcpserver.multilog   popa3d under tcpserver -v (ucspi-tcp), whose
#   tcpserver.syslog     stderr goes to multilog t: the "ok PID" line has
#                        the address, popa3d's syslog line (same pid) the
#                        user; tcpserver.expect is for the two together
# See common.sh for what OUTDIR gets.

. "$(dirname "$0")/common.sh"
. "$SRVDIR/sessions.sh"
srv_begin "$@"
command -v ip >/dev/null 2>&1 || srv_skip "ip (iproute2) is not installed"
command -v nsenter >/dev/null 2>&1 || srv_skip "nsenter is not installed"
unpack popa3d
P=$W/root/usr/sbin/popa3d
[ -x "$P" ] || die "no $P in the package"
# no libraries beyond libc and libpam: it runs from the private root as is

NAME=popa3d POP3PORT=110 IMAPPORT="" PLAIN=0 ADVOK=1
# passwd cannot hold ':' (ADV1) and popa3d takes no space in USER (ADV2):
# the adversarial users are ADV3 and a bare foreign address
ADVIP=203.0.113.66
POP3ADV=("$ADV3" "$ADVIP")
etc_users "popa3d:*:64200" "alice:alice-pw:64201" "bob:bob-pw:64202" \
  "$ADV3:$ADVPASS:64203" "$ADVIP:$ADVPASS:64204"
# popa3d's user must have no valid password: '*' is crypt's failure
sed -i 's/^popa3d:[^:]*:/popa3d:*:/' "$W/etc/shadow"

NS_NET=1
NS_SETUP="$NS_SETUP
mount -t tmpfs -o mode=755 tmpfs /var/lib; mkdir -m 755 /var/lib/popa3d"
pam_mail popa3d alice bob "$ADV3" "$ADVIP"

started() { listening 110; }

# standalone: popa3d -D puts itself in the background; ns_stop finds it
# in the namespace
EXPECT=$W/syslog.expect; : > "$EXPECT"
ns_start "$P" -D
waitfor 10 started || die "popa3d -D did not start: $(tail -5 "$W/syslog" "$W/ns.out" 2>/dev/null)"
sessions
ns_stop
keep "$W/syslog" syslog
keep "$W/syslog-iso" syslog-iso

# under tcpserver -v, its stderr to multilog t; popa3d still logs to syslog
rm -f "$W/syslog" "$W/syslog-iso" "$W/syslog-trusted"
EXPECT=$W/tcpserver.expect; : > "$EXPECT"
cat > "$W/tcpserver-run" <<EOF
#!/bin/sh
# what a daemontools run script and its log/run would do
rm -f "$W/tcpserver.fifo"; mkfifo "$W/tcpserver.fifo"
multilog t "$W/tcpserver.ml" < "$W/tcpserver.fifo" &
exec tcpserver -v -RHl0 0 110 "$P" 2> "$W/tcpserver.fifo"
EOF
chmod 755 "$W/tcpserver-run"
ns_start "$W/tcpserver-run"
waitfor 10 started || die "tcpserver did not start: $(tail -5 "$W/ns.out" 2>/dev/null)"
sessions
ns_stop
keep "$W/tcpserver.ml/current" tcpserver.multilog
keep "$W/syslog" tcpserver.syslog
rm -f "$OUT/tcpserver.multilog.expect" "$OUT/tcpserver.syslog.expect"
cat "$EXPECT" > "$OUT/tcpserver.expect"
exit 0
