#!/bin/bash
# logpopauth-post and logpopauth-pre run directly, the way tcpserver,
# qmail-popup and checkpassword would run them: post without pre (the
# log line readlog reads), pre and post together (the grant in the state
# directory), and every failure path, each with its exit code and its
# stderr, and the inner program still run.  The real POP3 chain is
# 51-logpopauth-chain.t.
. "$(dirname "$0")/lib.sh"

for p in logpopauth-pre logpopauth-post; do
  [ -x "$TOP/$p" ] || { notok "$p is not built"; exit 1; }
done

# the inner program: says it ran, and whether POPLOCKFD reached it
INNER='echo "inner ${POPLOCKFD-unset}"'
# a clean environment, as a server would give
e() { env -i PATH="$PATH" "$@"; }

# prerun NAME CMD...: runs CMD (a chain starting with logpopauth-pre),
# stdout in $T/NAME.out, stderr in $T/NAME.err, exit code in $T/NAME.rc,
# and returns only when every holder of its stderr has closed it: pre's
# recorder keeps a stderr that is not a socket, so this waits for the
# recorder to be done.
prerun() {
  local n=$1; shift
  { "$@" 2>&1 >"$T/$n.out" </dev/null; echo $? > "$T/$n.rc"; } | cat > "$T/$n.err"
}

# records ADDR DIR: the grants for ADDR in DIR's journal, as "USER SOURCE"
records() {
  [ -f "$2/journal" ] || return 0
  awk -v a="$1" '$1 == "+" && $4 == a && NF == 7 { print $6, $5 }' "$2/journal"
}

# allowed ADDR DIR: what relaylock says of ADDR ("set:" or "unset")
allowed() {
  e TCPREMOTEIP="$1" relaylock -d "$2" sh -c 'if [ "${RELAYCLIENT+x}" ]; then echo set:; else echo unset; fi' 2>&1
}
haverelaylock() { [ -x "$TOP/relaylock" ]; }

echo "--- logpopauth-post without pre: one line on stderr for readlog"
checkrun "post: TCPREMOTEIP and USER give the login line" 0 \
  'logpopauth-post: info: login 127\.0\.0\.5 alice' \
  e TCPREMOTEIP=127.0.0.5 USER=alice logpopauth-post sh -c "$INNER"
check "post: the inner program ran, no POPLOCKFD" "inner unset" "$(cat "$T/out")"
checkrun "post: \${PROTO}REMOTEIP, mapped IPv6 written as IPv4" 0 \
  'logpopauth-post: info: login 127\.0\.0\.6 bob' \
  e PROTO=TCP6 TCP6REMOTEIP=::ffff:127.0.0.6 USER=bob logpopauth-post sh -c "$INNER"
checkrun "post -D: \$IP, as Dovecot's script-login sets it" 0 \
  'logpopauth-post: info: login 2001:db8::1 carol' \
  e IP=2001:DB8:0:0::1 USER=carol logpopauth-post -D sh -c "$INNER"
check "post -D: the inner program ran" "inner unset" "$(cat "$T/out")"
checkrun "post -D: IP alone, never \${PROTO}REMOTEIP" 0 \
  'logpopauth-post: info: login 127\.0\.0\.8 dave' \
  e TCPREMOTEIP=127.0.0.7 IP=127.0.0.8 USER=dave logpopauth-post -D true
checkrun "post: without -D, never \$IP (an envdir's listen address): not recorded" 0 \
  'logpopauth-post: warning: unable to read the client address: TCPREMOTEIP is not set: login not recorded' \
  e IP=0 USER=dave logpopauth-post true
checkrun "post: without -D, TCPREMOTEIP, whatever IP says" 0 \
  'logpopauth-post: info: login 127\.0\.0\.7 dave' \
  e TCPREMOTEIP=127.0.0.7 IP=127.0.0.8 USER=dave logpopauth-post true
checkrun "post: user name escaped as records write it" 0 \
  'logpopauth-post: info: login 127\.0\.0\.5 a%20b%25c%0Alogpopauth-post:%20info:%20login%201\.2\.3\.4%20x' \
  e TCPREMOTEIP=127.0.0.5 USER="$(printf 'a b%%c\nlogpopauth-post: info: login 1.2.3.4 x')" logpopauth-post true
checkrun "post: a user named - is %2D" 0 'logpopauth-post: info: login 127\.0\.0\.5 %2D' \
  e TCPREMOTEIP=127.0.0.5 USER=- logpopauth-post true
