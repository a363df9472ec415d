#!/bin/bash
# readlog's journal: sources.  First with a stand-in journalctl that
# writes crafted export streams (the format read exactly: binary fields,
# a message with a LF in it; journalctl ending, missing, writing what is
# not the export format), then with the real systemd-journald, run
# without systemd in new mount and pid namespaces (tests/journald.sh):
# a real Dovecot logging through syslog(3) to journald's /dev/log, its
# logins granted; the same lines sent with logger, as root and as
# nobody, refused by the default trust rules; the cursor resumed; kill
# -9 of readlog at random moments, no grant lost or doubled; a cursor
# the journal no longer has (its files rotated away and vacuumed).
. "$(dirname "$0")/lib.sh"

D='pop3-login: Login: user=<alice>, method=PLAIN, rip=ADDR, lip=127.0.0.1, mpid=7, session=<x>'
# journal ADDR STATE: how many grants of ADDR the state holds
journal() { "$TOP/tests/storetool" scan "$2" | awk -v a="$1" '$1 == a' | wc -l; }

# --- usage
checkrun "an item that is no match, dir= or trust=: exit 100" 100 'readlog: fatal: invalid journal source: journal:dovecot' readlog -n journal:dovecot
checkrun "a trust rule on a field journald does not set (no '_'): exit 100" 100 'readlog: fatal: invalid trust rule in journal:trust=SYSLOG_IDENTIFIER=dovecot' readlog -n journal:trust=SYSLOG_IDENTIFIER=dovecot
checkrun "a trust rule with an empty value: exit 100" 100 'readlog: fatal: invalid trust rule in journal:trust=_UID=0::1' readlog -n journal:trust=_UID=0::1

# --- a stand-in journalctl: it writes $FAKE/out (with --cursor=,
# $FAKE/out.cursor if there is one: the journal from that cursor on;
# with --after-cursor=, $FAKE/out.after), or
# exits $FAKE/rc, and records its arguments, one run a line
FAKE=$T/fake; mkdir -p "$FAKE/bin"
cat > "$FAKE/bin/journalctl" <<EOF
#!/bin/sh
echo "\$*" >> "$FAKE/args"
[ -f "$FAKE/rc" ] && exit \$(cat "$FAKE/rc")
case " \$* " in *" --cursor="*) [ -f "$FAKE/out.cursor" ] && exec cat "$FAKE/out.cursor" ;; esac
case " \$* " in *" --after-cursor="*) [ -f "$FAKE/out.after" ] && exec cat "$FAKE/out.after" ;; esac
cat "$FAKE/out"
EOF
chmod 755 "$FAKE/bin/journalctl"
# field NAME VALUE: text; bfield NAME VALUE: binary (64-bit LE length)
field() { printf '%s=%s\n' "$1" "$2"; }
bfield() { perl -e 'print $ARGV[0], "\n", pack("Q<", length $ARGV[1]), $ARGV[1], "\n"' -- "$1" "$2"; }
trusted() { field _UID 0; field _COMM log; field _TRANSPORT syslog; field _PID 4242; }
now=$(date +%s)
{
  field __CURSOR "s=1;i=1"; field __REALTIME_TIMESTAMP "${now}000001"; trusted
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.11}"; echo
  # the time from _SOURCE_REALTIME_TIMESTAMP, the message a binary field
  field __CURSOR "s=1;i=2"; field __REALTIME_TIMESTAMP "${now}000002"; trusted
  field _SOURCE_REALTIME_TIMESTAMP "$((now - 5))123456"
  field SYSLOG_IDENTIFIER dovecot; bfield MESSAGE "${D/ADDR/127.0.0.12}"; echo
  # a message of two lines is refused, neither line read
  field __CURSOR "s=1;i=3"; field __REALTIME_TIMESTAMP "${now}000003"; trusted
  field SYSLOG_IDENTIFIER dovecot; bfield MESSAGE "x
${D/ADDR/127.0.0.13}"; echo
  # a binary field of another name holding what looks like fields and an empty line
  field __CURSOR "s=1;i=4"; field __REALTIME_TIMESTAMP "${now}000004"; trusted
  bfield _CMDLINE "a

