#!/bin/bash
# The Debian package, as an administrator gets it: dpkg-buildpackage
# -us -uc -b in a copy of this tree (never in the tree itself) makes the
# .deb, lintian finds no error in it, and it is installed, used by the
# demo, removed and purged in a throwaway system: an overlay over / whose
# changes go to a tmpfs, entered with chroot, in private mount, pid and
# network namespaces (only a loopback of its own), so that nothing of
# this machine's /etc, /usr, /var/lib/dpkg, /dev or services is touched.
# Installed: the programs, man pages, docs and service templates
# package/hier and debian/rules name, the accounts poplock and
# poplocklog, the state directory; no service linked or started.
# package/demo (POPLOCK_BIN=/usr/bin, from a copy of package/ alone)
# runs the installed programs: a relay refused, a POP3 login, the relay
# accepted.  Removed, none of its files is left; purged, the state
# directory and dpkg's record of it are gone too, and the accounts stay
# (debian/postrm says why), and so does the administrator's copy of a
# service template, made and run under svscan as doc/debian.html says.
if [ "${1:-}" != --ns ] && [ "$(id -u)" = 0 ] && unshare -m -n -p -f true 2>/dev/null; then
  exec unshare -m -n -p -f --kill-child --propagation private "$0" --ns
fi
. "$(dirname "$0")/lib.sh"
# under make sanitize the tree's conf-cc is the sanitizers' (fuzz/sanitize),
# which debian/rules' link with Debian's flags cannot take: the package is
# built and tested by package/test, on Debian 12 and 13
[ -n "${POPLOCK_SANITIZED:-}" ] && { skip "the Debian package" "make sanitize builds the tree with the sanitizers, the package with Debian's flags (package/test runs this)"; exit 0; }
isroot || { skip "the Debian package" "needs root: dpkg, chroot and namespaces"; exit 0; }
[ "${1:-}" = --ns ] || { skip "the Debian package" "cannot make private mount, pid and network namespaces (unshare) here"; exit 0; }
for c in dpkg-buildpackage dh lintian chroot ip svscan tcpserver tcpclient dovecot qpsmtpd-forkserver; do
  needcmd $c || { skip "the Debian package" "$c is not installed (package/test installs it: package/deps-test)"; exit 0; }
done
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || { skip "the Debian package" "no overlayfs in this kernel"; exit 0; }
# this pid namespace's own /proc: what runs is what the package and the demo started
mount -t proc proc /proc || { notok "a /proc of the private pid namespace"; exit 1; }
ip link set lo up || { notok "the loopback of the private network namespace is up"; exit 1; }
sum() { cksum /etc/passwd /etc/group /var/lib/dpkg/status 2>&1; }
before=$(sum)

echo '--- dpkg-buildpackage -us -uc -b, in a copy of the tree'
B=$T/build
mkdir -p "$B/src"
(cd "$TOP" && tar --exclude=./.git --exclude=./tests/out --exclude=./bench/out -cf - .) | (cd "$B/src" && tar -xf -)
version=$(head -1 "$TOP/package/version")
deb=$B/smtp-poplock_${version}_$(dpkg --print-architecture).deb
start=$(date +%s)
(cd "$B/src" && dpkg-buildpackage -us -uc -b) > "$T/build.log" 2>&1
brc=$?
check "dpkg-buildpackage exits 0" 0 "$brc"
[ "$brc" = 0 ] || { tail -20 "$T/build.log" | sed 's/^/# /'; exit 1; }
echo "# built in $(( $(date +%s) - start ))s"
check "it made $(basename "$deb")" yes "$([ -s "$deb" ] && echo yes)"
for f in conf-cc conf-ld conf-home; do
  check "the copy's $f is put back as it was" "$(cat "$TOP/$f")" "$(cat "$B/src/$f")"
done

echo '--- lintian'
# TMPDIR: lintian leaves files of its own there
TMPDIR=$T lintian "$B"/smtp-poplock_*.changes > "$T/lintian" 2>&1
check "lintian runs (exit 0: no error)" 0 $?
sed 's/^/# lintian: /' "$T/lintian"
checknogrep "lintian reports no error (E:)" '^E: ' "$T/lintian"

