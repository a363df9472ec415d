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
  "relaygrant: fatal: unable to write to the state directory $d: it is writable by everybody" \
  relaygrant -d "$d" 192.0.2.8
check "the warning says why" 1 "$(grep -c 'writable by everybody' "$T/err")"
run rl 192.0.2.7 "$d"
check "relaylock: mail still flows, without RELAYCLIENT, for an address granted before" "unset" "$(cat "$T/out")"
check "relaylock says why, in one line" "relaylock: warning: unable to read the state directory $d: it is writable by everybody" "$(cat "$T/err")"
checkrun "showallowed refuses it: exit 111" 111 "showallowed: fatal: unable to read the state directory $d: it is writable by everybody" showallowed -d "$d"
printf '%s\n' "$login" > "$T/dovecot.log"
run readlog -1 -d "$d" -F dovecot "$T/dovecot.log"
check "readlog refuses it: exit 111" 111 "$rc"
check "readlog says why, in one line" "readlog: fatal: unable to read the state directory $d: it is writable by everybody" "$(cat "$T/err")"
chmod 1777 "$d"
checkrun "sticky does not make it better (relaygrant, 111)" 111 "relaygrant: fatal: unable to write to the state directory $d: it is writable by everybody" relaygrant -d "$d" 192.0.2.8
chmod 755 "$d"
run rl 192.0.2.7 "$d"
check "mode 0755 again: relaylock allows the grant" "set:" "$(cat "$T/out")"

echo '--- a directory of another account'
if isroot && needcmd setuidgid && id nobody >/dev/null 2>&1; then
  o=$(newstate)
  chown nobody "$o"; chmod 755 "$o"; chgrp "$(id -gn nobody)" "$o"
  checkrun "root may write in the service account's directory (relaygrant, 0)" 0 '' relaygrant -d "$o" 192.0.2.7
  check "and the journal it creates is given to the owner" "nobody 644" "$(stat -c '%U %a' "$o/journal")"
  g=$(newstate)
  checkrun "another account may not write in root's directory (111)" 111 \
    "relaygrant: fatal: unable to write to the state directory $g: Permission denied" \
    setuidgid nobody "$TOP/relaygrant" -d "$g" 192.0.2.7
  check "nothing was written" "" "$(ls "$g")"
  relaygrant -d "$g" 192.0.2.7
  run env -u RELAYCLIENT -u PROTO TCPREMOTEIP=192.0.2.7 setuidgid nobody "$TOP/relaylock" -d "$g" sh -c "$SHOW"
  check "reading another account's directory is fine (relaylock as nobody)" "set:" "$(cat "$T/out")"
  printf '%s\n' "$login" > "$T/dovecot2.log"; chmod 644 "$T/dovecot2.log"
  run setuidgid nobody "$TOP/readlog" -1 -d "$g" -F dovecot "$T/dovecot2.log"
  check "readlog as nobody in root's directory: exit 111" 111 "$rc"
  check "readlog says why, in one line" "readlog: fatal: unable to write to the state directory $g: Permission denied" "$(cat "$T/err")"
else
  skip "a directory of another account" "needs root, setuidgid (daemontools) and the account nobody"
fi

echo '--- symlinks are not followed, FIFOs are no files'
d=$(newstate)
echo precious > "$T/target"
ln -s "$T/target" "$d/journal"
checkrun "a symlinked journal is refused (relaygrant, 111)" 111 \
  "relaygrant: fatal: unable to append to $d/journal: it is a symbolic link" \
  relaygrant -d "$d" 192.0.2.7
