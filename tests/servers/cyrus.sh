#!/bin/bash
# tests/servers/cyrus.sh OUTDIR
#
# Runs the real Debian 12 Cyrus IMAP 3.6 servers (cyrus-imapd, cyrus-pop3d,
# cyrus-common; SASL auxprop sasldb) under Cyrus' own master on 127.0.0.1,
# logs in from 127.0.0.101... with good and bad passwords and adversarial
# user names, over plain and TLS (imaps, pop3s) services, stops
# everything, and leaves in OUTDIR:
#   cyrus-syslog.log          syslog, rsyslog's traditional file format
#   cyrus-syslog-rfc3339.log  the same messages, rsyslog 8's default format
#                             (what Debian 12's rsyslog.conf writes)
#   NAME.expect               one line per login the server accepted, as seen
#                             by the client: SOURCE ADDR USER (USER with bytes
#                             outside 0x21..0x7e and '%' as %XX)
#   cyrus-sessions.txt        every session and what the client saw
#   versions                  the package versions that ran
# Exit 0 done; 77 cannot run here (reason on stderr); anything else failed.
# Cyrus logs only through syslog(3): there is no stderr form to capture.
#
# cyrus-imapd and cyrus-pop3d conflict with the machine's servers
# (imap-server, pop3-server), and Cyrus' tools read /etc/imapd.conf: they
# run in a private root, see root_enter in common.sh.  The user "cyrus"
# exists only in that private /etc.  couriertls (courier-base, unpacked
# alongside) is the TLS client for the imaps/pop3s sessions.

. "$(dirname "$0")/common.sh"
ROOT_PKGS="cyrus-common cyrus-imapd cyrus-pop3d sasl2-bin courier-base"
ROOT_CMDS="tcpclient openssl" ROOT_TOOLS=rsyslog

[ "${1:-}" = --inner ] || root_enter "$@"
root_mounts "$2"

# the user cyrus, in our /etc only
echo "cyrus:x:64150:8:Cyrus:$W/cyrus:/usr/sbin/nologin" >> /etc/passwd
C=$W/cyrus
mkdir -p "$C/lib" "$C/spool" "$C/sieve" /run/cyrus/proc /run/cyrus/lock /run/cyrus/socket
chmod 755 "$C"
chown -R cyrus:mail /run/cyrus "$C"

# TLS for imaps/pop3s: a fresh self-signed certificate
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$C/key.pem" -out "$C/cert.pem" 2>/dev/null || die "openssl req failed"
chown cyrus:mail "$C/key.pem" "$C/cert.pem"; chmod 600 "$C/key.pem"

# Debian's imapd.conf with our directories and SASL database
SERVERNAME=poplock-cyrus
sed -e "s#^configdirectory:.*#configdirectory: $C/lib#" \
    -e "s#^partition-default:.*#partition-default: $C/spool#" \
    -e "s#^partition-news:.*#partition-news: $C/news#" \
    -e "s#^newsspool:.*#newsspool: $C/newsspool#" \
    -e "s#^sievedir:.*#sievedir: $C/sieve#" \
    -e "s#^unixhierarchysep:.*#unixhierarchysep: yes#" \
    -e "s#^popminpoll:.*#popminpoll: 0#" /etc/imapd.conf > "$W/imapd.conf"
cat >> "$W/imapd.conf" <<EOF
servername: $SERVERNAME
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $C/sasldb2
sasl_mech_list: PLAIN LOGIN
tls_server_cert: $C/cert.pem
tls_server_key: $C/key.pem
EOF
cp "$W/imapd.conf" /etc/imapd.conf
/usr/lib/cyrus/bin/makedirs > "$W/makedirs.out" 2>&1 || die "makedirs failed: $(cat "$W/makedirs.out")"