# what the package holds, as paths (dpkg -c), files and directories apart
dpkg-deb -c "$deb" | awk '{print $1, $6}' | sed 's| \./| /|; s|/$||' > "$T/contents"
files=$(sed -n 's|^-[^ ]* ||p' "$T/contents")
hier=$(sed -e 's/#.*//' -n -e 's|^[fp] [0-9]* \([^ ]*\) .*|/usr/\1|p' "$TOP/package/hier" | sed 's|\(/man/.*\)$|\1.gz|')
missing=""
for f in $hier; do printf '%s\n' "$files" | grep -qxF "$f" || missing="$missing $f"; done
check "it holds every file package/hier installs (in /usr, man pages compressed)" "" "$missing"
missing=""
for f in $(cd "$TOP/service" && find . -type f | sed 's|^\.|/usr/share/smtp-poplock/service|'); do
  printf '%s\n' "$files" | grep -qxF "$f" || missing="$missing $f"
done
check "it holds the service directories of service/, in /usr/share/smtp-poplock/service" "" "$missing"
check "their run scripts are executable" "-rwxr-xr-x -rwxr-xr-x" \
  "$(grep -E ' /usr/share/smtp-poplock/service/(readlog/run|smtpd/log/run)$' "$T/contents" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
check "it has nothing in /etc, /var or /service: no service is linked" "" "$(grep -E ' /(etc|var|service)(/|$)' "$T/contents")"
check "it has no bench.html (the tree's dated measurements)" "" "$(grep 'bench' "$T/contents")"
check "nor library.html (the source tree's layout)" "" "$(grep 'library\.html' "$T/contents")"
check "no service template has an env/: the run scripts read conf/" "" "$(grep -E '/usr/share/smtp-poplock/service/[^/]+/env(/|$)' "$T/contents")"
mkdir "$T/x" && dpkg-deb -x "$deb" "$T/x"
check "no page nor man page in it names the tests (tests/...) or holds the tree's passages (one that does:)" "" \
  "$(cd "$T/x/usr/share" && { grep -l -e 'tests/' -e 'class="tree"' doc/smtp-poplock/*.html; for m in man/man*/*.gz; do zcat "$m" | grep -q 'tests/' && echo "$m"; done; } | xargs)"

echo '--- a throwaway system: an overlay over /, its changes on a tmpfs'
R=$T/sys M=$T/sys/merged
mkdir -p "$R"
# unmounted before lib.sh removes $T: rm -rf must never walk into it
on_exit "umount -R $R 2>/dev/null || umount -lR $R"
mount -t tmpfs -o mode=755 tmpfs "$R" && mkdir "$R/upper" "$R/work" "$M" &&
  mount -t overlay overlay -o "lowerdir=/,upperdir=$R/upper,workdir=$R/work" "$M" ||
  { notok "an overlay over / on a tmpfs"; exit 1; }
# the few devices the programs open, not the whole of /dev
mount -t tmpfs -o mode=755 tmpfs "$M/dev" && mkdir "$M/dev/pts" "$M/dev/shm" &&
for d in null zero full random urandom; do touch "$M/dev/$d" && mount --bind "/dev/$d" "$M/dev/$d" || break; done &&
  [ -c "$M/dev/urandom" ] &&
  mount -t proc proc "$M/proc" && mount -t tmpfs -o mode=1777 tmpfs "$M/tmp" && mount -t tmpfs -o mode=755 tmpfs "$M/run" &&
  mkdir -p "$M$B" && mount --bind "$B" "$M$B" || { notok "the throwaway system's /dev, /proc, /tmp, /run"; exit 1; }
envi="/usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin"
inside() { chroot "$M" $envi "$@"; }
inside test -x /usr/bin/relaylock && { notok "the throwaway system has no smtp-poplock in /usr/bin to begin with"; exit 1; }
status() { inside dpkg-query -W -f='${Status}' smtp-poplock 2>/dev/null; }
ours() { (cd "$R/upper" && find . \( \( -path ./var/tmp/smtp-poplock-demo -o -path ./etc/smtp-poplock \) -prune -print \) -o -name '*poplock*' -print | sed 's|^\.||' | sort); }