check "its target is untouched" "precious" "$(cat "$T/target")"
run rl 192.0.2.7 "$d"
check "relaylock with a symlinked journal: mail flows, no RELAYCLIENT" "unset" "$(cat "$T/out")"
check "and it says why, in one line" "relaylock: warning: unable to read $d/journal: it is a symbolic link" "$(cat "$T/err")"
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
check "relaylock says why, in one line" "relaylock: warning: unable to read $d/snapshot.cdb: it is a symbolic link" "$(cat "$T/err")"
rm "$d/snapshot.cdb"; mv "$T/snap.cdb" "$d/snapshot.cdb"
rm -f "$d/lock"; ln -s "$T/target" "$d/lock"
checkrun "a symlinked lock: compaction refuses (storetool, 111)" 111 "storetool: fatal: unable to lock $d/lock: it is a symbolic link" storetool compact "$d" $now
check "the lock's target is untouched" "precious" "$(cat "$T/target")"
rm "$d/lock"
mkfifo "$d/journal.old"
run timeout 10 storetool lookup "$d" 192.0.2.7 $now
check "a FIFO as journal.old: a lookup fails at once, does not hang (exit 111)" 111 "$rc"
check "and says what is wrong, in one line" "storetool: fatal: unable to read $d/journal.old: it is not a regular file" "$(cat "$T/err")"
rm "$d/journal.old"; mkfifo "$d/grace"
run timeout 10 env TCPREMOTEIP=192.0.2.7 relaylock -d "$d" sh -c "$SHOW"
check "a FIFO as grace: relaylock does not hang, mail flows" "0 unset" "$rc $(cat "$T/out")"
rm "$d/grace"
chmod 666 "$d/snapshot.cdb"
run rl 192.0.2.7 "$d"
check "a snapshot everybody may write: refused, mail flows without RELAYCLIENT" "unset" "$(cat "$T/out")"
check "relaylock says why, in one line" "relaylock: warning: unable to read $d/snapshot.cdb: it is writable by everybody" "$(cat "$T/err")"
chmod 644 "$d/snapshot.cdb"
echo 192.0.2.0/24 > "$d/allow"; chmod 666 "$d/allow"
run rl 192.0.2.9 "$d"
check "an allow file everybody may write: no network relays" "unset" "$(cat "$T/out")"
rm "$d/allow"

echo '--- modes'
d=$(newstate)
(umask 077; relaygrant -d "$d" 192.0.2.7; storetool compact "$d" $now >/dev/null; relaygrant -d "$d" 192.0.2.8)
check "journal and snapshot.cdb are 0644 under umask 077, lock 0600" "journal 644
lock 600
snapshot.cdb 644" "$(cd "$d" && stat -c '%n %a' * | sort)"

echo '--- the lock is the owner'"'"'s alone'
# holds the lock in the process itself (flock CMD would leave it to its child)
holdlock() { exec 9<"$1"; flock 9; exec sleep 20; }
d=$(newstate); relaygrant -d "$d" 192.0.2.7
: > "$d/lock"; chmod 644 "$d/lock"
checkrun "a lock others could open (0644, older versions) is replaced at the next compaction" 0 '' storetool compact "$d" $now
check "  ... by one of mode 0600 (the library never chmods a lock: only a new file is 0600)" "600" "$(stat -c %a "$d/lock")"
if isroot && needcmd setuidgid; then
  run setuidgid nobody flock -n "$d/lock" true
  check "another account cannot open the lock, so cannot hold compaction off" "66 flock: cannot open lock file $d/lock: Permission denied" "$rc $(cat "$T/err")"
  relaygrant -d "$d" 192.0.2.8
  checkrun "and compaction goes on" 0 '' storetool compact "$d" $now
else
  skip "another account and the lock" "needs root and setuidgid to run as nobody"
fi
chmod 644 "$d/lock"
holdlock "$d/lock" & holder=$!; on_exit "kill $holder 2>/dev/null"
sleep 1
checkrun "a 0644 lock held by somebody: compaction says so and what to do" 111 \
  "storetool: fatal: unable to lock $d/lock: it is held, and other accounts could have opened it: remove it" storetool compact "$d" $now
