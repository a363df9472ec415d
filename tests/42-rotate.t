#!/bin/bash
# readlog following a plain log file through rename rotation (the writer
# still writing to the old file for a while), copytruncate, removal and
# re-creation, Debian's logrotate (create and copytruncate), and the same
# done while readlog is down.  Every line carries its own address: no
# line may be lost or read twice.
. "$(dirname "$0")/lib.sh"

store() { "$TOP/tests/storetool" "$@"; }
S=$(newstate)
log="$T/mail.log"
cnt=0
emit() {  # emit COUNT [FILE]: COUNT login lines, one new address each
  local k f=${2:-$log}
  for ((k = 0; k < $1; k++)); do
    cnt=$((cnt + 1))
    echo "$(date '+%b %d %H:%M:%S') pop3-login: Info: Login: user=<u$cnt>, method=PLAIN, rip=10.42.$((cnt / 256)).$((cnt % 256)), lip=127.0.0.1, mpid=$cnt, session=<s$cnt>" >> "$f"
  done
}
grants() { store scan "$S" | wc -l; }
has() { [ "$(grants)" -ge "$cnt" ]; }
caught() { waitfor 10 has && ok "$1 ($cnt lines)" || notok "$1: $(grants) grants for $cnt lines" "$(cat "$T/err")"; }

: > "$log"
readlog -v -d "$S" "$log" 2> "$T/err" & pid=$!
on_exit "kill $pid 2>/dev/null"
emit 5
caught "lines appended to the file are read"

# rename, as logrotate's create does; the writer keeps the old file open
# until it is told to reopen (syslogd's HUP), and writes there meanwhile
exec 3>> "$log"
mv "$log" "$log.1"
: > "$log"
emit 3 /dev/fd/3
caught "after a rename, lines still written to the old file are read"
exec 3>&-
emit 2
caught "then the new file is read"
checkgrep "readlog says it moved to the new file" 'info: .*: rotated, reading .*/mail\.log$' "$T/err"

# copytruncate (the file is larger than what is written after the cut)
emit 20
caught "more lines"
cp "$log" "$log.2"
: > "$log"
emit 3
caught "after copytruncate, the file is read from its start"
checkgrep "readlog says the file was truncated" 'info: .*: truncated, reading from the start' "$T/err"

# removal and re-creation
rm "$log"
emit 2
caught "a removed and re-created file is read"

if needcmd logrotate; then
  printf '%s {\n  rotate 3\n  create\n  missingok\n}\n' "$log" > "$T/create.conf"
  printf '%s {\n  rotate 3\n  copytruncate\n}\n' "$log" > "$T/copytruncate.conf"
  emit 4
  caught "lines before logrotate"
  logrotate -f -s "$T/lr.state" "$T/create.conf" && ok "logrotate (create) ran" || notok "logrotate (create) failed"
  emit 3
  caught "lines after logrotate's create rotation are read"
  emit 20
  caught "lines before logrotate's copytruncate"
  logrotate -f -s "$T/lr.state" "$T/copytruncate.conf" && ok "logrotate (copytruncate) ran" || notok "logrotate (copytruncate) failed"
  emit 3
  caught "lines after logrotate's copytruncate are read"
else
  skip "logrotate's create and copytruncate" "logrotate is not installed (package/test installs it)"
fi

kill -TERM $pid; wait $pid
checkgrep "every line was read once: as many logins as lines" "^readlog: info: lines $cnt logins $cnt skipped" "$T/err"

# the same while readlog is down; -1 reads what is new and exits
rm -f "$log".*
lines() { sed -n 's/^readlog: info: lines \([0-9]*\) logins \([0-9]*\) .*/\1 \2/p' "$T/err"; }
emit 3
mv "$log" "$log.1"
emit 2
readlog -1 -v -d "$S" "$log" 2> "$T/err"
check "down during a rename: the rest of the old file, then the new one" "5 5" "$(lines)"
checkgrep "it found its place in the rotated file" 'info: .*: resuming in a rotated file of' "$T/err"

emit 20
readlog -1 -d "$S" "$log" 2> "$T/err"
check "caught up" "20 20" "$(lines)"
emit 3
cp "$log" "$log-20261123"
: > "$log"
emit 2
readlog -1 -v -d "$S" "$log" 2> "$T/err"
check "down during a copytruncate: the rest of the copy, then the file from its start" "5 5" "$(lines)"

rm "$log"
emit 2
readlog -1 -v -d "$S" "$log" 2> "$T/err"
check "down during a removal and re-creation: the new file from its start" "2 2" "$(lines)"

store scan "$S" | cut -d' ' -f1 | sort > "$T/got"
seq 1 $cnt | awk '{ printf "10.42.%d.%d\n", int($1 / 256), $1 % 256 }' | sort > "$T/want"
check "the grants are exactly the $cnt addresses written" "" "$(diff "$T/want" "$T/got")"
