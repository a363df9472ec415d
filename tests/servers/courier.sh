#!/bin/bash
# tests/servers/courier.sh OUTDIR
#
# Runs the real Debian 12 Courier POP3/IMAP servers (courier-pop,
# courier-imap, courier-authlib with authuserdb) on 127.0.0.1, logs in
# from 127.0.0.41... with good and bad passwords and adversarial user
# names, stops everything, and leaves in OUTDIR:
#   courier-syslog.log          syslog, rsyslog's traditional file format
#   courier-syslog-rfc3339.log  the same messages, rsyslog 8's default format
#                               (what Debian 12's rsyslog.conf writes)
#   courier-pop3-multilog.log   couriertcpd + courierpop3login stderr under
#   courier-imap-multilog.log   multilog t (no courierlogger)
#   NAME.expect                 one line per login the server accepted, as
#                               seen by the client: SOURCE ADDR USER (USER
#                               with bytes outside 0x21..0x7e and '%' as %XX)
#   versions                    the package versions that ran
# Exit 0 done; 77 cannot run here (reason on stderr); anything else failed.
#
# Courier's servers conflict with the machine's (pop3-server), and have
# their paths compiled in (/etc/courier, /usr/lib/courier, /run/courier,
# /dev/log): they run in a private root, see root_enter in common.sh.

. "$(dirname "$0")/common.sh"
ROOT_PKGS="courier-base courier-pop courier-imap courier-authlib courier-authlib-userdb courier-authdaemon"
ROOT_CMDS="tcpclient multilog openssl" ROOT_TOOLS="rsyslog daemontools"
MAILUID=64141 MAILGID=64141

[ "${1:-}" = --inner ] || root_enter "$@"
root_mounts "$2"

# users: authuserdb, numeric uid/gid that need no passwd entry
ADV1='LOGIN, user=x, ip=[203.0.113.66]'
ADV2='[203.0.113.66]'
ADV3='u, ip=[203.0.113.66], port=[143], protocol=IMAP'
ADV4=$'j\xc3\xb6rg'
mkdir -p "$W/home"
chmod 755 "$W/home"
: > /etc/courier/userdb; chmod 600 /etc/courier/userdb
adduser_() {   # NAME PASSWORD
  local h="$W/home/u$((++nusers))"
  mkdir -p "$h/Maildir/cur" "$h/Maildir/new" "$h/Maildir/tmp"
  chown -R $MAILUID:$MAILGID "$h"; chmod -R 700 "$h"
  printf '%s\tuid=%s|gid=%s|home=%s|mail=%s/Maildir|systempw=%s\n' \
    "$1" $MAILUID $MAILGID "$h" "$h" "$(openssl passwd -6 "$2")" >> /etc/courier/userdb
}
nusers=0
adduser_ alice alicepw
adduser_ bob bobpw
adduser_ "$ADV1" advpw
adduser_ "$ADV2" advpw
adduser_ "$ADV3" advpw
adduser_ "$ADV4" advpw
makeuserdb || die "makeuserdb failed"
cat > /etc/courier/authdaemonrc <<EOF
authmodulelist="authuserdb"
authmodulelistorig="authuserdb"
daemons=3
authdaemonvar=/run/courier/authdaemon
DEBUG_LOGIN=0
DEFAULTOPTIONS=""
LOGGEROPTS=""
EOF
mkdir -p /run/courier/authdaemon
chmod 750 /run/courier/authdaemon
/usr/sbin/courierlogger -name=authdaemond /usr/lib/courier/courier-authlib/authdaemond &
waitfor 10 test -S /run/courier/authdaemon/socket || die "authdaemond did not start"