MESSAGE=${D/ADDR/127.0.0.14}
"
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.15}"; echo
  # no SYSLOG_IDENTIFIER: the tag is nobody's to guess
  field __CURSOR "s=1;i=5"; field __REALTIME_TIMESTAMP "${now}000005"; trusted
  field MESSAGE "${D/ADDR/127.0.0.16}"; echo
  # the tag in the message is not the tag
  field __CURSOR "s=1;i=6"; field __REALTIME_TIMESTAMP "${now}000006"; trusted
  field SYSLOG_IDENTIFIER sh; field MESSAGE "dovecot: ${D/ADDR/127.0.0.17}"; echo
} > "$FAKE/out"
PATH="$FAKE/bin:$PATH" run readlog -1 -n -v journal:SYSLOG_IDENTIFIER=dovecot
check "export stream: the logins granted at their times, the two-line message refused, exit 0" "0
dovecot dovecot/pop3 127.0.0.11 $now alice
dovecot dovecot/pop3 127.0.0.12 $((now - 5)) alice
refused dovecot (a newline in the message): x%0A${D/ADDR/127.0.0.13}
dovecot dovecot/pop3 127.0.0.15 $now alice
readlog: info: lines 6 logins 3 skipped: toolong 0 cut 0 refused 1 nologin 2 untrusted 0" "$rc
$(cat "$T/out" "$T/err")"
check "journalctl -o export, its matches after the options; -1: no --follow" "-q --no-pager -o export --no-tail SYSLOG_IDENTIFIER=dovecot" "$(cat "$FAKE/args")"

S=$(newstate)
# the journal from the last entry on: that entry, then one more
{ sed -n '/^__CURSOR=s=1;i=6$/,$p' "$FAKE/out"
  field __CURSOR "s=1;i=7"; field __REALTIME_TIMESTAMP "${now}000007"; trusted
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.20}"; echo; } > "$FAKE/out.cursor"
PATH="$FAKE/bin:$PATH" run readlog -1 -d "$S" journal:SYSLOG_IDENTIFIER=dovecot,dir=/x
check "the position is the last entry's __CURSOR, in jcursor.*" "s=1;i=6 journal:SYSLOG_IDENTIFIER=dovecot,dir=/x" "$(cut -d' ' -f3- "$S"/jcursor.*)"
PATH="$FAKE/bin:$PATH" run readlog -1 -v -d "$S" journal:SYSLOG_IDENTIFIER=dovecot,dir=/x
check "restarted, journalctl starts at the cursor (--cursor), whose entry is not read again" \
  "-q --no-pager -o export --no-tail --cursor=s=1;i=6 SYSLOG_IDENTIFIER=dovecot -D /x:readlog: info: grant dovecot dovecot/pop3 127.0.0.20 $now alice
readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0 untrusted 0" \
  "$(tail -1 "$FAKE/args"):$(cat "$T/err")"
