#!/bin/bash
# tai64n_scan, rfc3164_scan, iso8601_scan and localtime_to_unix through
# tests/addrtool.  Expected values come from daemontools' tai64nlocal and
# GNU date, not from our own code.
. "$(dirname "$0")/lib.sh"
A="$TOP/tests/addrtool"

# tm KIND TEXT NOW EXPECTED: Unix seconds, or "invalid" (exit 1)
tm() {
  local out rc
  out=$("$A" time "$1" "$2" "$3" 2>&1); rc=$?
  { [ "$4" = invalid ] && [ "$rc" = 1 ]; } || { [ "$4" != invalid ] && [ "$rc" = 0 ]; } || out="$out (exit $rc)"
  check "TZ=$TZ $1 '$2' now=$3 -> $4" "$4" "$out"
}
# tlen KIND TEXT NOW EXPECTED: bytes the scanner used
tlen() { check "TZ=$TZ $1 '$2': uses $4 bytes" "$4" "$("$A" timelen "$1" "$2" "$3" 2>&1)"; }
# lt Y M D h m s EXPECTED: localtime_to_unix
lt() { check "TZ=$TZ localtime $1-$2-$3 $4:$5:$6 -> $7" "$7" "$("$A" localtime "${@:1:6}" 2>&1)"; }
# d DATE: Unix seconds of DATE in the current TZ, by GNU date
d() { date -d "$1" +%s; }

# a multilog label for Unix seconds $1 and nanoseconds $2 (daemontools' 2^62 + 10 scale)
label() { printf '@%016x%08x' $(( (1 << 62) + 10 + $1 )) "$2"; }

export TZ=UTC
echo '--- tai64n: daemontools scale, checked against tai64nlocal'
if needcmd tai64nlocal && needcmd tai64n; then
  # TZ=UTC tai64nlocal prints "YYYY-MM-DD hh:mm:ss.nnnnnnnnn", which date reads back
  viatool() { local x; x=$(echo "$1" | tai64nlocal); d "${x%.*}"; }
  for l in @400000006923a1b20c3d1e2f @400000000000000a000000ff @40000000000000160000abcd \
           @4000000065920080075bcd15 @400000007fffffff3b9ac9ff; do
    tm tai64n "$l" 0 "$(viatool "$l")"
  done
  live=$(echo line | tai64n); live=${live%% *}
  tm tai64n "$live" 0 "$(viatool "$live")"
else
  skip 'tai64n stamps against daemontools' 'tai64n/tai64nlocal not installed (apt package daemontools)'
fi
tm tai64n "$(label 1795468200 123456789)" 0 "$(d 2026-11-23T21:10:00Z)"
tm tai64n "$(label 0 0)" 0 0
tm tai64n @400000006923A1B20C3D1E2F 0 "$(( 0x6923a1b2 - 10 ))"
tm tai64n @40000000000000090000000 0 invalid
tm tai64n @4000000000000009000000000 0 invalid
tm tai64n @400000006923a1b20c3d1e2 0 invalid
tm tai64n @400000006923a1b20c3d1e2g 0 invalid
tm tai64n 400000006923a1b20c3d1e2f0 0 invalid
tm tai64n @400000006923a1b2 0 invalid
tm tai64n '' 0 invalid
tm tai64n @40000000000000090000000a 0 invalid
tm tai64n @3fffffffffffffff00000000 0 invalid
tm tai64n @400001000000000000000000 0 invalid
tm tai64n @ffffffffffffffff00000000 0 invalid
tlen tai64n "@400000006923a1b20c3d1e2f status: ok" 0 25