checkrun "post: no USER: user -" 0 'logpopauth-post: info: login 127\.0\.0\.5 -' \
  e TCPREMOTEIP=127.0.0.5 logpopauth-post true

echo "--- post: no address, a bad address: a warning, no login line, the session goes on"
checkrun "post: address missing: warning, exit 0" 0 \
  'logpopauth-post: warning: unable to read the client address: TCPREMOTEIP is not set: login not recorded' \
  e USER=alice logpopauth-post sh -c "$INNER"
check "post: address missing: the inner program ran" "inner unset" "$(cat "$T/out")"
checkrun "post: address invalid: warning, exit 0" 0 \
  'logpopauth-post: warning: invalid client address in TCPREMOTEIP: 300\.1\.1\.1: login not recorded' \
  e TCPREMOTEIP=300.1.1.1 USER=alice logpopauth-post sh -c "$INNER"
check "post: address invalid: the inner program ran" "inner unset" "$(cat "$T/out")"
checkrun "post -D: invalid \$IP named in the warning" 0 \
  'logpopauth-post: warning: invalid client address in IP: fe80::1%25eth0: login not recorded' \
  e IP=fe80::1%eth0 USER=alice logpopauth-post -D sh -c "$INNER"
checkrun "post -D: no \$IP" 0 \
  'logpopauth-post: warning: unable to read the client address: IP is not set: login not recorded' \
  e TCPREMOTEIP=127.0.0.7 USER=alice logpopauth-post -D sh -c "$INNER"
checkrun "post: a forged line in the address stays one escaped warning" 0 \
  'logpopauth-post: warning: invalid client address in TCPREMOTEIP: 1\.2%0Alogpopauth-post:%20info:%20login%201\.1\.1\.1%20x: login not recorded' \
  e TCPREMOTEIP="$(printf '1.2\nlogpopauth-post: info: login 1.1.1.1 x')" USER=x logpopauth-post true

echo "--- post: usage and exec errors"
checkrun "post: no program: usage, exit 100" 100 'logpopauth-post: usage: logpopauth-post \[ -D \] prog\.\.\.' \
  e TCPREMOTEIP=127.0.0.5 USER=alice logpopauth-post
checkrun "post -D, no program: usage, exit 100" 100 'logpopauth-post: usage: logpopauth-post \[ -D \] prog\.\.\.' \
  e IP=127.0.0.5 USER=alice logpopauth-post -D
checkrun "post: unknown option: usage, exit 100" 100 'logpopauth-post: usage: logpopauth-post \[ -D \] prog\.\.\.' \
  e TCPREMOTEIP=127.0.0.5 USER=alice logpopauth-post -x true
checkrun "post: a missing program: exit 127 after the login line" 127 \
  'logpopauth-post: info: login 127\.0\.0\.5 alice
logpopauth-post: fatal: unable to exec /nonexistent/prog: No such file or directory' \
  e TCPREMOTEIP=127.0.0.5 USER=alice logpopauth-post /nonexistent/prog

echo "--- post with POPLOCKFD: the user name down the pipe, nothing on stderr"
mkfifo "$T/fifo"
cat "$T/fifo" > "$T/got" & catpid=$!
checkrun "post: POPLOCKFD: exit 0, stderr empty" 0 '' \
  e TCPREMOTEIP=127.0.0.5 USER=alice POPLOCKFD=7 logpopauth-post sh -c "$INNER; ls /proc/\$\$/fd" 7>"$T/fifo"
wait $catpid
check "post: POPLOCKFD: the pipe got the user name and a newline" "alice." "$(tr '\n' . < "$T/got")"
check "post: POPLOCKFD: removed from the inner program's environment" "inner unset" "$(head -1 "$T/out")"
checknogrep "post: POPLOCKFD: descriptor 7 closed before the exec" '^7$' "$T/out"
long=$(printf 'u%.0s' $(seq 100))
cat "$T/fifo" > "$T/got" & catpid=$!
checkrun "post: POPLOCKFD: a long user name" 0 '' \
  e USER="$long" POPLOCKFD=7 logpopauth-post true 7>"$T/fifo"
wait $catpid
check "post: POPLOCKFD: the user name cut at 64 bytes" "$(printf 'u%.0s' $(seq 64))." "$(tr '\n' . < "$T/got")"
cat "$T/fifo" > "$T/got" & catpid=$!
checkrun "post: POPLOCKFD: a user name with a newline" 0 '' \
  e USER="$(printf 'a\nb')" POPLOCKFD=7 logpopauth-post true 7>"$T/fifo"
