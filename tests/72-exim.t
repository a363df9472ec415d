#!/bin/bash
# A real Exim (Debian's exim4-daemon-heavy, unpacked into a private root:
# it conflicts with the Postfix installed here) with the ACL of
# doc/exim.html, reading the cdb relayexport keeps: through real SMTP, a
# relay from the address that logged in is accepted, from another
# refused, and refused again once the grant is over.
. "$(dirname "$0")/lib.sh"
what="relaying through a real Exim with the cdb"
isroot || { skip "$what" "needs root (private mounts, a user for Exim)"; exit 0; }
for c in unshare mount apt-get dpkg-deb cdb tcpclient; do
  needcmd $c || { skip "$what" "$c is not installed"; exit 0; }
done

# unpack PKG...: the .deb files from $POPLOCK_DEBS if it has them, else apt-get download
root="$T/root"
mkdir -p "$root" "$T/debs"
for p in exim4-base exim4-config exim4-daemon-heavy; do
  f=""
  [ -n "${POPLOCK_DEBS:-}" ] && f=$(ls "$POPLOCK_DEBS/${p}_"*.deb 2>/dev/null | head -1)
  if [ -z "$f" ]; then
    ( cd "$T/debs" && apt-get download "$p" ) > "$T/apt.out" 2>&1 ||
      { skip "$what" "apt-get download $p failed: $(tail -1 "$T/apt.out")"; exit 0; }
    f=$(ls "$T/debs/${p}_"*.deb | head -1)
  fi
  dpkg-deb -x "$f" "$root" || { notok "dpkg-deb -x $f"; exit 1; }
  version=$(dpkg-deb -f "$f" Version)
done
exim="$root/usr/sbin/exim4"
missing=$(ldd "$exim" 2>&1 | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ')
[ -z "$missing" ] || { skip "$what" "libraries missing (package/deps-test lists them): $missing"; exit 0; }

# Exim looks up its compiled-in user Debian-exim at start: give it one in
# private copies of passwd and group, mounted in its namespace only
uid=$(getent passwd Debian-exim | cut -d: -f3)
gid=$(getent passwd Debian-exim | cut -d: -f4)
cp /etc/passwd /etc/group "$T/"
if [ -z "$uid" ]; then
  uid=60990; while getent passwd $uid >/dev/null || getent group $uid >/dev/null; do uid=$((uid + 1)); done
  gid=$uid
  echo "Debian-exim:x:$uid:$gid::/nonexistent:/usr/sbin/nologin" >> "$T/passwd"
  echo "Debian-exim:x:$gid:" >> "$T/group"
fi

state=$(newstate)
maps="$T/maps"
mkdir -p "$maps" "$T/ex/spool" "$T/ex/log"
chown "$uid:$gid" "$T/ex/spool" "$T/ex/log"

# the blocks of doc/exim.html, with our directory for /var/lib/smtp-poplock
docblock() { docpre exim.html "$1" | sed -e "s|/var/lib/smtp-poplock/relay.cdb|$maps/relay.cdb|g" -e "s|/var/lib/smtp-poplock|$state|g"; }
[ -n "$(docblock exim-acl)" ] && [ -n "$(docblock exim-main)" ] && [ -n "$(docblock exim-run)" ] ||
  { notok "doc/exim.html has the blocks exim-run, exim-main, exim-acl"; exit 1; }
port=12625
{
  echo "primary_hostname = mx.example.org"
  echo "domainlist local_domains = example.org"
  echo "spool_directory = $T/ex/spool"
  echo "log_file_path = $T/ex/log/%slog"
  echo "local_interfaces = <; 127.0.0.1 ; ::1"
  echo "daemon_smtp_ports = $port"
  echo "host_lookup ="
  echo "keep_environment ="
  echo "tls_advertise_hosts ="
  docblock exim-main
  echo "begin acl"
  docblock exim-acl
} > "$T/exim.conf"

# the run script of the doc, with the supervision left out
docblock exim-run | grep '^exec relayexport ' > "$T/export.sh"
grep -q '^exec relayexport .* -c ' "$T/export.sh" || { notok "the run script of doc/exim.html runs relayexport -c" "$(cat "$T/export.sh")"; exit 1; }
sh "$T/export.sh" 2> "$T/export.log" &
export=$!
on_exit "kill $export 2>/dev/null"
waitfor 10 test -e "$maps/relay.cdb" || { notok "relayexport wrote $maps/relay.cdb" "$(cat "$T/export.log")"; exit 1; }

unshare -m sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"' \
  sh "$T/passwd" "$T/group" "$exim" -C "$T/exim.conf" -bdf -oP "$T/ex/pid" > "$T/exim.out" 2>&1 &
eximpid=$!
on_exit "kill $eximpid 2>/dev/null"
up() { tcpclient 127.0.0.1 $port true 2>/dev/null; }
if ! waitfor 20 up; then
  skip "$what" "Exim did not start: $(tr '\n' ' ' < "$T/exim.out" | cut -c1-300) $(tail -3 "$T/ex/log/paniclog" 2>/dev/null | tr '\n' ' ')"
  exit 0
fi
ok "a private Exim ($version) runs as root on 127.0.0.1:$port with the ACL of doc/exim.html"

relay() { rcptcode "$1" $port; }
relay6() {  # the same from ::1 to ::1, with bash's /dev/tcp
  exec 3<>"/dev/tcp/::1/$port" || return 1
  local l c
  read -t 10 -r l <&3
  for c in "HELO client.test" "MAIL FROM:<a@example.org>" "RCPT TO:<b@elsewhere.test>" QUIT; do
    printf '%s\r\n' "$c" >&3
    read -t 10 -r l <&3
    case $c in RCPT*) echo "${l:0:3}" ;; esac
  done
  exec 3<&-
}
check "before any login Exim refuses to relay for 127.0.0.86" 550 "$(relay 127.0.0.86)"
relaygrant -d "$state" -s 4 127.0.0.86
relaygrant -d "$state" -s 600 ::1
both() { cdb -q "$maps/relay.cdb" 127.0.0.86 >/dev/null && cdb -q "$maps/relay.cdb" ::1 >/dev/null; }
if waitfor 10 both; then
  ok "relayexport puts both grants into the cdb"
