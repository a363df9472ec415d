#!/bin/bash
# package/demo runs as root on a fixed path in /var/tmp, which anybody
# may have made first: it refuses a demo directory (or service/, or
# svscan.pid in it) that is a symlink, is not root's, or that others may
# write to, with one line and exit 100, killing nothing and starting
# nothing; and it kills only the demo's own svscan.  The demo directory
# is put in $T here (POPLOCK_DEMO); the checks are the same.
. "$(dirname "$0")/lib.sh"
isroot || { skip "package/demo's checks" "needs root: they are about what root trusts"; exit 0; }

D="$T/demo"
export POPLOCK_DEMO="$D"
# a process of "another user" whose pid is planted in svscan.pid
sleep 300 & victim=$!
on_exit "kill $victim 2>/dev/null"
alive() { kill -0 $victim 2>/dev/null && echo alive || echo dead; }
fresh() { rm -rf "$D" "$T/elsewhere"; }

echo '--- a demo directory made by another user'
fresh; mkdir -m 755 "$D"; echo $victim > "$D/svscan.pid"; chown -R nobody "$D"
checkrun "stop: refused, 100" 100 "package/demo: fatal: unable to use $D: owned by uid $(id -u nobody), not root \\(another user's\\?\\): remove it" \
  "$TOP/package/demo" stop
check "stop: the pid in its svscan.pid was not killed" alive "$(alive)"
checkrun "start: refused before installing or starting anything, 100" 100 "package/demo: fatal: unable to use $D: owned by uid .*" \
  "$TOP/package/demo" start
check "start: the pid in its svscan.pid was not killed" alive "$(alive)"
check "start: the directory was left as it was" "nobody $victim" "$(stat -c %U "$D") $(cat "$D/svscan.pid")"

echo '--- a symlink to a directory of root'
fresh; mkdir -m 755 "$T/elsewhere"; echo $victim > "$T/elsewhere/svscan.pid"; ln -s "$T/elsewhere" "$D"
checkrun "stop: a symlink is refused, 100" 100 "package/demo: fatal: unable to use $D: it is a symlink \\(another user's\\?\\): remove it" \
  "$TOP/package/demo" stop
check "stop: not killed" alive "$(alive)"
checkrun "start: a symlink is refused, 100" 100 "package/demo: fatal: unable to use $D: it is a symlink .*" "$TOP/package/demo" start
check "start: the symlink was left, its target too" "link $victim" "$([ -L "$D" ] && echo link) $(cat "$T/elsewhere/svscan.pid")"

echo '--- root'"'"'s, but others may write to it'
fresh; mkdir -m 1777 "$D"; echo $victim > "$D/svscan.pid"
checkrun "stop: mode 1777 is refused, 100" 100 "package/demo: fatal: unable to use $D: mode 1777 lets others write to it: remove it" \
  "$TOP/package/demo" stop
check "stop: not killed" alive "$(alive)"
fresh; mkdir -m 755 "$D"; echo $victim > "$D/svscan.pid"; chmod 664 "$D/svscan.pid"
checkrun "stop: a group-writable svscan.pid is refused, 100" 100 "package/demo: fatal: unable to use $D/svscan.pid: mode 664 lets others write to it: remove it" \
  "$TOP/package/demo" stop
fresh; mkdir -m 755 "$D"; echo $victim > "$T/pid"; ln -s "$T/pid" "$D/svscan.pid"
checkrun "stop: a symlinked svscan.pid is refused, 100" 100 "package/demo: fatal: unable to use $D/svscan.pid: it is a symlink .*" \
  "$TOP/package/demo" stop
fresh; mkdir -m 755 "$D"; mkdir -m 755 "$T/svc"; chown nobody "$T/svc"; mv "$T/svc" "$D/service"
checkrun "stop: a service directory of another user is refused, 100" 100 "package/demo: fatal: unable to use $D/service: owned by uid .*" \
  "$TOP/package/demo" stop
check "no check killed the process" alive "$(alive)"

echo '--- root'"'"'s, but the pid is not the demo'"'"'s svscan (stale, or reused)'
fresh; mkdir -m 755 "$D" "$D/service"; echo $victim > "$D/svscan.pid"
checkrun "stop: nothing killed, exit 0" 0 '' "$TOP/package/demo" stop
checkgrep "stop: says so" "^package/demo: info: $D/svscan.pid names no svscan of $D/service \\(stale\\): nothing killed\$" "$T/out"
check "stop: the process lives" alive "$(alive)"
check "stop: the stale svscan.pid is gone" "" "$(ls "$D/svscan.pid" 2>/dev/null)"
echo '--- the demo'"'"'s own svscan is stopped'
if needcmd svscan; then
  fresh; mkdir -m 755 "$D" "$D/service"
  # as package/demo starts it
  ( cd / && exec setsid svscan "$D/service" </dev/null >/dev/null 2>&1 ) &
  echo $! > "$D/svscan.pid"
  sp=$(cat "$D/svscan.pid")
  waitfor 5 test -r "/proc/$sp/cmdline"
  checkrun "stop: exit 0" 0 '' "$TOP/package/demo" stop
  checkgrep "stop: says so" '^package/demo: info: demo stopped; ' "$T/out"
  waitfor 5 sh -c "! kill -0 $sp 2>/dev/null"
  check "stop: the demo's svscan is gone" dead "$(kill -0 $sp 2>/dev/null && echo alive || echo dead)"
else
  skip "the demo's own svscan is stopped" "svscan is not installed (daemontools)"
fi