wait $catpid
check "post: POPLOCKFD: a user name with a newline is sent as unknown" "." "$(tr '\n' . < "$T/got")"
checkrun "post: POPLOCKFD naming stdout: refused, the login line instead" 0 \
  'logpopauth-post: warning: invalid POPLOCKFD: not a pipe descriptor
logpopauth-post: info: login 127\.0\.0\.5 alice' \
  e TCPREMOTEIP=127.0.0.5 USER=alice POPLOCKFD=1 logpopauth-post sh -c "$INNER"
check "post: POPLOCKFD=1: nothing written to stdout but the inner program's" "inner unset" "$(cat "$T/out")"
checkrun "post: POPLOCKFD not a number: refused, the login line instead" 0 \
  'logpopauth-post: warning: invalid POPLOCKFD: not a pipe descriptor
logpopauth-post: info: login 127\.0\.0\.5 alice' \
  e TCPREMOTEIP=127.0.0.5 USER=alice POPLOCKFD=7x logpopauth-post sh -c "$INNER"
# the reader is gone: EPIPE, not a death by SIGPIPE
exec 8<> "$T/fifo"; exec 9> "$T/fifo"; exec 8<&-
checkrun "post: the recorder gone: warning, the login line instead, exit 0" 0 \
  'logpopauth-post: warning: unable to write to POPLOCKFD: Broken pipe
logpopauth-post: info: login 127\.0\.0\.5 alice' \
  e TCPREMOTEIP=127.0.0.5 USER=alice POPLOCKFD=9 logpopauth-post sh -c "$INNER"
exec 9>&-
check "post: the recorder gone: the inner program ran" "inner unset" "$(cat "$T/out")"

echo "--- pre and post: the grant in the state directory"
d=$(newstate)
chmod 700 "$d"
prerun ok e TCPREMOTEIP=127.0.0.41 logpopauth-pre -d "$d" \
  sh -c "echo \"pre \${POPLOCKFD-unset}\"; USER=alice logpopauth-post sh -c '$INNER; ls /proc/\$\$/fd'"
check "pre+post: exit 0" 0 "$(cat "$T/ok.rc")"
check "pre+post: nothing on stderr" "" "$(cat "$T/ok.err")"
checkgrep "pre+post: pre passed a descriptor in POPLOCKFD" '^pre [0-9]+$' "$T/ok.out"
checkgrep "pre+post: the inner program ran without POPLOCKFD" '^inner unset$' "$T/ok.out"
fd=$(sed -n 's/^pre //p' "$T/ok.out")
checknogrep "pre+post: the inner program does not hold the pipe" "^$fd\$" <(sed 1,2d "$T/ok.out")
check "pre+post: one grant for 127.0.0.41, user alice, source logpopauth/pop3" \
  "alice logpopauth/pop3" "$(records 127.0.0.41 "$d")"
checkgrep "pre+post: the record: + TIME 0 ADDR SOURCE USER CRC" \
  '^\+ [0-9]+ 0 127\.0\.0\.41 logpopauth/pop3 alice [0-9a-f]{8}$' "$d/journal"
if haverelaylock; then
  check "pre+post: relaylock allows 127.0.0.41" "set:" "$(allowed 127.0.0.41 "$d")"
  check "pre+post: relaylock does not allow 127.0.0.42" "unset" "$(allowed 127.0.0.42 "$d")"
else
  skip "pre+post: relaylock allows 127.0.0.41" "relaylock is not built yet"
fi

prerun src e PROTO=TCP6 TCP6REMOTEIP=::1 logpopauth-pre -l courier/pop3 -d "$d" \
  sh -c "USER='x y' logpopauth-post true"
check "pre -s, PROTO=TCP6: exit 0, quiet" "0:" "$(cat "$T/src.rc"):$(cat "$T/src.err")"
check "pre -s: the grant has the source, the user escaped" "x%20y courier/pop3" "$(records ::1 "$d")"

prerun fail e TCPREMOTEIP=127.0.0.43 logpopauth-pre -d "$d" sh -c "$INNER"
check "pre, no login (post never ran): exit 0, quiet" "0:" "$(cat "$T/fail.rc"):$(cat "$T/fail.err")"
checkgrep "pre, no login: the session was served" '^inner [0-9]+$' "$T/fail.out"
check "pre, no login: no grant once the recorder is done" "" "$(records 127.0.0.43 "$d")"

prerun pw e TCPREMOTEIP=127.0.0.44 POPLOCKFD=5 logpopauth-pre -d "$d" sh -c "USER=bob logpopauth-post true"
check "pre: a POPLOCKFD from outside is replaced by pre's own: quiet, the grant made" "0::bob logpopauth/pop3" \
  "$(cat "$T/pw.rc"):$(cat "$T/pw.err"):$(records 127.0.0.44 "$d")"

