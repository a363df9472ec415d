#!/bin/bash
# Lines that reach readlog in pieces are never lines.  multilog cuts a
# line across two files when current fills in its middle (the first
# piece ends the file without a newline, the rest begins the next file
# without a stamp); a file rotated away or standard input can end inside
# a line.  Each piece is counted as cut and never parsed, also across
# restarts.  Then: every login line of the fixtures, cut at every byte
# across multilog files, grants nothing; and a real multilog (s4096,
# with and without t) under supervise, fed lines it cuts, whose pieces
# are forged logins.
. "$(dirname "$0")/lib.sh"

addrs() { "$TOP/tests/storetool" scan "$1" 2>/dev/null | cut -d' ' -f1 | sort | xargs; }
counter() { sed -n "s/^readlog: info: lines .* $1 \([0-9]*\) .*/\1/p" "$2" | tail -1; }
NOW=$(date +%s)
stamp() { printf '@%016x%08x' $((4611686018427387914 + NOW)) "$1"; }   # multilog t, now
mlfile() { printf '%s/@%024x.s' "$1" "$2"; }
SP='Nov 23 21:30:01 mail solid-pop3d[901]: user alice authenticated - 192.0.2.17'
GOOD='pop3-login: Info: Login: user=<good>, method=PLAIN, rip=10.44.0.1, lip=127.0.0.1'
GOOD2='pop3-login: Info: Login: user=<good>, method=PLAIN, rip=10.44.0.2, lip=127.0.0.1'
GOOD3='pop3-login: Info: Login: user=<good>, method=PLAIN, rip=10.44.0.3, lip=127.0.0.1'
FAIL='imap4d: 2ANLbiI8 login failed: xxxxxxxx'
FORGED='imap: login: [203.0.113.9] x p User logged in'

echo '--- standard input: an end with no newline is not a line'
printf '%s\n%s' 'Nov 23 21:30:00 mail solid-pop3d[901]: connect from 192.0.2.17' "${SP%7}" | readlog -n -v - > "$T/out" 2> "$T/err"
check "stdin ending in \"... authenticated - 192.0.2.1\": no grant" "" "$(grep -v '^cut ' "$T/out")"
check "the piece is counted as cut" 1 "$(counter cut "$T/err")"
check "-n -v says so" "cut -" "$(cat "$T/out")"
printf '%s' "$SP" | readlog -n - > "$T/out" 2>/dev/null
check "a whole login line without its newline at the end of stdin: no grant" "" "$(cat "$T/out")"

# SIGTERM with half a line in hand: the rest of it is read, but the input
# ends first
S=$(newstate)
{ printf '%s\n%s' "$GOOD" "${SP%7}"; sleep 1; } | readlog -d "$S" - 2> "$T/err" & pid=$!
waitfor 5 test -n "$(addrs "$S")"
kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM, then stdin ends inside the line in hand: exit 0" 0 $rc
check "only the whole line granted" "10.44.0.1" "$(addrs "$S")"
check "the rest counted as cut" 1 "$(counter cut "$T/err")"

echo '--- a plain file rotated away inside a line'
S=$(newstate)
log="$T/plain.log"
printf '%s\n%s' "$GOOD" "${SP%7}" > "$log"
readlog -v -d "$S" "$log" 2> "$T/err" & pid=$!
on_exit "kill $pid 2>/dev/null"
waitfor 5 test -n "$(addrs "$S")"
mv "$log" "$log.1"
printf '7\n%s\n' "$GOOD2" > "$log"
waitfor 5 sh -c "test \"\$('$TOP/tests/storetool' scan '$S' | wc -l)\" -ge 2"
kill -TERM $pid; wait $pid
check "the unterminated end of the rotated file is not read: 10.44.0.1 10.44.0.2 only" "10.44.0.1 10.44.0.2" "$(addrs "$S")"
check "it is counted as cut" 1 "$(counter cut "$T/err")"
# copytruncate in the middle of a line: the rest may begin the new contents
S=$(newstate)
printf '%s\n%s' "$GOOD" "$FAIL" > "$log"
readlog -v -d "$S" "$log" 2> "$T/err" & pid=$!
on_exit "kill $pid 2>/dev/null"
waitfor 5 test -n "$(addrs "$S")"
sleep 0.2
cp "$log" "$log.1"; : > "$log"
waitfor 5 grep -q 'truncated, reading from the start' "$T/err"
printf '%s\n%s\n' "$FORGED" "$GOOD2" >> "$log"
waitfor 5 sh -c "test \"\$('$TOP/tests/storetool' scan '$S' | wc -l)\" -ge 2"
kill -TERM $pid; wait $pid
check "copytruncate inside a line: the rest at the start of the file grants nothing" "10.44.0.1 10.44.0.2" "$(addrs "$S")"
check "both pieces counted as cut" 2 "$(counter cut "$T/err")"