NOW=$(d 2026-11-23T21:10:00)
echo '--- rfc3164 in UTC, now 2026-11-23 21:10:00'
tm rfc3164 'Nov 23 21:10:00' "$NOW" "$(d 2026-11-23T21:10:00)"
tm rfc3164 'Nov  3 01:02:03' "$NOW" "$(d 2026-11-03T01:02:03)"
tm rfc3164 'Nov 03 01:02:03' "$NOW" "$(d 2026-11-03T01:02:03)"
tm rfc3164 'Jan  1 00:00:00' "$NOW" "$(d 2026-01-01T00:00:00)"
tm rfc3164 'Nov 24 21:10:00' "$NOW" "$(d 2026-11-24T21:10:00)"
tm rfc3164 'Nov 24 21:10:01' "$NOW" "$(d 2025-11-24T21:10:01)"
tm rfc3164 'Dec 25 12:00:00' "$NOW" "$(d 2025-12-25T12:00:00)"
tm rfc3164 'Feb 29 12:00:00' "$NOW" "$(d 2024-02-29T12:00:00)"
tlen rfc3164 'Nov 23 21:10:00 mail dovecot: pop3-login: Login' "$NOW" 15
echo '--- rfc3164 year inference around New Year (UTC)'
J1=$(d 2027-01-01T00:00:30)
tm rfc3164 'Dec 31 23:59:59' "$J1" "$(d 2026-12-31T23:59:59)"
tm rfc3164 'Jan  1 00:00:10' "$J1" "$(d 2027-01-01T00:00:10)"
tm rfc3164 'Jan  2 00:00:30' "$J1" "$(d 2027-01-02T00:00:30)"
tm rfc3164 'Jan  2 00:00:31' "$J1" "$(d 2026-01-02T00:00:31)"
D31=$(d 2026-12-31T23:59:50)
tm rfc3164 'Jan  1 00:00:05' "$D31" "$(d 2027-01-01T00:00:05)"
tm rfc3164 'Dec 31 23:59:49' "$D31" "$(d 2026-12-31T23:59:49)"
tm rfc3164 'Feb 29 00:00:00' "$(d 2028-01-15T00:00:00)" "$(d 2024-02-29T00:00:00)"
tm rfc3164 'Feb 29 00:00:00' "$(d 2028-03-01T00:00:00)" "$(d 2028-02-29T00:00:00)"
echo '--- rfc3164: invalid stamps'
tm rfc3164 'Feb 30 12:00:00' "$NOW" invalid
tm rfc3164 'Apr 31 12:00:00' "$NOW" invalid
tm rfc3164 'Nov 23 24:00:00' "$NOW" invalid
tm rfc3164 'Nov 23 23:60:00' "$NOW" invalid
tm rfc3164 'Nov 23 24:00:61' "$NOW" invalid
tm rfc3164 'Nov 23 23:59:60' "$NOW" invalid
tm rfc3164 'Nov 32 12:00:00' "$NOW" invalid
tm rfc3164 'Nov  0 12:00:00' "$NOW" invalid
tm rfc3164 'Nov 00 12:00:00' "$NOW" invalid
tm rfc3164 'Foo 12 12:00:00' "$NOW" invalid
tm rfc3164 'nov 12 12:00:00' "$NOW" invalid
tm rfc3164 'Nov 3 01:02:03' "$NOW" "$(d 2026-11-03T01:02:03)"   # one space, as copied logs show it (issue 15)
tm rfc3164 'Nov 23 21:10' "$NOW" invalid
tm rfc3164 'Nov 23 21:10:001' "$NOW" invalid
tm rfc3164 'Nov 23 2:10:00' "$NOW" invalid
tm rfc3164 '' "$NOW" invalid
echo '--- rfc3164: the forms of journalctl and of copied logs'
tm rfc3164 'Nov 23 21:10:00.123456' "$NOW" "$(d 2026-11-23T21:10:00)"
tlen rfc3164 'Nov 23 21:10:00.123456 vm dovecot[1]: x' "$NOW" 22
tlen rfc3164 'Nov 3 01:02:03 vm dovecot[1]: x' "$NOW" 14
tlen rfc3164 'Nov 03 01:02:03 vm dovecot[1]: x' "$NOW" 15
tm rfc3164 'Nov 23 21:10:00.' "$NOW" invalid
tm rfc3164 'Nov 23 21:10:00.x' "$NOW" invalid
tm rfc3164 'Nov 3  01:02:03' "$NOW" invalid
tm rfc3164 'Nov 3x 01:02:03' "$NOW" invalid
tm rfc3164 'Nov 3 1:02:03' "$NOW" invalid