echo "--- pre: failures are warnings, and the session goes on without POPLOCKFD"
prerun nodir e TCPREMOTEIP=127.0.0.45 POPLOCKFD=5 logpopauth-pre -d "$T/nonexistent" sh -c "$INNER"
check "pre: state directory missing: exit 0" 0 "$(cat "$T/nodir.rc")"
check "pre: state directory missing: the warning" \
  "logpopauth-pre: warning: unable to use the state directory $T/nonexistent: No such file or directory" \
  "$(cat "$T/nodir.err")"
check "pre: state directory missing: the session was served, no POPLOCKFD" "inner unset" "$(cat "$T/nodir.out")"
prerun nodir2 e TCPREMOTEIP=127.0.0.45 logpopauth-pre -d "$T/nonexistent" \
  sh -c "USER=alice logpopauth-post sh -c '$INNER'"
check "pre: state directory missing: post falls back to the login line" \
  "logpopauth-pre: warning: unable to use the state directory $T/nonexistent: No such file or directory
logpopauth-post: info: login 127.0.0.45 alice" "$(cat "$T/nodir2.err")"
: > "$T/afile"
prerun notdir e TCPREMOTEIP=127.0.0.45 logpopauth-pre -d "$T/afile" sh -c "$INNER"
check "pre: state directory is a file: warning, session served" \
  "0:logpopauth-pre: warning: the state directory $T/afile is not a directory: login not recorded:inner unset" \
  "$(cat "$T/notdir.rc"):$(cat "$T/notdir.err"):$(cat "$T/notdir.out")"
prerun noaddr e POPLOCKFD=5 logpopauth-pre -d "$d" sh -c "$INNER"
check "pre: address missing: warning, session served, no POPLOCKFD" \
  "0:logpopauth-pre: warning: unable to read the client address: TCPREMOTEIP is not set: login not recorded:inner unset" \
  "$(cat "$T/noaddr.rc"):$(cat "$T/noaddr.err"):$(cat "$T/noaddr.out")"
# a run script's envdir (env/IP) sets IP to the listen address: never the client's
prerun envip e IP=0.0.0.0 logpopauth-pre -d "$d" sh -c "USER=alice logpopauth-post true"
check "pre: only IP set (a run script's): warning, session served, nothing recorded" \
  "0:logpopauth-pre: warning: unable to read the client address: TCPREMOTEIP is not set: login not recorded
logpopauth-post: warning: unable to read the client address: TCPREMOTEIP is not set: login not recorded:" \
  "$(cat "$T/envip.rc"):$(cat "$T/envip.err"):$(cat "$T/envip.out")"
check "pre: no grant for the listen address" "" "$(records 0.0.0.0 "$d")"
prerun badaddr e TCPREMOTEIP=1.2.3 logpopauth-pre -d "$d" sh -c "$INNER"
check "pre: address invalid: warning, session served, no POPLOCKFD" \
  "0:logpopauth-pre: warning: invalid client address in TCPREMOTEIP: 1.2.3: login not recorded:inner unset" \
  "$(cat "$T/badaddr.rc"):$(cat "$T/badaddr.err"):$(cat "$T/badaddr.out")"
check "pre: no grant for a bad address" "" "$(grep -c ' 1\.2\.3 ' "$d/journal" | grep -v '^0$')"

if isroot; then
  ro=$(newstate); chmod 500 "$ro"; chown nobody "$ro"
  prerun ro2 e TCPREMOTEIP=127.0.0.46 logpopauth-pre -d "$ro" sh -c "USER=alice logpopauth-post true"
  checkgrep "pre: the recorder cannot write: a warning in pre's log, the login went on (exit 0)" \
    '^logpopauth-recorder: warning: unable to record the login from 127\.0\.0\.46 in .*: Permission denied$' "$T/ro2.err"
  check "pre: the recorder cannot write: exit 0" 0 "$(cat "$T/ro2.rc")"
  # the recorder runs as the directory's owner, so what it creates is that account's
  own=$(newstate); chown nobody:nogroup "$own"; chmod 700 "$own"
  prerun own e TCPREMOTEIP=127.0.0.47 logpopauth-pre -d "$own" sh -c "USER=alice logpopauth-post true"
  check "pre: the recorder writes as the state directory's owner" "nobody" "$(stat -c %U "$own/journal" 2>&1)"
  check "pre: the grant is there" "alice logpopauth/pop3" "$(records 127.0.0.47 "$own")"