check "the grants are in the state once, the next cursor saved" "1 1 1 1:s=1;i=7" "$(journal 127.0.0.11 "$S") $(journal 127.0.0.12 "$S") $(journal 127.0.0.15 "$S") $(journal 127.0.0.20 "$S"):$(cut -d' ' -f3 "$S"/jcursor.*)"
rm "$FAKE/out.cursor"
run relaycheck -d "$S" -F dovecot journal:SYSLOG_IDENTIFIER=dovecot,dir=/x journal:SYSLOG_IDENTIFIER=x
check "relaycheck: a journal source's times from its jcursor file, one with none a warning, exit 1" "1
ok source journal:SYSLOG_IDENTIFIER=dovecot,dir=/x: a journal: last entry read Ns ago, last login Ns ago
warning source journal:SYSLOG_IDENTIFIER=x: readlog has no position in it: it has read none of it (is it one of readlog's sources?)" \
  "$rc
$(grep '^[a-z]* source' "$T/out" | sed -E 's/[0-9]+s ago/Ns ago/g')"

# the cursor is not the first entry: it is gone from the journal
{ field __CURSOR "s=2;i=1"; field __REALTIME_TIMESTAMP "${now}000001"; trusted
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.18}"; echo; } > "$FAKE/out"
PATH="$FAKE/bin:$PATH" run readlog -1 -d "$S" journal:SYSLOG_IDENTIFIER=dovecot,dir=/x
check "a cursor the journal no longer has: a warning, and the journal read from its oldest entry" \
  "0:readlog: warning: the position in journal:SYSLOG_IDENTIFIER=dovecot,dir=/x is no longer in the journal (vacuumed or rotated away): reading it from its oldest entry
readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0 untrusted 0:-q --no-pager -o export --no-tail SYSLOG_IDENTIFIER=dovecot -D /x:1" \
  "$rc:$(cat "$T/err"):$(tail -1 "$FAKE/args"):$(journal 127.0.0.18 "$S")"

# trust rules on the fake's entries: a user's logger line
{ field __CURSOR "s=3;i=1"; field __REALTIME_TIMESTAMP "${now}000001"; field _UID 1000; field _COMM logger; field _TRANSPORT syslog
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.21}"; echo
  field __CURSOR "s=3;i=2"; field __REALTIME_TIMESTAMP "${now}000002"; field _UID 0; field _COMM log; field _TRANSPORT kernel
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.22}"; echo
  field __CURSOR "s=3;i=3"; field __REALTIME_TIMESTAMP "${now}000003"; field _UID 0; field _TRANSPORT syslog
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.23}"; echo; } > "$FAKE/out"
PATH="$FAKE/bin:$PATH" run readlog -1 -n -v journal:
check "default trust rules: a user's uid, the kernel's transport, no _COMM: each refused, said, counted" "0
refused dovecot (untrusted _UID 1000): ${D/ADDR/127.0.0.21}
refused dovecot (untrusted _TRANSPORT kernel): ${D/ADDR/127.0.0.22}
refused dovecot (untrusted _COMM missing): ${D/ADDR/127.0.0.23}
readlog: info: lines 3 logins 0 skipped: toolong 0 cut 0 refused 3 nologin 0 untrusted 3" "$rc
$(cat "$T/out" "$T/err")"
PATH="$FAKE/bin:$PATH" run readlog -1 -n journal:trust=none
check "trust=none: all three granted, as from a syslog file" "127.0.0.21 127.0.0.22 127.0.0.23" "$(cut -d' ' -f3 "$T/out" | paste -sd' ')"
PATH="$FAKE/bin:$PATH" run readlog -1 -n -v journal:trust=_UID=0:1000-1001
check "trust=_UID=0:1000-1001: only that rule, for every format" "dovecot dovecot/pop3 127.0.0.21 $now alice
dovecot dovecot/pop3 127.0.0.22 $now alice
dovecot dovecot/pop3 127.0.0.23 $now alice" "$(cat "$T/out")"

# an entry over 1 MB: a long line, and journalctl started again after it
{ field __CURSOR "s=4;i=1"; field __REALTIME_TIMESTAMP "${now}000001"; trusted
  field SYSLOG_IDENTIFIER dovecot; perl -e 'print "MESSAGE\n", pack("Q<", 1100000), "x" x 1100000, "\n\n"' 
  field __CURSOR "s=4;i=2"; field __REALTIME_TIMESTAMP "${now}000002"; trusted
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.24}"; echo; } > "$FAKE/out"
{ field __CURSOR "s=4;i=2"; field __REALTIME_TIMESTAMP "${now}000002"; trusted
  field SYSLOG_IDENTIFIER dovecot; field MESSAGE "${D/ADDR/127.0.0.24}"; echo; } > "$FAKE/out.after"
: > "$FAKE/args"
PATH="$FAKE/bin:$PATH" run readlog -1 -n journal:
check "an entry over 1 MB: a long line; journalctl started again after it (--after-cursor), the next entry read" "0:dovecot dovecot/pop3 127.0.0.24 $now alice
readlog: info: lines 2 logins 1 skipped: toolong 1 cut 0 refused 0 nologin 0 untrusted 0:-q --no-pager -o export --no-tail
-q --no-pager -o export --no-tail --after-cursor=s=4;i=1" "$rc:$(cat "$T/out" "$T/err"):$(cat "$FAKE/args")"
rm "$FAKE/out.after"