# glibc silently takes an unknown TZ as UTC: without the zone file these
# checks would compare UTC with UTC and prove nothing
if [ -f /usr/share/zoneinfo/Europe/Berlin ]; then
  zones="UTC Europe/Berlin"
  export TZ=Europe/Berlin
  echo '--- rfc3164 in Europe/Berlin'
  # 2026-12-31T23:30:00Z is 2027-01-01 00:30 in Berlin
  NY=$(TZ=UTC d 2026-12-31T23:30:00)
  tm rfc3164 'Dec 31 23:59:59' "$NY" "$(d '2026-12-31 23:59:59')"
  tm rfc3164 'Jan  1 00:10:00' "$NY" "$(d '2027-01-01 00:10:00')"
  tm rfc3164 'Jan  2 00:10:00' "$NY" "$(d '2027-01-02 00:10:00')"
  tm rfc3164 'Jul 14 12:00:00' "$NY" "$(d '2026-07-14 12:00:00')"
  check 'Berlin summer time: 12:00 local is 10:00 UTC' "$(TZ=UTC d 2026-07-14T10:00:00)" "$("$A" time rfc3164 'Jul 14 12:00:00' "$NY")"
  # the same moment in UTC is still 2026-12-31 23:30: Jan 2 00:10 is more than a day ahead
  TZ=UTC tm rfc3164 'Jan  2 00:10:00' "$NY" "$(TZ=UTC d 2026-01-02T00:10:00)"

  echo '--- svlogd -tt, -ttt: UTC whatever TZ says (svlogd formats with gmtime)'
  tm svlogd 2026-11-23_21:10:00.12345 0 "$(TZ=UTC d 2026-11-23T21:10:00)"
  tm svlogd 2026-11-23T21:10:00.99999 0 "$(TZ=UTC d 2026-11-23T21:10:00)"
  tlen svlogd '2026-11-23_21:10:00.12345 mail.info: x' 0 25
  tm svlogd 2026-11-23_21:10:00.1234 0 invalid
  tm svlogd 2026-11-23_21:10:00.123456 0 invalid
  tm svlogd 2026-11-23_21:10:00 0 invalid
  tm svlogd '2026-11-23 21:10:00.12345' 0 invalid
  tm svlogd 2026-02-30_21:10:00.12345 0 invalid
  tm svlogd 2026-11-23_24:10:00.12345 0 invalid

  echo '--- localtime_to_unix in Europe/Berlin'
  lt 2026 11 23 22 10 0 "$(TZ=UTC d 2026-11-23T21:10:00)"
  lt 2026 7 14 12 0 0 "$(TZ=UTC d 2026-07-14T10:00:00)"
  lt 2024 2 29 0 0 0 "$(d '2024-02-29 00:00:00')"
  lt 2026 2 29 0 0 0 invalid
  lt 2026 2 30 0 0 0 invalid
  lt 2026 4 31 0 0 0 invalid
  lt 2026 13 1 0 0 0 invalid
  lt 2026 0 1 0 0 0 invalid
  lt 2026 1 1 24 0 0 invalid
  lt 2026 1 1 23 59 61 invalid
  lt 1969 12 31 23 0 0 invalid
  # 02:30 on 2026-03-29 never happened in Berlin (the clocks jumped from 02:00 to 03:00)
  lt 2026 3 29 2 30 0 invalid
  lt 2026 3 29 3 30 0 "$(TZ=UTC d 2026-03-29T01:30:00)"
  # 02:30 on 2026-10-25 happened twice: either is right
  amb=$("$A" localtime 2026 10 25 2 30 0)
  case $amb in
    "$(TZ=UTC d 2026-10-25T00:30:00)"|"$(TZ=UTC d 2026-10-25T01:30:00)") ok 'localtime 2026-10-25 02:30 (twice in Berlin) -> one of the two' ;;
    *) notok 'localtime 2026-10-25 02:30 (twice in Berlin) -> one of the two' "got: $amb" ;;
  esac

  echo '--- many stamps in one process: the kept minutes give what date gives'
  # localtime_to_unix keeps the start of recent minutes: seconds of one
  # minute, minutes back and forth, around the spring gap and the autumn
  # hour, summer and winter, read by one tests/logtool run
  stamps="Nov 23 22:10:00|Nov 23 22:10:59|Nov 23 22:11:00|Nov 23 22:10:30|Nov 23 22:14:05|Nov 23 22:10:02|Nov 23 23:09:03|Nov 24 22:09:04|Nov 23 22:10:05|Jul 14 12:00:07|Nov 23 22:10:01|Mar 29 01:59:59|Mar 29 03:00:00|Mar 29 03:00:42|Mar 29 01:59:30|Oct 25 03:00:05|Oct 25 01:59:59|Jul 14 12:59:59|Jul 14 13:00:00"
  loginat() { echo "$1 mail dovecot: imap-login: Login: user=<a>, method=PLAIN, rip=192.0.2.1, lip=192.0.2.2, mpid=1, session=<x>"; }
  : > "$T/stamps.log"; : > "$T/stamps.want"
  IFS='|' read -ra list <<< "$stamps"
  for st in "${list[@]}"; do
    loginat "$st" >> "$T/stamps.log"
    d "2026-$(date -d "$st 2026" +%m-%d) ${st:7}" >> "$T/stamps.want"
  done
  "$TOP/tests/logtool" -n "$(TZ=UTC d 2026-11-24T00:00:00)" < "$T/stamps.log" | cut -d' ' -f4 > "$T/stamps.got"
  if cmp -s "$T/stamps.want" "$T/stamps.got"; then ok "${#list[@]} syslog stamps in one run, each the time date gives"
  else notok "${#list[@]} syslog stamps in one run, each the time date gives" "$(paste "$T/stamps.want" "$T/stamps.got" | head -20)"; fi
  for st in 'Mar 29 02:30:00' 'Mar 29 02:30:17' 'Mar 29 02:59:59'; do loginat "$st"; done | "$TOP/tests/logtool" -n "$(TZ=UTC d 2026-11-24T00:00:00)" | cut -d' ' -f4 | paste -sd' ' > "$T/gap.got"
  # 2026-03-29 02:00-03:00 never happened in Berlin: the latest year that had it is 2025
  check "stamps in 2026's spring gap (02:30:00, 02:30:17, 02:59:59) are 2025's" "$(d '2025-03-29 02:30:00') $(d '2025-03-29 02:30:17') $(d '2025-03-29 02:59:59')" "$(cat "$T/gap.got")"