echo '--- dpkg -i'
run inside dpkg -i "$deb"
check "dpkg -i exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/out" "$T/err"
check "dpkg says it is installed" "install ok installed" "$(status)"
missing=""
for f in $files; do [ -f "$M$f" ] || missing="$missing $f"; done
check "every file of the package is there" "" "$missing"
check "relaycheck -V is the installed version" "relaycheck (smtp-poplock) $version" "$(inside relaycheck -V 2>&1)"
check "the man pages point at the installed HTML (conf-home /usr)" yes \
  "$(zcat "$M/usr/share/man/man8/relaylock.8.gz" | grep -qF '\fI/usr/share/doc/smtp\-poplock/relaylock.html\fR' && echo yes)"
for a in poplock poplocklog; do
  check "account $a: a system account, no shell, no home" "$a /nonexistent /usr/sbin/nologin" \
    "$(inside getent passwd $a | awk -F: '$3 < 1000 {print $1, $6, $7}')"
  check "group $a" "$a" "$(inside getent group $a | cut -d: -f1)"
done
check "the state directory: poplock's, 0755" "poplock:poplock 755" "$(inside stat -c '%U:%G %a' /var/lib/smtp-poplock 2>&1)"
check "nothing is linked: no /service, /etc/service, /etc/smtp-poplock" "" \
  "$(cd "$R/upper" && ls -d service etc/service etc/smtp-poplock etc/sv 2>/dev/null)"
check "nothing is started: none of its programs runs" "" \
  "$(cat /proc/[0-9]*/comm 2>/dev/null | grep -xE 'readlog|relaylock|relaypolicy|svscan' )"
# a grant as an administrator makes one, in the default state directory
run inside setuidgid poplock relaygrant 192.0.2.7
check "relaygrant as poplock writes to the state directory (exit 0)" "0 " "$rc $(cat "$T/err")"
check "showallowed lists the grant" yes "$(inside showallowed | grep -q '^192\.0\.2\.7[[:space:]]' && echo yes)"

echo '--- the readlog service from its template, as doc/debian.html says, under svscan'
E=/etc/smtp-poplock/service
echo "$(LC_ALL=C date '+%b %e %H:%M:%S') mail dovecot: pop3-login: Login: user=<demo>, method=PLAIN, rip=192.0.2.9, lip=127.0.0.1, mpid=4242, session=<abcdEFGH>" \
  > "$M/var/log/mail.test"
run inside sh -ec "mkdir -p $E; cp -Rp /usr/share/smtp-poplock/service/readlog $E/
  echo /var/log/mail.test > $E/readlog/conf/SOURCES
  mkdir $E/readlog/log/main; chown poplocklog $E/readlog/log/main
  mkdir /srv/svscan; ln -s $E/readlog /srv/svscan/"
check "the doc's commands run (exit 0)" "0 " "$rc $(cat "$T/err")"
# chroot execs env, which execs svscan: $! is svscan's pid
chroot "$M" $envi svscan /srv/svscan > "$T/svscan.log" 2>&1 &
svscan=$!
allowed9() { inside showallowed 2>/dev/null | grep -q '^192\.0\.2\.9[[:space:]]'; }
waitfor 15 allowed9
check "readlog, run as poplock, records the login in the state directory" yes "$(allowed9 && echo yes)"
check "its log is poplocklog's multilog's" "poplocklog yes" \
  "$(inside stat -c %U $E/readlog/log/main/current 2>&1) $(grep -q 'readlog: info: grant dovecot' "$M$E/readlog/log/main/current" && echo yes)"
check "the running readlog is poplock's" poplock \
  "$(for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = readlog ] && inside getent passwd "$(stat -c %u $p)"; done | cut -d: -f1)"
inside svc -dx /srv/svscan/readlog /srv/svscan/readlog/log
kill $svscan
waitfor 10 sh -c '! grep -qxE "svscan|supervise|readlog|multilog" /proc/[0-9]*/comm 2>/dev/null'
check "svscan and the service are stopped" "" "$(cat /proc/[0-9]*/comm 2>/dev/null | grep -xE 'svscan|supervise|readlog|multilog')"