echo '--- multilog: the end of a file and the start of the next'
# the first line of the oldest file is dropped (see below): a harmless one
ml() { rm -rf "$1"; mkdir -p "$1"; : > "$1/current"; }
D="$T/ml1"; ml "$D"
printf '%s imap4d: started\n%s %s\n%s %s' "$(stamp 1)" "$(stamp 2)" "$GOOD" "$(stamp 3)" "$FAIL" > "$(mlfile "$D" 1)"
printf '%s\n%s %s\n' "$FORGED" "$(stamp 4)" "$GOOD2" > "$D/current"
readlog -1 -n -v "$D" > "$T/out" 2> "$T/err"
check "multilog t: a failed login cut before a forged Cyrus login grants nothing" "10.44.0.1 10.44.0.2" "$(grep -v '^cut' "$T/out" | cut -d' ' -f3 | xargs)"
check "both pieces counted as cut (and the oldest file's first line)" 3 "$(counter cut "$T/err")"

D="$T/ml2"; ml "$D"
printf 'start\n%s\n%s' "$GOOD" "$FAIL" > "$(mlfile "$D" 1)"
printf '%s\n%s\n' "$FORGED" "$GOOD2" > "$D/current"
check "multilog without t: the same, by the cut alone" "10.44.0.1 10.44.0.2" "$(readlog -1 -n "$D" 2>/dev/null | cut -d' ' -f3 | xargs)"
printf 'start\n%s\n%s' "$GOOD" "${SP%7}" > "$(mlfile "$D" 1)"
printf '7\n%s\n' "$GOOD2" > "$D/current"
check "multilog: solid-pop3d's \"- 192.0.2.17\" cut after 192.0.2.1 grants nothing" "10.44.0.1 10.44.0.2" "$(readlog -1 -n "$D" 2>/dev/null | cut -d' ' -f3 | xargs)"

D="$T/ml3"; ml "$D"
printf 'start\n%s' "$FAIL" > "$(mlfile "$D" 1)"
printf 'xxxxxxxxxxxxx' > "$(mlfile "$D" 2)"
: > "$(mlfile "$D" 3)"
printf '%s\n%s\n' "$FORGED" "$GOOD2" > "$D/current"
readlog -1 -n "$D" > "$T/out" 2> "$T/err"
check "a line over three files and an empty one: its pieces grant nothing" "10.44.0.2" "$(cut -d' ' -f3 "$T/out" | xargs)"
check "three pieces counted (and the first line)" 4 "$(counter cut "$T/err")"

# with no file before it, the oldest file may continue one multilog removed
D="$T/ml4"; ml "$D"
printf '%s\n%s\n' "$FORGED" "$GOOD" > "$(mlfile "$D" 1)"
readlog -1 -n "$D" > "$T/out" 2> "$T/err"
check "the first line of the oldest @ file, read first, is dropped" "10.44.0.1" "$(cut -d' ' -f3 "$T/out" | xargs)"
rm "$(mlfile "$D" 1)"; printf '%s\n%s\n' "$GOOD2" "$GOOD" > "$D/current"
check "but the first line of a current never rotated is read" "10.44.0.2 10.44.0.1" "$(readlog -1 -n "$D" 2>/dev/null | cut -d' ' -f3 | xargs)"

