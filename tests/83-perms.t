#!/bin/bash
# Permissions of the state directory (doc/state.html "Ownership and
# modes", doc/threat.html): a directory everybody may write to is
# refused by every program; writing is refused in another account's
# directory (root excepted, which hands what it creates to the owner);
# nothing in it is followed when it is a symlink, and a FIFO is no
# file; files are created with the documented modes.  relaylock, which
# only reads, stays open for mail: it warns and runs the SMTP server
# without RELAYCLIENT.
. "$(dirname "$0")/lib.sh"

# a private copy of storetool: a rebuild during the test must not pull it away
mkdir -m 755 "$T/bin" && cp "$TOP/tests/storetool" "$T/bin/" && PATH="$T/bin:$PATH"
SHOW='if [ "${RELAYCLIENT+x}" ]; then echo "set:$RELAYCLIENT"; else echo unset; fi'
rl() { env -u RELAYCLIENT -u PROTO TCPREMOTEIP=$1 relaylock -d "$2" sh -c "$SHOW"; }
now=$(date +%s)
login="$(date '+%b %e %H:%M:%S') mail dovecot: imap-login: Login: user=<alice>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, mpid=4242, secured, session=<AbCdEf0123456789>"

echo '--- a state directory everybody may write to'
d=$(newstate)
relaygrant -d "$d" 192.0.2.7 >/dev/null 2>&1
chmod 777 "$d"
checkrun "relaygrant refuses it: exit 111" 111 \
  "relaygrant: warning: refusing the state directory $d: it is writable by everybody|relaygrant: fatal: unable to append a grant to $d/journal: Permission denied" \
  relaygrant -d "$d" 192.0.2.8
check "the warning says why" 1 "$(grep -c 'writable by everybody' "$T/err")"
run rl 192.0.2.7 "$d"
check "relaylock: mail still flows, without RELAYCLIENT, for an address granted before" "unset" "$(cat "$T/out")"
checkgrep "relaylock says why" "relaylock: warning: refusing the state directory $d: it is writable by everybody" "$T/err"
checkrun "showallowed refuses it: exit 111" 111 ".*writable by everybody|showallowed: fatal: .*Permission denied" showallowed -d "$d"
printf '%s\n' "$login" > "$T/dovecot.log"
run readlog -1 -d "$d" -F dovecot "$T/dovecot.log"
check "readlog refuses it: exit 111" 111 "$rc"
checkgrep "readlog says why" "readlog: warning: refusing the state directory $d: it is writable by everybody" "$T/err"
chmod 1777 "$d"
checkrun "sticky does not make it better (relaygrant, 111)" 111 ".*writable by everybody|.*Permission denied" relaygrant -d "$d" 192.0.2.8
chmod 755 "$d"
run rl 192.0.2.7 "$d"
check "mode 0755 again: relaylock allows the grant" "set:" "$(cat "$T/out")"

echo '--- a directory of another account'
if isroot && needcmd setuidgid && id nobody >/dev/null 2>&1; then
  o=$(newstate)
  chown nobody "$o"; chmod 775 "$o"; chgrp "$(id -gn nobody)" "$o"
  checkrun "root may write in the service account's directory (relaygrant, 0)" 0 '' relaygrant -d "$o" 192.0.2.7
  check "and the journal it creates is given to the owner" "nobody 644" "$(stat -c '%U %a' "$o/journal")"
  g=$(newstate); chgrp "$(id -gn nobody)" "$g"; chmod 775 "$g"
  checkrun "another account may not write in root's directory, group-writable or not (111)" 111 \
    "relaygrant: warning: refusing to write in the state directory $g: it belongs to another account|relaygrant: fatal: unable to append a grant to $g/journal: Permission denied" \
    setuidgid nobody "$TOP/relaygrant" -d "$g" 192.0.2.7
  check "nothing was written" "" "$(ls "$g")"
  relaygrant -d "$g" 192.0.2.7
  run env -u RELAYCLIENT -u PROTO TCPREMOTEIP=192.0.2.7 setuidgid nobody "$TOP/relaylock" -d "$g" sh -c "$SHOW"
  check "reading another account's directory is fine (relaylock as nobody)" "set:" "$(cat "$T/out")"
  printf '%s\n' "$login" > "$T/dovecot2.log"; chmod 644 "$T/dovecot2.log"
  run setuidgid nobody "$TOP/readlog" -1 -d "$g" -F dovecot "$T/dovecot2.log"
  check "readlog as nobody in root's directory: exit 111" 111 "$rc"
  checkgrep "readlog says why" "belongs to another account" "$T/err"