else
  skip "pre: the recorder as the state directory's owner" "needs root"
fi

echo "--- pre with stdin and stderr closed: the pipe never becomes the chain's stderr"
# recorders DIR: the pids of the recorders started from DIR still running
# (logpopauth-pre's forks before their exec, logpopauth-recorder after:
# comm is cut at 15 bytes; a zombie has no cwd)
recorders() {
  local f c
  for f in /proc/[0-9]*/comm; do
    read -r c < "$f" 2>/dev/null || continue
    [ "$c" = logpopauth-pre ] || [ "$c" = logpopauth-reco ] || continue
    [ "$(readlink "${f%/comm}/cwd" 2>/dev/null)" = "$1" ] && { f=${f%/comm}; echo "${f#/proc/}"; }
  done
}
norecorder() { [ -z "$(recorders "$1")" ]; }
# exec1 DIR: the pid of the one logpopauth-recorder (exec'd, not a fork of
# pre's yet) started from DIR, if there is one
exec1() {
  local p c n=0 one=
  for p in $(recorders "$1"); do
    read -r c < "/proc/$p/comm" 2>/dev/null && [ "$c" = logpopauth-reco ] && { one=$p; n=$((n + 1)); }
  done
  [ "$n" = 1 ] && echo "$one"
}
hasexec1() { [ -n "$(exec1 "$1")" ]; }
cw="$T/closed"; mkdir -m 700 "$cw"
( cd "$cw" && e TCPREMOTEIP=127.0.0.56 logpopauth-pre -d "$cw" \
    sh -c 'echo "$POPLOCKFD" > fd; echo mallory >&2 2>/dev/null; exit 0' 0<&- 2>&- )
check "pre, 0 and 2 closed: POPLOCKFD is 3 or above" "yes" "$( [ "$(cat "$cw/fd")" -ge 3 ] 2>/dev/null && echo yes)"
if waitfor 10 norecorder "$cw"; then
  check "pre, 0 and 2 closed: what the chain writes on stderr grants nothing" "" "$(records 127.0.0.56 "$cw")"
else
  notok "pre, 0 and 2 closed: the recorder ended with the session"
fi
( cd "$cw" && e TCPREMOTEIP=127.0.0.57 logpopauth-pre -d "$cw" sh -c 'USER=alice logpopauth-post true' 0<&- 2>&- )
waitfor 10 norecorder "$cw"
check "pre, 0 and 2 closed: a real login is granted" "alice logpopauth/pop3" "$(records 127.0.0.57 "$cw")"

echo "--- pre starts logpopauth-recorder, found in PATH, with nothing of the connection"
rc_=$T/rec; mkdir -m 700 "$rc_"
( cd "$rc_" && e TCPREMOTEIP=127.0.0.66 logpopauth-pre -d "$rc_" sh -c 'sleep 5' 2> "$rc_/err" ) &
waitfor 5 hasexec1 "$rc_"
rp=$(exec1 "$rc_")
check "pre: the recorder is logpopauth-recorder dir source address" \
  "logpopauth-recorder $rc_ logpopauth/pop3 127.0.0.66" "$(tr '\0' ' ' < "/proc/$rp/cmdline" 2>&1 | sed 's/ $//')"