echo '--- package/demo against the installed programs (POPLOCK_BIN=/usr/bin)'
mkdir -p "$B/demo" && cp -pR "$TOP/package" "$B/demo/"
start=$(date +%s)
run inside POPLOCK_BIN=/usr/bin "$B/demo/package/demo"
check "package/demo exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/out" "$T/err" | tail -30
echo "# the demo ran in $(( $(date +%s) - start ))s"
cp "$T/out" "$T/demo"
# reply to RCPT TO in the step of the demo that begins with STEP
rcpt() { sed -n "/^--- $1\\./,/^---/p" "$T/demo" | sed -n '/> RCPT/{n;s/^  < //p;}' | cut -c1-3; }
check "1. before the login, the relay is refused" 5 "$(rcpt 1 | cut -c1)"
check "3. after the POP3 login, it is accepted" 250 "$(rcpt 3)"
check "4. another address is still refused" 5 "$(rcpt 4 | cut -c1)"
checkgrep "5. showallowed lists 127.0.0.61" '^127\.0\.0\.61[[:space:]]' "$T/demo"
dd=$M/var/tmp/smtp-poplock-demo
checkgrep "the demo's smtpd runs the installed relaylock" ' /usr/bin/relaylock -v ' "$dd/service/smtpd/run"
checkgrep "the demo's readlog is the installed one" 'setuidgid nobody /usr/bin/readlog ' "$dd/service/readlog/run"
check "the running readlog is /usr/bin/readlog" /usr/bin/readlog \
  "$(for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = readlog ] && readlink $p/exe; done | sed "s|^$M||" | sort -u)"
run inside "$B/demo/package/demo" stop
check "package/demo stop exits 0" 0 "$rc"
check "the demo's svscan and services are gone" "" \
  "$(cat /proc/[0-9]*/comm 2>/dev/null | grep -xE 'svscan|supervise|readlog|dovecot|tcpserver|multilog')"

echo '--- dpkg -r'
statefiles=$(ls "$M/var/lib/smtp-poplock")
run inside dpkg -r smtp-poplock
check "dpkg -r exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/out" "$T/err"
left=""
for f in $files; do [ -e "$M$f" ] && left="$left $f"; done
check "none of its files is left" "" "$left"
check "nor its directories of its own" "" "$(cd "$M" && ls -d usr/share/smtp-poplock usr/share/doc/smtp-poplock 2>/dev/null)"
check "dpkg keeps its record until the purge" "deinstall ok config-files" "$(status)"
check "the state directory stays as it was: it is the administrator's data" "$statefiles" "$(ls "$M/var/lib/smtp-poplock" 2>&1)"

echo '--- dpkg -P'
run inside dpkg -P smtp-poplock
check "dpkg -P exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/out" "$T/err"
check "dpkg knows it no more" "" "$(status | grep -v '^unknown ok not-installed$')"
check "dpkg's files of it are gone" "" "$(ls "$M"/var/lib/dpkg/info/smtp-poplock* 2>/dev/null)"
check "the state directory is gone" "" "$(ls -d "$M/var/lib/smtp-poplock" 2>/dev/null)"
check "the accounts stay (debian/postrm)" "poplock poplocklog" "$(inside getent passwd poplock poplocklog | cut -d: -f1 | tr '\n' ' ' | sed 's/ $//')"
check "nothing named for it is left but the administrator's service directories and the demo's" \
  "/etc/smtp-poplock /var/tmp/smtp-poplock-demo" "$(ours | tr '\n' ' ' | sed 's/ $//')"
check "the administrator's copy of the readlog service is kept" yes "$([ -x "$M$E/readlog/run" ] && echo yes)"

check "this machine's /etc/passwd, /etc/group and dpkg status are as before" "$before" "$(sum)"
check "this machine has no smtp-poplock package" "" "$(dpkg-query -W -f='${Status}' smtp-poplock 2>/dev/null | grep -v not-installed)"