else
  skip "a directory of another account" "needs root, setuidgid (daemontools) and the account nobody"
fi

echo '--- symlinks are not followed, FIFOs are no files'
d=$(newstate)
echo precious > "$T/target"
ln -s "$T/target" "$d/journal"
checkrun "a symlinked journal is refused (relaygrant, 111)" 111 \
  "relaygrant: warning: refusing $d/journal: it is a symbolic link|relaygrant: fatal: unable to append a grant to $d/journal: Too many levels of symbolic links" \
  relaygrant -d "$d" 192.0.2.7
check "its target is untouched" "precious" "$(cat "$T/target")"
run rl 192.0.2.7 "$d"
check "relaylock with a symlinked journal: mail flows, no RELAYCLIENT" "unset" "$(cat "$T/out")"
checkgrep "and it says why" "refusing $d/journal: it is a symbolic link" "$T/err"
rm "$d/journal"
relaygrant -d "$d" 192.0.2.7
ln -s "$T/target" "$d/snapshot.tmp"
checkrun "root compacting with a planted snapshot.tmp link (0)" 0 '' storetool compact "$d" $now
check "the link's target is untouched" "precious" "$(cat "$T/target")"
check "no snapshot.tmp left" "" "$(ls "$d" | grep snapshot.tmp)"
run rl 192.0.2.7 "$d"
check "the grant survived the compaction" "set:" "$(cat "$T/out")"
mv "$d/snapshot.cdb" "$T/snap.cdb"; ln -s "$T/snap.cdb" "$d/snapshot.cdb"
run rl 192.0.2.7 "$d"
check "a symlinked snapshot.cdb is refused: mail flows, no RELAYCLIENT" "unset" "$(cat "$T/out")"
checkgrep "relaylock says why" "refusing $d/snapshot.cdb: it is a symbolic link" "$T/err"
rm "$d/snapshot.cdb"; mv "$T/snap.cdb" "$d/snapshot.cdb"
rm -f "$d/lock"; ln -s "$T/target" "$d/lock"
checkrun "a symlinked lock: compaction refuses (storetool, 111)" 111 ".*" storetool compact "$d" $now
check "the lock's target is untouched" "precious" "$(cat "$T/target")"
rm "$d/lock"
mkfifo "$d/journal.old"
run timeout 10 storetool lookup "$d" 192.0.2.7 $now
check "a FIFO as journal.old: a lookup fails at once, does not hang (exit 111)" 111 "$rc"
checkgrep "and says what is wrong" "refusing $d/journal.old: it is not a regular file" "$T/err"
rm "$d/journal.old"; mkfifo "$d/grace"
run timeout 10 env TCPREMOTEIP=192.0.2.7 relaylock -d "$d" sh -c "$SHOW"
check "a FIFO as grace: relaylock does not hang, mail flows" "0 unset" "$rc $(cat "$T/out")"
rm "$d/grace"
chmod 666 "$d/snapshot.cdb"
run rl 192.0.2.7 "$d"
check "a snapshot everybody may write: refused, mail flows without RELAYCLIENT" "unset" "$(cat "$T/out")"
checkgrep "relaylock says why" "refusing $d/snapshot.cdb: it is writable by everybody" "$T/err"
chmod 644 "$d/snapshot.cdb"
echo 192.0.2.0/24 > "$d/allow"; chmod 666 "$d/allow"
run rl 192.0.2.9 "$d"
check "an allow file everybody may write: no network relays" "unset" "$(cat "$T/out")"
rm "$d/allow"

echo '--- modes'
d=$(newstate)
(umask 077; relaygrant -d "$d" 192.0.2.7; storetool compact "$d" $now >/dev/null; relaygrant -d "$d" 192.0.2.8)
check "journal, snapshot.cdb and lock are 0644 under umask 077" "journal 644
lock 644
snapshot.cdb 644" "$(cd "$d" && stat -c '%n %a' * | sort)"
