#!/bin/bash
# solid-pop3d.sh OUTDIR: Debian's solid-pop3d (0.15), unpacked into a
# private root (it conflicts with dovecot: pop3-server), run from
# tcpserver -v (ucspi-tcp) as an inetd-style server, in a private mount
# and network namespace (port 110, /var/mail, PAM service solid-pop3d and
# /etc/passwd, /etc/shadow private there; see popa3d.sh):
#   syslog, syslog-iso   solid-pop3d's own lines, through a private
#                        rsyslogd: "connect from ADDR", "user USER
#                        authenticated - ADDR"
#   tcpserver.multilog   tcpserver's stderr under multilog t (no .expect:
#                        it has addresses, no logins)
# Its library liblockfile1 comes from apt-get as usual.
# See common.sh for what OUTDIR gets.

. "$(dirname "$0")/common.sh"
. "$SRVDIR/sessions.sh"
srv_begin "$@"
command -v ip >/dev/null 2>&1 || srv_skip "ip (iproute2) is not installed"
command -v nsenter >/dev/null 2>&1 || srv_skip "nsenter is not installed"
unpack solid-pop3d
P=$W/root/usr/sbin/solid-pop3d
[ -x "$P" ] || die "no $P in the package"
if ldd "$P" | grep -q 'not found'; then
  srv_skip "solid-pop3d lacks libraries (apt-get install liblockfile1): $(ldd "$P" | grep 'not found' | head -2 | tr '\n' ' ')"
fi

NAME=solid-pop3d POP3PORT=110 IMAPPORT="" PLAIN=0 ADVOK=1
# solid-pop3d writes "user USER authenticated - ADDR": a user name made
# to look like the end of such a line, and a bare foreign address
ADVSOLID='x authenticated - 203.0.113.66'
ADVIP=203.0.113.66
POP3ADV=("$ADVSOLID" "$ADV3" "$ADVIP")
POP3FAIL=("$ADVSOLID")
# (it writes at most 40 bytes of a name, %.40s, but refuses longer
# names at USER already: "session ended - ADDR")
# spop3d: the unprivileged user it runs as (Debian's postinst makes it)
etc_users "spop3d:*:64400" "alice:alice-pw:64401" "bob:bob-pw:64402" \
  "$ADVSOLID:$ADVPASS:64403" "$ADV3:$ADVPASS:64404" "$ADVIP:$ADVPASS:64405"
sed -i 's/^spop3d:[^:]*:/spop3d:*:/' "$W/etc/shadow"

NS_NET=1
pam_mail solid-pop3d alice bob "$ADVSOLID" "$ADV3" "$ADVIP"

# the package's own configuration file, named with -f
cat > "$W/tcpserver-run" <<EOF
#!/bin/sh
# what a daemontools run script and its log/run would do
rm -f "$W/tcpserver.fifo"; mkfifo "$W/tcpserver.fifo"
multilog t "$W/tcpserver.ml" < "$W/tcpserver.fifo" &
exec tcpserver -v -RHl0 0 110 "$P" -f "$W/root/etc/spop3d.conf" 2> "$W/tcpserver.fifo"
EOF
chmod 755 "$W/tcpserver-run"
started() { listening 110; }

EXPECT=$W/syslog.expect; : > "$EXPECT"
ns_start "$W/tcpserver-run"
waitfor 10 started || die "tcpserver did not start: $(tail -5 "$W/ns.out" 2>/dev/null)"
sessions
ns_stop
keep "$W/syslog" syslog
keep "$W/syslog-iso" syslog-iso
cat "$W/tcpserver.ml/current" > "$OUT/tcpserver.multilog"
exit 0