printf 'MESSAGE=x\nnot a field\n\n' > "$FAKE/out"
PATH="$FAKE/bin:$PATH" run readlog -1 -n journal:
check "what is not the export format: said, exit 111" "111:readlog: warning: unable to read journal:, watching for it: journalctl -o export wrote what is not the export format
readlog: info: lines 0 logins 0 skipped: toolong 0 cut 0 refused 0 nologin 0 untrusted 0
readlog: fatal: unable to read 1 of 1 sources" "$rc:$(cat "$T/err")"

mkdir -p "$T/nojc"; ln -s "$(command -v readlog)" "$T/nojc/readlog"
PATH="$T/nojc" run "$TOP/readlog" -1 -n journal:
check "no journalctl: said, exit 111" "111:readlog: warning: unable to read journal:, watching for it: unable to run journalctl: No such file or directory
readlog: info: lines 0 logins 0 skipped: toolong 0 cut 0 refused 0 nologin 0 untrusted 0
readlog: fatal: unable to read 1 of 1 sources" "$rc:$(cat "$T/err")"

# journalctl that keeps ending: one line, started again with a growing
# delay, and the other source read meanwhile
echo 1 > "$FAKE/rc"; : > "$FAKE/args"
S=$(newstate); : > "$T/file"
PATH="$FAKE/bin:$PATH" readlog -d "$S" journal: "$T/file" 2> "$T/die.err" & rp=$!
on_exit "kill $rp 2>/dev/null"
sleep 0.5
echo "$(date '+%b %d %H:%M:%S') host dovecot: ${D/ADDR/127.0.0.19}" >> "$T/file"
waitfor 10 sh -c '[ "$(wc -l < "$1")" -ge 3 ]' sh "$FAKE/args"
waitfor 10 sh -c '"$1" scan "$2" | grep -q "^127\.0\.0\.19 "' sh "$TOP/tests/storetool" "$S"
kill $rp; wait $rp; rc=$?
check "journalctl exiting 1 again and again: one warning, started again (1 s, 2 s...), the file read meanwhile, readlog stopped by SIGTERM exits 0" \
  "0:readlog: warning: unable to read journal:, watching for it: journalctl exited 1, starting it again:1" \
  "$rc:$(grep -v '^readlog: info: lines' "$T/die.err"):$(journal 127.0.0.19 "$S")"
rm -f "$FAKE/rc"

# --- the real systemd-journald
jd=/lib/systemd/systemd-journald
if ! isroot; then skip "systemd-journald" "not root (namespaces)"; exit 0; fi
if ! [ -x "$jd" ] || ! needcmd journalctl; then skip "systemd-journald" "$jd or journalctl is not there (package systemd)"; exit 0; fi
if ! needcmd dovecot || ! [ -x /usr/lib/dovecot/pop3 ] || ! id dovenull >/dev/null 2>&1; then skip "systemd-journald" "dovecot-pop3d is not installed"; exit 0; fi
J=$T/j; mkdir -p "$J/st" "$J/st2" "$J/dv/run" "$J/dv/state" "$J/home"
chmod 755 "$J/st" "$J/st2"
chown 65534:65534 "$J/home"
printf 'alice:{PLAIN}alice-pw\nbob:{PLAIN}bob-pw\n' > "$J/dv/passwd"
PORT=$(freeport 21470)
case $(dovecot --version) in 1.*|2.[0-3].*) V24="" ;; *) V24=1 ;; esac
{
  [ -n "$V24" ] && printf 'dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\n'
  cat <<EOF
base_dir = $J/dv/run
state_dir = $J/dv/state
protocols = pop3
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain
log_path = syslog
syslog_facility = mail
EOF
  if [ -n "$V24" ]; then cat <<EOF
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = ~/Maildir
passdb passwd-file {
  passwd_file_path = $J/dv/passwd
  default_password_scheme = PLAIN
}
userdb static {
  fields {
    uid = 65534
    gid = 65534
    home = $J/home
  }
}
EOF
  else cat <<EOF
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN $J/dv/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$J/home
}
EOF
  fi
  cat <<EOF