check "pre: the recorder holds 0 (the pipe), 1 (/dev/null) and 2 (the log), nothing else" \
  "0 pipe 1 /dev/null 2 $rc_/err" \
  "$(for f in /proc/$rp/fd/*; do printf '%s %s ' "${f##*/}" "$(readlink "$f" | sed 's/:.*//')"; done | sed 's/ $//')"
check "pre: the recorder is in a session of its own" "$rp" "$(awk '{ print $6 }' "/proc/$rp/stat" 2>&1)"
wait
rc_=$T/rec-k; mkdir -m 700 "$rc_"
( cd "$rc_" && e TCPREMOTEIP=127.0.0.67 logpopauth-pre -k -d "$rc_" sh -c 'sleep 5' 2> "$rc_/err" ) &
waitfor 5 hasexec1 "$rc_"
rp=$(exec1 "$rc_")
check "pre -k: the recorder gets -k with the session's pid and -f 3" \
  "logpopauth-recorder -k PID -f 3 $rc_ logpopauth/pop3 127.0.0.67" \
  "$(tr '\0' ' ' < "/proc/$rp/cmdline" 2>&1 | sed -E 's/ $//; s/-k [1-9][0-9]*/-k PID/')"
check "pre -k: descriptor 3 is a pidfd" "anon_inode:[pidfd]" "$(readlink "/proc/$rp/fd/3")"
wait
mkdir "$T/norec"
ln -s "$TOP/logpopauth-pre" "$TOP/logpopauth-post" "$T/norec/"
checkrun "pre: no logpopauth-recorder in PATH: a warning, the session served without POPLOCKFD" 0 \
  'logpopauth-pre: warning: unable to start the recorder: No such file or directory' \
  env -i PATH="$T/norec:/usr/bin:/bin" TCPREMOTEIP=127.0.0.68 logpopauth-pre -d "$d" sh -c "$INNER"
check "pre: no logpopauth-recorder: the inner program ran" "inner unset" "$(cat "$T/out")"
run env -i PATH=/usr/bin:/bin TCPREMOTEIP=127.0.0.70 "$TOP/logpopauth-pre" -d "$d" sh -c "echo \"inner \${POPLOCKFD-unset}\"; USER=zed \"$TOP/logpopauth-post\" true"
check "pre run by its path, no recorder in PATH: the one beside it is started" "0 inner set " "$rc $(sed 's/[0-9][0-9]*$/set /' "$T/out")$(cat "$T/err")"
waitfor 5 sh -c "grep -q ' 127.0.0.70 ' '$d/journal'" && ok "pre run by its path: the recorder beside it recorded the login" ||
  notok "pre run by its path: the recorder beside it recorded the login" "$(cat "$d/journal" 2>&1 | tail -3)"

echo "--- logpopauth-recorder run by hand"
checkrun "recorder: -f without -k, exit 100" 100 \
  'logpopauth-recorder: fatal: -f without -k
logpopauth-recorder: usage: logpopauth-recorder \[ -k pid \[ -f pidfd \] \] dir source address' \
  logpopauth-recorder -f 0 "$d" s 127.0.0.1
checkrun "recorder: an invalid address, exit 100" 100 \
  'logpopauth-recorder: fatal: invalid address: 127.0.0.300
logpopauth-recorder: usage: .*' logpopauth-recorder "$d" s 127.0.0.300
checkrun "recorder: an invalid source, exit 100" 100 \
  'logpopauth-recorder: fatal: invalid source: a b
logpopauth-recorder: usage: .*' logpopauth-recorder "$d" 'a b' 127.0.0.1
checkrun "recorder: two arguments, exit 100" 100 \
  'logpopauth-recorder: fatal: dir, source and address needed
logpopauth-recorder: usage: .*' logpopauth-recorder "$d" s
run sh -c "echo bob | logpopauth-recorder '$d' by/hand 127.0.0.69"
check "recorder by hand: a user name on stdin, exit 0, the grant" "0 bob by/hand" "$rc $(records 127.0.0.69 "$d")"

echo "--- pre: usage"
checkrun "pre: no program: usage, exit 100" 100 \
  'logpopauth-pre: usage: logpopauth-pre \[ -d dir \] \[ -l source \] \[ -k \] prog\.\.\.' \
  e TCPREMOTEIP=127.0.0.5 logpopauth-pre -d "$d"
checkrun "pre: unknown option: usage, exit 100" 100 \
  'logpopauth-pre: usage: logpopauth-pre \[ -d dir \] \[ -l source \] \[ -k \] prog\.\.\.' \
  e TCPREMOTEIP=127.0.0.5 logpopauth-pre -x true
checkrun "pre: a source with a space: usage, exit 100" 100 \
  'logpopauth-pre: usage: logpopauth-pre \[ -d dir \] \[ -l source \] \[ -k \] prog\.\.\.' \
  e TCPREMOTEIP=127.0.0.5 logpopauth-pre -l 'a b' true
checkrun "pre: a source longer than 32: usage, exit 100" 100 \
  'logpopauth-pre: usage: logpopauth-pre \[ -d dir \] \[ -l source \] \[ -k \] prog\.\.\.' \
  e TCPREMOTEIP=127.0.0.5 logpopauth-pre -l "$(printf 'a%.0s' $(seq 33))" true
checkrun "pre: a missing program: exit 127" 127 \
  'logpopauth-pre: fatal: unable to exec /nonexistent/prog: No such file or directory' \
  e TCPREMOTEIP=127.0.0.5 logpopauth-pre -d "$T/nonexistent2" /nonexistent/prog

echo "--- pre -k: the grant lives as long as the session, then grace seconds"
k=$(newstate)
echo 2 > "$k/grace"
prerun keep e TCPREMOTEIP=127.0.0.48 logpopauth-pre -k -d "$k" \
  sh -c 'USER=alice logpopauth-post sh -c "date +%s; sleep 4; date +%s"'
check "pre -k: exit 0, quiet" "0:" "$(cat "$T/keep.rc"):$(cat "$T/keep.err")"
start=$(head -1 "$T/keep.out"); end=$(tail -1 "$T/keep.out")
times=$(awk '$1 == "+" && $4 == "127.0.0.48" { print $2 }' "$k/journal")
n=$(echo "$times" | grep -c .)
last=$(echo "$times" | sort -n | tail -1)
if [ "$n" -ge 3 ]; then ok "pre -k: the grant renewed while the session ran ($n grants)"
else notok "pre -k: the grant renewed while the session ran" "grants at: $times" "session $start..$end"; fi
if [ "$last" -ge "$end" ]; then ok "pre -k: the last grant is from the session's end, so it ends grace seconds after"
else notok "pre -k: the last grant is from the session's end" "last grant $last, session ended $end"; fi
if ! haverelaylock; then
  skip "pre -k: allowed, then not, seen by relaylock" "relaylock is not built yet"
elif [ "$(date +%s)" -gt $((last + 1)) ]; then
  skip "pre -k: allowed, then not, seen by relaylock" "this machine took more than a second since the session's end"
else
  check "pre -k: allowed just after the session" "set:" "$(allowed 127.0.0.48 "$k")"
  waitfor 10 sh -c "[ \$(date +%s) -gt $((last + 2)) ]"
  check "pre -k: not allowed once grace seconds have passed" "unset" "$(allowed 127.0.0.48 "$k")"
fi
prerun keepfail e TCPREMOTEIP=127.0.0.49 logpopauth-pre -k -d "$k" sh -c "sleep 1"
check "pre -k, no login: no grant once the session is over" "0::" \
  "$(cat "$T/keepfail.rc"):$(cat "$T/keepfail.err"):$(records 127.0.0.49 "$k")"
if [ -x "$TOP/relayrevoke" ]; then
  prerun keeprev e TCPREMOTEIP=127.0.0.50 logpopauth-pre -k -d "$k" \
    sh -c "USER=alice logpopauth-post sh -c 'sleep 2; relayrevoke -d \"$k\" 127.0.0.50; sleep 3'"
  check "pre -k: exit 0 when revoked during the session" "0" "$(cat "$T/keeprev.rc")"
  rev=$(awk '$1 == "-" && $4 == "127.0.0.50" { print $2 }' "$k/journal" | tail -1)
  after=$(awk -v r="$rev" '$1 == "+" && $4 == "127.0.0.50" && $2 > r' "$k/journal")
  check "pre -k: a relayrevoke during the session stops the renewals" "" "$after"
else
  skip "pre -k: relayrevoke stops the renewals" "relayrevoke is not built yet"
fi

echo "--- post's line, in a real multilog, read by readlog"
rd=$(newstate)
if ! [ -x "$TOP/readlog" ]; then
  skip "readlog grants what post logged" "readlog is not built yet"
elif : > "$T/empty" && ! readlog -1 -n -F logpopauth -d "$rd" "$T/empty" 2>/dev/null; then
  skip "readlog grants what post logged" "readlog has no logpopauth format yet"
elif ! needcmd multilog; then
  skip "readlog grants what post logged" "multilog is not installed (daemontools)"
else
  { e TCPREMOTEIP=127.0.0.58 USER=zoe logpopauth-post true
    e TCPREMOTEIP=127.0.0.59 USER='o dd' logpopauth-post true
    e TCPREMOTEIP=1.2.3 USER=zoe logpopauth-post true; } 2>&1 | multilog t "$T/ml"
  checkrun "readlog -1 -F logpopauth reads the POP service's multilog: 2 logins, 1 line not a login" 0 \
    'readlog: info: lines 3 logins 2 skipped: toolong 0 cut 0 refused 0 nologin 1' \
    readlog -1 -F logpopauth -d "$rd" "$T/ml"
  showallowed -d "$rd" > "$T/show" 2>&1
  checkgrep "showallowed: 127.0.0.58 granted to zoe" '^127\.0\.0\.58 .* zoe$' "$T/show"
  checkgrep "showallowed: 127.0.0.59 granted, the user as escaped" '^127\.0\.0\.59 .* o%20dd$' "$T/show"
  checknogrep "showallowed: the warning line granted nothing" '1\.2\.3' "$T/show"
  # only post's own spelling of a name (escape_user's): upper-case %XX,
  # and only for a byte that needs it
  printf 'logpopauth-post: info: login %s\n' '127.0.0.60 a%20b%25' '127.0.0.61 a%41b' '127.0.0.62 a%2fb' '127.0.0.63 %2D' '127.0.0.64 a%2D' '127.0.0.65 a%2' > "$T/spell"
  readlog -1 -n -v -F logpopauth "$T/spell" > "$T/spell.out" 2> /dev/null; rc=$?
  check "readlog -n -v of post's lines: exit 0" 0 $rc
  check "readlog -n -v: post's spellings of a name grant, any other is refused with why" \
    "$(printf '%s\n' '127.0.0.60 a%20b%25' \
      'refused logpopauth (user not as logpopauth-post escapes it): logpopauth-post: info: login 127.0.0.61 a%2541b' \
      'refused logpopauth (user not as logpopauth-post escapes it): logpopauth-post: info: login 127.0.0.62 a%252fb' \
      '127.0.0.63 %2D' \
      'refused logpopauth (user not as logpopauth-post escapes it): logpopauth-post: info: login 127.0.0.64 a%252D' \
      'refused logpopauth (user not as logpopauth-post escapes it): logpopauth-post: info: login 127.0.0.65 a%252')" \
    "$(awk '$1 == "refused" { print; next } { print $3, $5 }' "$T/spell.out")"
  if haverelaylock; then
    check "relaylock allows 127.0.0.58 after readlog" "set:" "$(allowed 127.0.0.58 "$rd")"
  fi
fi

echo "--- one reading of the client address: relaylock, pre and post say the same of each environment"
ad=$(newstate)
long=$(printf '1%.0s' $(seq 100))
# same WHAT REASON ENV...: each of the three refuses ENV with REASON, and serves
same() {
  local what=$1 why=$2; shift 2
  checkrun "relaylock: $what" 0 "relaylock: warning: $why" e "$@" relaylock -v -d "$ad" true
  checkrun "pre: $what" 0 "logpopauth-pre: warning: $why: login not recorded" e "$@" logpopauth-pre -d "$ad" true
  checkrun "post: $what" 0 "logpopauth-post: warning: $why: login not recorded" e "$@" USER=alice logpopauth-post true
}
same "no address" 'unable to read the client address: TCPREMOTEIP is not set'
same "IP alone (a run script's envdir)" 'unable to read the client address: TCPREMOTEIP is not set' IP=127.0.0.9
same "an empty PROTO" 'unable to read the client address: PROTO is empty' PROTO= TCPREMOTEIP=127.0.0.9
same "a PROTO of 33 letters" 'unable to read the client address: PROTO is not a protocol name' \
  PROTO="$(printf 'A%.0s' $(seq 33))" TCPREMOTEIP=127.0.0.9
same "a PROTO that is not a name" 'unable to read the client address: PROTO is not a protocol name' \
  PROTO='TCP=' TCPREMOTEIP=127.0.0.9
same "PROTO=SSL without SSLREMOTEIP" 'unable to read the client address: SSLREMOTEIP is not set' PROTO=SSL TCPREMOTEIP=127.0.0.9
same "an empty TCPREMOTEIP" 'unable to read the client address: TCPREMOTEIP is empty' TCPREMOTEIP=
same "a newline in the value, escaped" 'invalid client address in TCPREMOTEIP: 1%0A2' TCPREMOTEIP="$(printf '1\n2')"
same "a long value, cut at 64 bytes" "invalid client address in TCPREMOTEIP: $(printf '1%.0s' $(seq 64))\\.\\.\\." TCPREMOTEIP="$long"
checkrun "relaylock: PROTO=TCP6, a mapped address" 0 'relaylock: info: deny 127\.0\.0\.9' \
  e PROTO=TCP6 TCP6REMOTEIP=::ffff:127.0.0.9 relaylock -v -d "$ad" true
checkrun "post: PROTO=TCP6, a mapped address" 0 'logpopauth-post: info: login 127\.0\.0\.9 alice' \
  e PROTO=TCP6 TCP6REMOTEIP=::ffff:127.0.0.9 USER=alice logpopauth-post true
prerun six e PROTO=TCP6 TCP6REMOTEIP=::ffff:127.0.0.9 logpopauth-pre -d "$ad" sh -c 'USER=alice logpopauth-post true'
check "pre: PROTO=TCP6, a mapped address: granted as 127.0.0.9" "0::alice logpopauth/pop3" \
  "$(cat "$T/six.rc"):$(cat "$T/six.err"):$(records 127.0.0.9 "$ad")"