echo '--- multilog: restarts between the pieces'
D="$T/ml5"; ml "$D"; S=$(newstate)
printf 'start\n%s\n%s' "$GOOD" "$FAIL" > "$(mlfile "$D" 1)"
readlog -1 -d "$S" "$D" 2> "$T/err"
check "first run: the whole line is granted" "10.44.0.1" "$(addrs "$S")"
check "first run: the unterminated end is cut" 2 "$(counter cut "$T/err")"
printf '%s\n%s\n' "$FORGED" "$GOOD2" >> "$D/current"
readlog -1 -d "$S" "$D" 2> "$T/err"
check "restarted at the end of the cut file: the rest of the line in current is dropped" "10.44.0.1 10.44.0.2" "$(addrs "$S")"
checkgrep "and counted as cut; nothing of the first file is read again" '^readlog: info: lines 2 logins 1 skipped: toolong 0 cut 1 ' "$T/err"
printf '%s\n' "$GOOD3" >> "$D/current"
readlog -1 -d "$S" "$D" 2> "$T/err"
check "restarted after the dropped piece: the next line is read, nothing twice" "10.44.0.1 10.44.0.2 10.44.0.3" "$(addrs "$S")"
checkgrep "one line read" '^readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 ' "$T/err"
# restarted in the middle of a file that began with a continuation: its
# first piece, behind the cursor, is not looked at again
D="$T/ml6"; ml "$D"; S=$(newstate)
printf 'start\n%s' "$FAIL" > "$(mlfile "$D" 1)"
printf '%s\n%s\n' "$FORGED" "$GOOD" > "$(mlfile "$D" 2)"
readlog -1 -d "$S" "$D" 2> /dev/null
printf '%s\n' "$GOOD2" > "$D/current"
readlog -1 -d "$S" "$D" 2> "$T/err"
check "a restart inside a file that began with a cut piece: no grant from it" "10.44.0.1 10.44.0.2" "$(addrs "$S")"

echo '--- multilog t: a line without a stamp is never a login'
D="$T/ml7"; ml "$D"
printf '%s %s\n%s\n%s %s\n' "$(stamp 1)" "$GOOD" "$GOOD2" "$(stamp 2)" "$GOOD3" > "$D/current"
readlog -1 -n "$D" > "$T/out" 2> "$T/err"
check "stamped lines: an unstamped login among them grants nothing" "10.44.0.1 10.44.0.3" "$(cut -d' ' -f3 "$T/out" | xargs)"
check "it is counted as cut" 1 "$(counter cut "$T/err")"
S=$(newstate)
printf '%s %s\n' "$(stamp 1)" "$GOOD" > "$D/current"
readlog -1 -d "$S" "$D" 2> /dev/null
printf '%s\n' "$GOOD2" >> "$D/current"
readlog -1 -d "$S" "$D" 2> "$T/err"
check "after a restart, known from the lines before the cursor" "10.44.0.1" "$(addrs "$S")"
D="$T/ml8"; ml "$D"; S=$(newstate)
printf '%s\n' "$GOOD" > "$D/current"
readlog -1 -d "$S" "$D" 2> /dev/null
printf '%s\n' "$GOOD2" >> "$D/current"
readlog -1 -d "$S" "$D" 2> /dev/null
check "in a directory without stamps, lines without one are read" "10.44.0.1 10.44.0.2" "$(addrs "$S")"