else
  notok "relayexport puts both grants into the cdb" "relayexport: $(kill -0 $export 2>/dev/null && echo running || echo gone)" "$(tail -20 "$T/export.log")"
fi
check "Exim relays for 127.0.0.86, which logged in" 250 "$(relay 127.0.0.86)"
check "Exim refuses to relay for 127.0.0.87, which did not" 550 "$(relay 127.0.0.87)"
check "Exim still accepts local mail from 127.0.0.87" 250 "$("$TOP/package/dialogue" 127.0.0.87 $port "HELO c.test" "MAIL FROM:<a@elsewhere.test>" "RCPT TO:<postmaster@example.org>" QUIT | sed -n '/> RCPT/{n;s/^  < //p;}' | cut -c1-3)"
check "Exim relays for ::1, which logged in (its IPv6 text is the cdb's)" 250 "$(relay6)"
gone() { cdb -q "$maps/relay.cdb" 127.0.0.86 >/dev/null; [ $? = 100 ]; }
if waitfor 15 gone; then ok "the grant's end takes 127.0.0.86 out of the cdb"; else notok "the grant's end takes 127.0.0.86 out of the cdb"; fi
check "and Exim refuses it again" 550 "$(relay 127.0.0.86)"
relayrevoke -d "$state" ::1
gone6() { cdb -q "$maps/relay.cdb" ::1 >/dev/null; [ $? = 100 ]; }
waitfor 10 gone6
check "a revoked ::1 is refused" 550 "$(relay6)"
checkgrep "Exim logged the refusal" 'H=\(client\.test\) \[127\.0\.0\.87\] .*rejected RCPT <b@elsewhere\.test>: relay not permitted' "$T/ex/log/mainlog"
checknogrep "and no lookup error" 'failed to open|lookup.*(error|failed)' "$T/ex/log/mainlog"