kill $holder; wait $holder 2>/dev/null
storetool compact "$d" $now >/dev/null
holdlock "$d/lock" & holder=$!; on_exit "kill $holder 2>/dev/null"
sleep 1
touch -d '-2 hours' "$d/snapshot.cdb"
printf '%s\n' "$login" > "$T/dovecot3.log"
run readlog -1 -d "$d" -F dovecot "$T/dovecot3.log"
check "readlog kept out of compaction for long: exit 0" 0 "$rc"
checkgrep "  ... and it says so, naming the lock and how long" \
  "^readlog: warning: unable to lock $d/lock: it is held by another process: no compaction for 72[0-9][0-9] seconds\$" "$T/err"
check "  ... in one line" 1 "$(grep -c warning "$T/err")"
kill $holder; wait $holder 2>/dev/null
touch "$d/snapshot.cdb"; relaygrant -d "$d" 192.0.2.9
holdlock "$d/lock" & holder=$!; on_exit "kill $holder 2>/dev/null"
sleep 1
checkrun "a lock held briefly (another compactor at work): busy, no warning" 0 '' storetool compact "$d" $now
check "  ... busy" busy "$(cat "$T/out")"
kill $holder; wait $holder 2>/dev/null

echo '--- a group-writable directory, files of other accounts'
if isroot && needcmd setuidgid && needcmd useradd && needcmd userdel; then
  a=plk$$a; b=plk$$b
  on_exit "userdel $b 2>/dev/null; userdel $a 2>/dev/null; groupdel $a 2>/dev/null"
  if useradd -M -U -s /bin/false "$a" && useradd -M -N -g nogroup -s /bin/false "$b"; then
    d=$(newstate); chown "$a:$a" "$d"; chmod 775 "$d"
    relaygrant -d "$d" 192.0.2.7
    run rl 192.0.2.7 "$d"
    check "group-writable, the group the owner's alone (its private group): accepted" "set:" "$(cat "$T/out")"
    usermod -a -G "$a" "$b"
    # setuidgid drops supplementary groups: su keeps them (initgroups)
    su -s /bin/sh -c "'$T/bin/storetool' fmt + $now 0 192.0.2.66 dovecot/imap planted >> '$d/journal.old'" "$b"
    check "a member of the group could plant a journal with a valid CRC" "1" "$(grep -c ' 192.0.2.66 ' "$d/journal.old")"
    run rl 192.0.2.66 "$d"
    check "once the group has another member: refused, no RELAYCLIENT for the planted address" "unset" "$(cat "$T/out")"
    check "  ... and relaylock says why, in one line" "relaylock: warning: unable to read the state directory $d: it is writable by a group other accounts are in" "$(cat "$T/err")"
    checkrun "relaygrant refuses it too" 111 "relaygrant: fatal: unable to write to the state directory $d: it is writable by a group other accounts are in" relaygrant -d "$d" 192.0.2.8
    gpasswd -q -d "$b" "$a" >/dev/null 2>&1 || gpasswd -d "$b" "$a" >/dev/null
    usermod -g "$a" "$b"
    run rl 192.0.2.66 "$d"
    check "another account with the group as its primary group: refused too" "unset relaylock: warning: unable to read the state directory $d: it is writable by a group other accounts are in" "$(cat "$T/out") $(cat "$T/err")"
    chmod 755 "$d"
    run rl 192.0.2.66 "$d"
    check "mode 0755, but journal.old belongs to $b: refused" "unset relaylock: warning: unable to read $d/journal.old: it belongs to another account" "$(cat "$T/out") $(cat "$T/err")"
    rm "$d/journal.old"
    chgrp nogroup "$d/journal"; chmod 664 "$d/journal"
    run rl 192.0.2.7 "$d"
    check "a journal writable by a shared group: refused" "unset relaylock: warning: unable to read $d/journal: it is writable by a group other accounts are in" "$(cat "$T/out") $(cat "$T/err")"
    chmod 644 "$d/journal"; chown root "$d/journal"
    run rl 192.0.2.7 "$d"
    check "a journal of root's in the owner's directory: accepted" "set:" "$(cat "$T/out")"
  else
    notok "create the throwaway accounts $a and $b"
  fi
else
  skip "group-writable directories" "needs root, setuidgid, useradd and userdel"
fi