echo '--- property: no login line of the fixtures grants when it arrives in pieces'
# For each line of a fixture that logtool reads as a login (line K), a
# multilog directory: the lines before it, then that line cut at every
# byte (file j ends with its first j bytes, file j+1 begins with the
# rest), then the line whole.  readlog must grant exactly what logtool
# grants in lines 1 to K, and count every piece as cut.  And the
# fixture up to its last login line, cut before its last byte, on
# standard input, grants all but that one.  (A fixture that mixes
# multilog and syslog lines, two logs in one, is read without its
# multilog stamps: in one multilog t directory, a line without a stamp
# is never a login.)  Some 24000 files: in memory if there is a tmpfs.
FX="$TOP/tests/fixtures"
P=$(mktemp -d /dev/shm/poplock-cut.XXXXXX 2>/dev/null) || P=$(mktemp -d "$T/p.XXXXXX")
on_exit "rm -rf '$P'"
nl=0 nc=0 bad=0 badin=0
: > "$T/prop.fail"
start=$(date +%s)
for e in "$FX"/*/*.expect; do
  base=${e%.expect}
  if [ -f "$base" ]; then parts=$base; elif [ -f "$base.log" ]; then parts=$base.log
  else parts=$(ls "$base".* | grep -v '\.expect$'); fi
  name=${e#"$FX"/}
  awk '/^@[0-9a-f]+ / { s = 1 ; next } { u = 1 } END { exit !(s && u) }' $parts &&
    sed 's/^@[0-9a-f]\{24\} //' $parts > "$T/fx" || cat $parts > "$T/fx"
  "$TOP/tests/logtool" -l -n "$NOW" < "$T/fx" > "$T/fx.logins"
  rm -rf "$P"/*
  ks=$(cut -d' ' -f1 "$T/fx.logins" | uniq)
  (cd "$P" && mkdir $ks)
  # writes P/K/ for each login line K; P/want: "K SOURCE ADDR" for each
  # login of lines 1 to K, and "K cut PIECES"; P/in (for stdin) and
  # P/inwant, the logins before its last line; P/cuts
  LC_ALL=C awk -v P="$P" '
    FNR == NR { k = $1 + 0 ; want[k] = 1 ; last = k ; g[++ng] = $3 " " $4 ; gk[ng] = k ; next }
    { line[FNR] = $0 ; n = FNR }
    END {
      for (k = 1 ; k <= n ; k++) {
        L = line[k] ; m = length(L)
        if (k < last) printf "%s\n", L > (P "/in")
        else if (k == last) printf "%s", substr(L, 1, m - 1) > (P "/in")
        if (!(k in want)) continue
        d = P "/" k ; nf = 0
        f = sprintf("%s/@%024x.s", d, ++nf) ; printf "start\n" > f
        for (i = 1 ; i < k ; i++) printf "%s\n", line[i] > f
        for (j = 1 ; j <= m ; j++) {
          printf "%s", substr(L, 1, j) > f ; close(f)
          f = (j < m) ? sprintf("%s/@%024x.s", d, ++nf) : d "/current"
          printf "%s\n", substr(L, j + 1) > f
        }
        printf "%s\n", L > f ; close(f)
        for (i = 1 ; i <= ng ; i++) if (gk[i] <= k) print k, g[i] > (P "/want")
        print k " cut " (1 + 2 * m) > (P "/want")
        cuts += m
      }
      for (i = 1 ; i <= ng ; i++) if (gk[i] < last) inwant++
      print inwant + 0 > (P "/inwant") ; print cuts > (P "/cuts")
    }' "$T/fx.logins" "$T/fx"
  for k in $ks; do readlog -1 -n "$P/$k" > "$P/$k.out" 2> "$P/$k.err"; done
  awk '{ k = FILENAME ; sub(/.*\//, "", k) ; sub(/\..*/, "", k) }
       FILENAME ~ /out$/ { print k, $2, $3 }
       FILENAME ~ /err$/ && / cut [0-9]+ / { sub(/.* cut /, "") ; print k, "cut", $1 }' "$P"/*.out "$P"/*.err | sort > "$T/got"
  sort "$P/want" | cmp -s - "$T/got" || { bad=$((bad + 1)); { echo "$name:"; sort "$P/want" | diff - "$T/got" | head -10; } >> "$T/prop.fail"; }
  got=$(readlog -n - < "$P/in" 2>/dev/null | wc -l)
  [ "$(cat "$P/inwant")" = "$got" ] || { badin=$((badin + 1)); echo "$name, stdin: $got grants, not $(cat "$P/inwant")" >> "$T/prop.fail"; }
  nl=$((nl + $(echo $ks | wc -w))) nc=$((nc + $(cat "$P/cuts")))
done
[ $nl -ge 100 ] && ok "$nl login lines of the fixtures, cut at each of their $nc bytes ($(( $(date +%s) - start )) s)" || notok "only $nl login lines found in the fixtures"
check "cut across multilog files: only the lines before and the whole line grant, every piece counted as cut" 0 "$bad"
check "the last login line cut before its last byte at the end of stdin: it grants nothing" 0 "$badin"
[ -s "$T/prop.fail" ] && head -40 "$T/prop.fail" | sed 's/^/#   /'

echo '--- a real multilog (s4096) under supervise, fed lines it cuts'
for c in svscan supervise multilog; do
  needcmd $c || { skip "real multilog" "$c is not installed (daemontools)"; exit 0; }
