#!/bin/bash
# Every log fixture through tests/logtool.  tests/fixtures/SERVER/ holds
# logs captured from the real servers (tests/servers/*.sh), and
# tests/fixtures/doc/ logs written from the documentation or source of
# servers that are not in Debian.  A log and its .expect are named
# either NAME and NAME.expect (the real captures: the names
# tests/servers/*.sh write and 25-servers compares with) or NAME.log and
# NAME.expect; a login spread over two logs is NAME.expect with the
# files NAME.* read in name order.  For each .expect, the logins logtool
# finds, as "SOURCE ADDR USER" lines, are exactly those of the .expect
# file (or of NAME.grants, where readlog grants fewer logins than the
# server did by design), in the same number.  A log no .expect reads (kept for reference)
# grants nothing.  Then: each format recognises its own sample line, and
# only its own format's parser is needed for it.
. "$(dirname "$0")/lib.sh"
L="$TOP/tests/logtool"
FX="$TOP/tests/fixtures"

# the fixtures were made on 2026-11-23 (Debian 12) and 2026-12-03
# (Debian 13): the syslog stamps' year is read as of 2026-12-04,
# whenever the test runs, so that a syslog line and a multilog stamp of
# one capture agree (the pid joins compare their times)
NOW=1796400000
n=0
: > "$T/read"
for e in "$FX"/*/*.expect; do
  [ -e "$e" ] || continue
  base=${e%.expect}
  if [ -f "$base" ]; then parts=$base
  elif [ -f "$base.log" ]; then parts=$base.log
  else
    # a login in two files (tcpserver's log, the server's syslog): the
    # files NAME.* read one after the other, in name order
    parts=$(ls "$base".* 2>/dev/null | grep -Ev '\.(expect|grants)$')
  fi
  name=${base#"$FX"/}
  if [ -z "$parts" ]; then notok "$name: log for ${e#"$FX"/}" "no such file"; continue; fi
  case $parts in
    "$base") ;;
    "$base.log") name=$name.log ;;
    *) name="$name.{$(echo $parts | sed "s|$base\.||g; s/ /,/g")}" ;;
  esac
  printf '%s\n' $parts >> "$T/read"
  cat $parts > "$T/in"
  # the logs of one machine: tcpserver's lines (no host) are its host's
  J="-j $(loghost "$T/in")"
  "$L" $J -n $NOW < "$T/in" > "$T/out" 2> "$T/err"; rc=$?
  check "$name: logtool exits 0 with nothing on stderr" "0:" "$rc:$(cat "$T/err")"
  awk '{ print $2, $3, $5 }' "$T/out" | LC_ALL=C sort > "$T/got"
  w=$e; [ -f "$base.grants" ] && w=$base.grants
  LC_ALL=C sort "$w" > "$T/want"
  if cmp -s "$T/got" "$T/want"; then ok "$name: logins are exactly those of ${w##*/} ($(wc -l < "$T/want"))"
  else notok "$name: logins are exactly those of ${w##*/}" "$(diff "$T/want" "$T/got" | sed -n '1,20p')"; fi
  # the adversarial user names carry 203.0.113.66: never an address granted
  checknogrep "$name: no grant to an address from a user name" ' 203\.0\.113\.' <(awk '{ print " " $3 }' "$T/out")
  # every line logtool prints is well-formed
  check "$name: output lines are FORMAT SOURCE ADDR TIME USER" "" \
    "$(grep -Ev '^[^ ]+ [^ /]+/[^ ]+ [0-9a-f.:]+ -?[0-9]+ [^ ]+$' "$T/out")"
  n=$((n + 1))
done
[ $n -gt 0 ] || notok "fixtures found" "none under $FX"

echo '--- fixture logs no .expect reads grant nothing'
for f in "$FX"/*/*; do
  case $f in *.expect|*.grants|*/README|*.txt) continue ;; esac
  grep -qxF "$f" "$T/read" && continue
  "$TOP/tests/logtool" -n $NOW < "$f" > "$T/out" 2>&1
  check "${f#"$FX"/}: no .expect reads it, and logtool grants nothing in it" "" "$(cat "$T/out")"
done

echo '--- each format recognises its own sample line, and no other format does'
"$L" -L > "$T/formats"
check "logtool -L lists formats" 0 $?
while read -r f; do
  "$L" -s "$f" > "$T/sample"
  out=$("$L" -f "$f" < "$T/sample")
  case $out in
    "$f "*) ok "$f: sample recognised ($out)" ;;
    *) notok "$f: sample recognised" "sample: $(cat "$T/sample")" "got: $out" ;;
  esac
  others=$(grep -vx "$f" "$T/formats" | paste -sd, -)
  check "$f: sample not taken by another format" "" "$("$L" -f "$others" < "$T/sample")"
done < "$T/formats"

echo '--- rsyslog writes a message it received in RFC 5424 form with a tag and no colon'
printf '%s\n' \
  '2026-11-23T21:30:00+00:00 vm dovecot[4242] pop3-login: Login: user=<demo>, method=PLAIN, rip=127.0.0.71, lip=127.0.0.1, mpid=4243, session=<abc>' \
  'Nov 23 21:30:00 vm dovecot pop3-login: Login: user=<demo>, method=PLAIN, rip=127.0.0.72, lip=127.0.0.1, mpid=4243, session=<abc>' \
  | "$L" -n 1795469400 > "$T/out"
check "TAG[PID] and TAG without colon after a stamp and host" "127.0.0.71 127.0.0.72" "$(cut -d' ' -f3 "$T/out" | paste -sd' ')"

echo '--- options'
checkrun "unknown format name is a usage error" 100 'logtool: fatal: unknown format in: nosuch' "$L" -f nosuch
checkrun "-s of an unknown format is a usage error" 100 'logtool: fatal: unknown format: nosuch' "$L" -s nosuch