else
  zones=UTC
  skip 'rfc3164 and localtime_to_unix in Europe/Berlin' 'no /usr/share/zoneinfo/Europe/Berlin (apt package tzdata)'
fi

echo '--- iso8601'
for z in $zones; do
  export TZ=$z
  T0=$(TZ=UTC d 2026-11-23T21:10:00)
  tm iso8601 2026-11-23T21:10:00Z 0 "$T0"
  tm iso8601 2026-11-23t21:10:00z 0 "$T0"
  tm iso8601 2026-11-23T21:10:00.123456Z 0 "$T0"
  tm iso8601 2026-11-23T21:10:00.9Z 0 "$T0"
  tm iso8601 2026-11-23T22:10:00+01:00 0 "$T0"
  tm iso8601 2026-11-23T22:10:00.5+01:00 0 "$T0"
  tm iso8601 2026-11-23T15:40:00-05:30 0 "$T0"
  tm iso8601 2026-11-23T22:10:00+0100 0 "$T0"
  tm iso8601 2026-11-23T22:10:00+01 0 "$T0"
  tm iso8601 2026-11-24T00:10:00+03:00 0 "$T0"
  tm iso8601 2026-11-23T21:10:00-00:00 0 "$T0"
  tm iso8601 '2026-11-23 21:10:00Z' 0 "$T0"
  # without a zone: local time
  tm iso8601 '2026-11-23 21:10:00' 0 "$(d '2026-11-23 21:10:00')"
  tm iso8601 2026-11-23T21:10:00 0 "$(d '2026-11-23 21:10:00')"
  tm iso8601 2026-07-14T12:00:00.250 0 "$(d '2026-07-14 12:00:00')"
done
[ "$zones" != UTC ] && check 'iso8601 without zone in Berlin summer: 12:00 is 10:00 UTC' "$(TZ=UTC d 2026-07-14T10:00:00)" "$(TZ=Europe/Berlin "$A" time iso8601 '2026-07-14 12:00:00' 0)"
export TZ=UTC
tm iso8601 1970-01-01T00:00:00Z 0 0
tm iso8601 2024-02-29T12:00:00Z 0 "$(d 2024-02-29T12:00:00)"
tm iso8601 2000-02-29T12:00:00Z 0 "$(d 2000-02-29T12:00:00)"
tm iso8601 9999-12-31T23:59:59Z 0 253402300799
tlen iso8601 '2026-11-23T21:10:00.123456+01:00 mail postfix/smtpd[1]: connect' 0 32
tlen iso8601 '2026-11-23 21:10:00 pop3-login: Info: Login' 0 19
tlen iso8601 '2026-11-23T21:10:00Z host' 0 20
echo '--- iso8601: invalid stamps'
tm iso8601 2026-02-30T12:00:00Z 0 invalid
tm iso8601 2100-02-29T12:00:00Z 0 invalid
tm iso8601 2026-02-28T24:00:61Z 0 invalid
tm iso8601 2026-02-28T24:00:00Z 0 invalid
tm iso8601 2026-02-28T23:60:00Z 0 invalid
tm iso8601 2026-02-28T23:59:60Z 0 invalid
tm iso8601 2026-13-01T00:00:00Z 0 invalid
tm iso8601 2026-00-01T00:00:00Z 0 invalid
tm iso8601 2026-11-00T00:00:00Z 0 invalid
tm iso8601 2026-11-23T21:10Z 0 invalid
tm iso8601 2026-11-23X21:10:00Z 0 invalid
tm iso8601 26-11-23T21:10:00Z 0 invalid
tm iso8601 2026-1-23T21:10:00Z 0 invalid
tm iso8601 2026-11-23T21:10:00.Z 0 invalid
tm iso8601 2026-11-23T21:10:00+1:00 0 invalid
tm iso8601 2026-11-23T21:10:00+01:0 0 invalid
tm iso8601 2026-11-23T21:10:00+01: 0 invalid
tm iso8601 2026-11-23T21:10:00+010 0 invalid
tm iso8601 2026-11-23T21:10:00+24:00 0 invalid
tm iso8601 2026-11-23T21:10:00+01:60 0 invalid
tm iso8601 2026-11-23T21:10:00+ 0 invalid
tm iso8601 2026-11-23T21:10:001Z 0 invalid
tm iso8601 1969-12-31T23:59:59Z 0 invalid
tm iso8601 1970-01-01T00:30:00+01:00 0 invalid
tm iso8601 'Foo 12 12:00:00' 0 invalid
tm iso8601 '' 0 invalid