done
# feed ST MAIN ROUNDS: for multilog s4096 writing MAIN (ST: the bytes its
# t adds to a line, 26, or 0), ROUNDS times: a login of 10.44.1.N, then a
# line sized so that multilog cuts it at byte 4096 of its file: a failed
# login whose user name ends with a forged Cyrus login (every other
# round), or a real solid-pop3d login of 192.0.2.17 cut after 192.0.2.1.
# Each line is written once multilog has written the one before, so that
# the size of current says where the next line begins.
cat > "$T/feed" <<'EOF'
#!/bin/bash
st=$1 cur=$2/current rounds=$3
size() { stat -c %s "$cur" 2>/dev/null || echo -1; }
settle() { local n=400; while [ "$(size)" != "$1" ] && [ $n -gt 0 ]; do sleep 0.01; n=$((n - 1)); done; }
settle 0
for ((r = 1; r <= rounds; r++)); do
  l="pop3-login: Info: Login: user=<u$r>, method=PLAIN, rip=10.44.1.$r, lip=127.0.0.1"
  pos=$(size); printf '%s\n' "$l"; settle $((pos + st + ${#l} + 1)); pos=$(size)
  if [ $((r % 2)) = 1 ]; then
    a="imap4d: 2ANLbiI8 login failed: " b1="" b2="imap: login: [203.0.113.9] x p User logged in"
  else
    a="solid-pop3d[901]: user " b1=" authenticated - 192.0.2.1" b2="7"
  fi
  n=$((4096 - pos - st - ${#a} - ${#b1}))
  printf '%s%s%s%s\n' "$a" "$(head -c $n /dev/zero | tr '\0' x)" "$b1" "$b2"
  settle $((${#b2} + 1))
done
echo done > "$2.done"
EOF
chmod 755 "$T/feed"
R=12
for v in t u; do
  case $v in t) st=26 ml="multilog t s4096 n100" ;; u) st=0 ml="multilog s4096 n100" ;; esac
  mkdir -p "$T/svc/$v/log"
  printf '#!/bin/sh\nwhile [ ! -e %s ]; do sleep 0.05; done\nexec %s %s %s %s\n' "$T/go" "$T/feed" $st "$T/svc/$v/log/main" $R > "$T/svc/$v/run"
  printf '#!/bin/sh\nexec %s ./main\n' "$ml" > "$T/svc/$v/log/run"
  chmod 755 "$T/svc/$v/run" "$T/svc/$v/log/run"
done
svscan "$T/svc" > "$T/svscan.log" 2>&1 & svscanpid=$!
on_exit "svc -dx $T/svc/t $T/svc/u $T/svc/t/log $T/svc/u/log 2>/dev/null; kill $svscanpid 2>/dev/null; sleep 0.5"
waitfor 10 test -f "$T/svc/t/log/main/current" -a -f "$T/svc/u/log/main/current" && ok "multilog runs under supervise" ||
  { notok "multilog did not start" "$(cat "$T/svscan.log")"; exit 1; }
for v in t u; do
  eval "S$v=\$(newstate)"
  eval "readlog -v -d \"\$S$v\" \"$T/svc/$v/log/main\" 2> \"$T/$v.err\" & p$v=\$!"
done
on_exit "kill $pt $pu 2>/dev/null"
sleep 0.3
touch "$T/go"
waitfor 60 test -e "$T/svc/t/log/main.done" -a -e "$T/svc/u/log/main.done" && ok "the feeders wrote $R rounds each" || notok "the feeders did not finish"
want=$(seq 1 $R | sed 's/^/10.44.1./' | sort | xargs)
for v in t u; do
  main="$T/svc/$v/log/main"
  eval "S=\$S$v pid=\$p$v"
  cuts=0
  for f in "$main"/@*; do [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || cuts=$((cuts + 1)); done
  forged=$(head -qn 1 "$main"/@* "$main"/current | grep -c '^imap: login: \[203\.0\.113\.9\] x p User logged in$')
  check "$v: multilog cut the $R long lines at the end of a file ($forged forged logins begin a file)" "$R $((R / 2))" "$cuts $forged"
  waitfor 10 test "$(addrs "$S" | wc -w)" -ge $R
  kill -TERM $pid; wait $pid
  check "$v: readlog granted every whole login, and nothing from the pieces" "$want" "$(addrs "$S")"
  check "$v: every piece counted as cut" $((2 * R)) "$(counter cut "$T/$v.err")"
done