# the servers, configured as Debian's init scripts do (set -a; . config),
# on loopback ports of our own
POP3_SYSLOG=$(freeport); IMAP_SYSLOG=$(freeport)
POP3_ML=$(freeport); IMAP_ML=$(freeport)
server() {   # pop3|imap|pop3s|imaps PORT LOGGER...
  local proto=$1 port=$2 tls; shift 2
  (
    set -a +u
    prefix=/usr exec_prefix=/usr sbindir=/usr/sbin bindir=/usr/bin libexecdir=/usr/lib/courier
    case $proto in
      pop3*) . /etc/courier/pop3d; . /etc/courier/pop3d-ssl
             login="/usr/lib/courier/courier/courierpop3login /usr/lib/courier/courier/courierpop3d" ;;
      imap*) . /etc/courier/imapd; . /etc/courier/imapd-ssl
             login="/usr/lib/courier/courier/imaplogin /usr/bin/imapd" ;;
    esac
    case $proto in
      pop3s) POP3_TLS=1 POP3_STARTTLS=NO POP3_TLS_REQUIRED=0 ;;
      imaps) IMAP_TLS=1 IMAP_STARTTLS=NO IMAP_TLS_REQUIRED=0
             IMAP_CAPABILITY=$IMAP_CAPABILITY_TLS ;;
    esac
    TLS_CACHEFILE=$W/tlscache.$proto
    case $proto in
      *s) tls="$COURIERTLS -server -tcpd -user=courier" ;;
      *) tls= ;;
    esac
    set +a
    cd /usr && exec "$@" /usr/sbin/couriertcpd -address=127.0.0.1 -maxprocs=20 -maxperip=20 \
      $TCPDOPTS $port $tls $login Maildir
  ) &
  waitfor 10 listening $port || die "$proto server on port $port did not start"
}
# pop3d-ssl and imapd-ssl: couriertls with a fresh self-signed certificate
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null || die "openssl req failed"
cat "$W/key.pem" "$W/cert.pem" > /etc/courier/pop3d.pem
cp /etc/courier/pop3d.pem /etc/courier/imapd.pem
chmod 600 /etc/courier/pop3d.pem /etc/courier/imapd.pem
POP3_SSL=$(freeport); IMAP_SSL=$(freeport)
# couriertls drops to the user courier: it lives in our /etc only
echo "courier:x:64140:64140:Courier:/nonexistent:/usr/sbin/nologin" >> /etc/passwd
echo "courier:x:64140:" >> /etc/group
server pop3 $POP3_SYSLOG /usr/sbin/courierlogger -name=pop3d
server pop3s $POP3_SSL /usr/sbin/courierlogger -name=pop3d-ssl
server imaps $IMAP_SSL /usr/sbin/courierlogger -name=imapd-ssl
server imap $IMAP_SYSLOG /usr/sbin/courierlogger -name=imapd
mkdir -p "$W/ml-pop3" "$W/ml-imap"
mkfifo "$W/fifo-pop3" "$W/fifo-imap"
multilog t "$W/ml-pop3" < "$W/fifo-pop3" &
multilog t "$W/ml-imap" < "$W/fifo-imap" &
exec 3>"$W/fifo-pop3" 4>"$W/fifo-imap"
server pop3 $POP3_ML env 2>&3
server imap $IMAP_ML env 2>&4
exec 3>&- 4>&-

# sessions: one source address each, in order, so that log order is this
# order.  The syslog and the multilog runs go on side by side.
scenario() {   # EXPECTFILE POP3PORT IMAPPORT BASE (source addresses BASE+0..)
  local ex=$1 pp=$2 ip=$3 b=$4
  : > "$ex"; : > "$ex.sessions"
  session "$ex" courier/pop3 $pp 127.0.0.$((b+0)) alice alicepw
  session "$ex" courier/imap $ip 127.0.0.$((b+1)) bob bobpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+2)) alice wrongpw
  session "$ex" courier/imap $ip 127.0.0.$((b+3)) bob wrongpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+4)) "$ADV1" advpw
  session "$ex" courier/imap $ip 127.0.0.$((b+5)) "$ADV2" advpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+6)) "$ADV3" advpw
  session "$ex" courier/imap $ip 127.0.0.$((b+7)) "$ADV4" advpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+8)) "$ADV2" wrongpw
  session "$ex" courier/imap $ip 127.0.0.$((b+9)) "$ADV1" wrongpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+10)) "nosuch, ip=[203.0.113.66]" x
  session "$ex" courier/pop3 $pp 127.0.0.$((b+11)) alice alicepw abort
  session "$ex" courier/imap $ip 127.0.0.$((b+12)) bob bobpw abort
  tcpclient -RHl0 -i 127.0.0.$((b+13)) 127.0.0.1 $pp true 2>>"$W/client.err"
  session "$ex" courier/imap $ip 127.0.0.$((b+14)) alice alicepw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+15)) bob bobpw
}
tlsscenario() {   # EXPECTFILE POP3SPORT IMAPSPORT BASE
  local ex=$1 pp=$2 ip=$3 b=$4
  session "$ex" courier/pop3 $pp 127.0.0.$((b+0)) alice alicepw tls
  session "$ex" courier/imap $ip 127.0.0.$((b+1)) bob bobpw tls
  session "$ex" courier/pop3 $pp 127.0.0.$((b+2)) bob wrongpw tls
  session "$ex" courier/imap $ip 127.0.0.$((b+3)) "$ADV3" wrongpw tls
  session "$ex" courier/imap $ip 127.0.0.$((b+4)) "$ADV1" advpw tls
}
if [ -n "${POPLOCK_HELD:-}" ]; then
  # (the groundwork of issue 20: the same files, of held_scenario only)
  held_scenario "$W/syslog.expect" courier/imap $IMAP_SYSLOG 41 &
  held_scenario "$W/ml.expect" courier/imap $IMAP_ML 61
else
( scenario "$W/syslog.expect" $POP3_SYSLOG $IMAP_SYSLOG 41
  tlsscenario "$W/syslog.expect" $POP3_SSL $IMAP_SSL 81 ) &
scenario "$W/ml.expect" $POP3_ML $IMAP_ML 61
fi
wait $!
cat "$W/syslog.expect.sessions" "$W/ml.expect.sessions" > "$OUT/courier-sessions.txt"
grep '^courier/pop3 ' "$W/ml.expect" > "$W/ml-pop3.expect"
grep '^courier/imap ' "$W/ml.expect" > "$W/ml-imap.expect"

# stop the servers, then the loggers, so that every line is written
root_stop courier
cp "$W/ml-pop3/current" "$OUT/courier-pop3-multilog.log"
cp "$W/ml-imap/current" "$OUT/courier-imap-multilog.log"
cp "$W/ml-pop3.expect" "$OUT/courier-pop3-multilog.expect"
cp "$W/ml-imap.expect" "$OUT/courier-imap-multilog.expect"
exit 0