service pop3-login {
  inet_listener pop3 {
    $([ -n "$V24" ] && echo listen || echo address) = 127.0.0.1
    port = $PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
} > "$J/dv/dovecot.conf"
dovecot -c "$J/dv/dovecot.conf" -n > "$J/dv/conf.n" 2>&1 || { notok "dovecot takes the configuration" "$(head -5 "$J/dv/conf.n")"; exit 0; }

cat > "$J/ns.sh" <<'EOF'
J=$1 R=$2 PORT=$3 jd=$4
. "$R/tests/lib.sh"   # for waitfor, listening: it sets TOP from $0, a file of $J's
TOP=$R
. "$TOP/tests/journald.sh"
jd_start "$jd" || exit 111
ln -s /run/systemd/journal/dev-log /dev/log
SRC=journal:dir=/run/log/journal,SYSLOG_IDENTIFIER=dovecot
pop() {  # pop USER PASS: one POP3 login on loopback
  exec 3<>/dev/tcp/127.0.0.1/$PORT || return 1
  read -r -t 5 l <&3; printf 'USER %s\r\nPASS %s\r\nQUIT\r\n' "$1" "$2" >&3
  while read -r -t 5 l <&3; do case $l in +OK\ Logging*|-ERR*) break ;; esac; done
  exec 3>&-
}
jcount() { journalctl -D /run/log/journal -q -o cat SYSLOG_IDENTIFIER=dovecot | grep -c "$1"; }
dovecot -F -c "$J/dv/dovecot.conf" 2> "$J/dovecot.err" & dp=$!
waitfor 10 listening "$PORT" || { echo "dovecot did not start: $(cat "$J/dovecot.err")" >&2; kill $jdpid; exit 111; }
pop alice alice-pw
pop bob wrong
waitfor 5 sh -c '[ "$(journalctl -D /run/log/journal -q -o cat SYSLOG_IDENTIFIER=dovecot | grep -c "pop3-login: Login:")" -ge 1 ]'
# a login line in Dovecot's form, as a local user would forge it, and as root with logger
# (each logger alive until journald has read its /proc/PID/comm)
{ echo "${D/ADDR/127.0.0.66}"; sleep 1; } | setpriv --reuid 65534 --regid 65534 --clear-groups logger -p mail.info -t dovecot
{ echo "${D/ADDR/127.0.0.67}"; sleep 1; } | logger -p mail.info -t dovecot
waitfor 5 sh -c 'journalctl -D /run/log/journal -q -o cat | grep -q 127.0.0.67'
journalctl -D /run/log/journal -q -o export SYSLOG_IDENTIFIER=dovecot > "$J/dovecot.export"
"$TOP/readlog" -1 -n -v "$SRC" > "$J/dry.out" 2> "$J/dry.err"; echo $? > "$J/dry.rc"
"$TOP/readlog" -1 -d "$J/st" "$SRC" > "$J/st1.out" 2> "$J/st1.err"; echo $? > "$J/st1.rc"
"$TOP/readlog" -1 -v -d "$J/st" "$SRC" > "$J/st2.out" 2> "$J/st2.err"; echo $? > "$J/st2.rc"
kill $dp; wait $dp 2>/dev/null

# kill -9 at random moments: N logins sent as Dovecot's log process
# would (a sender named log, as root, alive while journald reads its
# /proc/PID/comm: a sender gone by then leaves the entry no _COMM, and
# the default rules refuse it), readlog killed and started again
cp /usr/bin/logger "$J/log"
N=40
( for i in $(seq 1 $N); do echo "${D/ADDR/127.0.1.$i}"; sleep 0.0$((RANDOM % 5)); done; sleep 1 ) |
  { "$J/log" -p mail.info -t dovecot; echo done > "$J/sent"; } &
k=0
while :; do
  "$TOP/readlog" -d "$J/st2" "$SRC" 2>> "$J/k.err" & rp=$!
  sleep 0.$((RANDOM % 4))$((RANDOM % 10))
  kill -9 $rp; wait $rp 2>/dev/null; k=$((k + 1))
  [ -f "$J/sent" ] && [ $k -ge 8 ] && break
done
echo $k > "$J/kills"
"$TOP/readlog" -1 -d "$J/st2" "$SRC" 2>> "$J/k.err"; echo $? > "$J/k.rc"