# users, in sasldb (realm = servername, the one Cyrus asks SASL for)
# (Cyrus lowers user names, and refuses 8-bit ones: jörg only fails)
ADV1='[203.0.113.66]'
ADV2='x [203.0.113.66] plaintext user logged in'
ADV3='login: localhost [203.0.113.66] eve'
ADV4=$'j\xc3\xb6rg'
ADV5='203.0.113.66'
mkpass() { printf '%s' "$2" | saslpasswd2 -p -c -f "$C/sasldb2" -u $SERVERNAME "$1" || die "saslpasswd2 $1 failed"; }
mkpass alice alicepw
mkpass bob bobpw
mkpass "$ADV1" advpw
mkpass "$ADV2" advpw
mkpass "$ADV3" advpw
mkpass "$ADV4" advpw
mkpass "$ADV5" advpw
chown cyrus:mail "$C/sasldb2"; chmod 640 "$C/sasldb2"

POP3=$(freeport); IMAP=$(freeport); POP3S=$(freeport); IMAPS=$(freeport)
cat > /etc/cyrus.conf <<EOF
START {
	recover		cmd="/usr/sbin/cyrus ctl_cyrusdb -r"
}
SERVICES {
	imap		cmd="imapd -U 30" listen="127.0.0.1:$IMAP" prefork=0 maxchild=20
	imaps		cmd="imapd -s -U 30" listen="127.0.0.1:$IMAPS" prefork=0 maxchild=20
	pop3		cmd="pop3d -U 30" listen="127.0.0.1:$POP3" prefork=0 maxchild=20
	pop3s		cmd="pop3d -s -U 30" listen="127.0.0.1:$POP3S" prefork=0 maxchild=20
}
EVENTS {
	checkpoint	cmd="/usr/sbin/cyrus ctl_cyrusdb -c" period=30
}
EOF
/usr/lib/cyrus/bin/master -C /etc/imapd.conf -M /etc/cyrus.conf -p /run/cyrus/master.pid > "$W/master.out" 2>&1 &
for p in $IMAP $IMAPS $POP3 $POP3S; do
  waitfor 20 listening $p || die "cyrus master did not listen on $p: $(cat "$W/master.out")"
done

# sessions: one source address each, in order, so that log order is this order
scenario() {   # EXPECTFILE POP3PORT IMAPPORT POP3SPORT IMAPSPORT BASE
  local ex=$1 pp=$2 ip=$3 pps=$4 ips=$5 b=$6
  : > "$ex"; : > "$ex.sessions"
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+0)) alice alicepw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+1)) bob bobpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+2)) alice wrongpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+3)) bob wrongpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+4)) "$ADV1" advpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+5)) "$ADV2" advpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+6)) "$ADV3" advpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+7)) "$ADV4" advpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+19)) "$ADV5" advpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+8)) "$ADV2" wrongpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+9)) "$ADV3" wrongpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+10)) "nosuch [203.0.113.66]" x
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+11)) alice alicepw abort
  session "$ex" cyrus/imap $ip 127.0.0.$((b+12)) bob bobpw abort
  tcpclient -RHl0 -i 127.0.0.$((b+13)) 127.0.0.1 $pp true 2>>"$W/client.err"
  session "$ex" cyrus/imap $ip 127.0.0.$((b+14)) alice alicepw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+15)) bob bobpw
  session "$ex" cyrus/pop3 $pps 127.0.0.$((b+16)) alice alicepw tls
  session "$ex" cyrus/imap $ips 127.0.0.$((b+17)) bob bobpw tls
  session "$ex" cyrus/imap $ips 127.0.0.$((b+18)) alice wrongpw tls
}
if [ -n "${POPLOCK_HELD:-}" ]; then
  # (the groundwork of issue 20: the same files, of held_scenario only)
  held_scenario "$W/syslog.expect" cyrus/imap $IMAP 101
else
scenario "$W/syslog.expect" $POP3 $IMAP $POP3S $IMAPS 101
fi
cp "$W/syslog.expect.sessions" "$OUT/cyrus-sessions.txt"

# stop the servers, then the logger, so that every line is written
root_stop cyrus
exit 0