# the journal's files rotated away and vacuumed: the cursor is gone
journalctl -D /run/log/journal --rotate -q
journalctl -D /run/log/journal --vacuum-files=1 -q 2> /dev/null
{ echo "${D/ADDR/127.0.2.1}"; sleep 1; } | "$J/log" -p mail.info -t dovecot
waitfor 5 sh -c 'journalctl -D /run/log/journal -q -o cat | grep -q 127.0.2.1'
journalctl -D /run/log/journal -q -o cat SYSLOG_IDENTIFIER=dovecot > "$J/after-vacuum"
"$TOP/readlog" -1 -d "$J/st2" "$SRC" 2> "$J/v.err"; echo $? > "$J/v.rc"
kill $jdpid; wait $jdpid
EOF
D=$D timeout 300 unshare -m -p --fork --mount-proc env D="$D" bash "$J/ns.sh" "$J" "$TOP" "$PORT" "$jd" 2> "$J/ns.err"
rc=$?
if [ $rc != 0 ]; then notok "systemd-journald and dovecot in private namespaces" "exit $rc" "$(head -20 "$J/ns.err" "$J/journald.out" 2>/dev/null)"; exit 0; fi
ok "systemd-journald ran without systemd, dovecot logging into it through syslog(3)"
checkgrep "dovecot's login line is in the journal, from its log process as root" '^_COMM=log$' "$J/dovecot.export"
check "readlog -n -v: the real login granted, the forged ones refused by the default trust rules, exit 0" "0
dovecot dovecot/pop3 127.0.0.1 T alice
refused dovecot (untrusted _UID 65534): LINE66
refused dovecot (untrusted _COMM logger): LINE67" \
  "$(cat "$J/dry.rc")
$(grep -E '^(dovecot|refused dovecot \(untrusted)' "$J/dry.out" | sed -E 's/^(dovecot dovecot\/pop3 127\.0\.0\.1) [0-9]+ /\1 T /; s/^(refused [^:]*): .*rip=127\.0\.0\.(6[67]),.*/\1: LINE\2/')"
checkgrep "bob's failed login (a wrong password) refused, as from a file" '^refused dovecot \([^)]*\): .*user=<bob>' "$J/dry.out"
checkgrep "the counters: 2 untrusted (of 3 refused)" '^readlog: info: lines [0-9]+ logins 1 skipped: toolong 0 cut 0 refused 3 nologin [0-9]+ untrusted 2$' "$J/dry.err"
check "readlog -1 -d: the login in the state, not the forged ones" "0:1:0:0" "$(cat "$J/st1.rc"):$(journal 127.0.0.1 "$J/st"):$(journal 127.0.0.66 "$J/st"):$(journal 127.0.0.67 "$J/st")"
check "started again: it resumes after its cursor, nothing read again" "0:readlog: info: lines 0 logins 0 skipped: toolong 0 cut 0 refused 0 nologin 0 untrusted 0" "$(cat "$J/st2.rc"):$(cat "$J/st2.err")"
lost=0 twice=0
for i in $(seq 1 40); do n=$(journal 127.0.1.$i "$J/st2"); [ "$n" = 0 ] && lost=$((lost + 1)); [ "$n" -gt 1 ] && twice=$((twice + 1)); done
check "kill -9 of readlog at random moments ($(cat "$J/kills") times): of 40 logins none lost, none doubled, no warning" "0:0:0:" \
  "$(cat "$J/k.rc"):$lost:$twice:$(grep -v '^readlog: info: lines' "$J/k.err")"
checknogrep "the journal rotated and vacuumed no longer has the first logins" '127\.0\.1\.1,' "$J/after-vacuum"
check "a cursor vacuumed away: a warning, the journal read from its oldest entry, the new login granted" \
  "0:readlog: warning: the position in journal:dir=/run/log/journal,SYSLOG_IDENTIFIER=dovecot is no longer in the journal (vacuumed or rotated away): reading it from its oldest entry:1" \
  "$(cat "$J/v.rc"):$(grep -v '^readlog: info: lines' "$J/v.err"):$(journal 127.0.2.1 "$J/st2")"
