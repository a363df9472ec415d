#!/bin/bash
# Lines joined by pid (doc/formats.html, "Lines joined by pid"): a join
# uses only a connection of the same reader and syslog host that is open
# at the login line's time; tcpserver's "end" closes it; one entry per
# connection, the oldest forgotten first, PIDTAB_MAX (1024) of them; the
# pending connections survive a readlog restart.  Then a randomized
# property check: no grant ever crosses hosts, pids or closed connections.
. "$(dirname "$0")/lib.sh"
L="$TOP/tests/logtool"
NOW=1795500000
T0=1795469400
# tai T: a multilog label for Unix time T (daemontools: TAI = Unix + 10)
tai() { printf '@%016x%08x' $(( (1 << 62) + 10 + $1 )) 0; }
iso() { date -u -d "@$1" '+%Y-%m-%dT%H:%M:%S+00:00'; }
ok_() { echo "$(tai $1) tcpserver: ok $2 0:10.0.0.1:110 :$3::4000"; }
end_() { echo "$(tai $1) tcpserver: end $2 status 0"; }
pass_() { echo "$(iso $1) ${4:-mail} popa3d[$2]: Authentication passed for $3"; }
grants() { "$L" -j mail -n $NOW | cut -d' ' -f3,5 | paste -sd' ' -; }

echo '--- a. tcpserver end closes the connection, in log time'
check "a stale ok of an ended connection never joins a later login of a reused pid" "" \
  "$( { ok_ $T0 500 203.0.113.9; end_ $((T0+1)) 500; pass_ $((T0+100)) 500 victim; ok_ $((T0+99)) 500 192.0.2.50; } | grants)"
check "the end read before the login: a login of the same second still joins" "192.0.2.51 alice" \
  "$( { ok_ $T0 501 192.0.2.51; end_ $((T0+5)) 501; pass_ $((T0+5)) 501 alice; } | grants)"
check "the end read before the login: a login a second after the end does not" "" \
  "$( { ok_ $T0 501 192.0.2.51; end_ $((T0+5)) 501; pass_ $((T0+6)) 501 alice; } | grants)"
check "a reused pid: each login joins the connection open at its time, whatever the reading order" \
  "192.0.2.52 old 192.0.2.53 new" \
  "$( { ok_ $T0 502 192.0.2.52; end_ $((T0+2)) 502; ok_ $((T0+10)) 502 192.0.2.53; pass_ $((T0+1)) 502 old; pass_ $((T0+12)) 502 new; } | grants)"
check "a login before its connection's ok line joins nothing" "" \
  "$( { ok_ $((T0+10)) 503 192.0.2.54; pass_ $((T0+9)) 503 early; } | grants)"
check "a new connection of a pid closes the older one the second before: each login joins its own" "192.0.2.56 new 192.0.2.55 old" \
  "$( { ok_ $T0 504 192.0.2.55; ok_ $((T0+5)) 504 192.0.2.56; pass_ $((T0+6)) 504 new; pass_ $((T0+4)) 504 old; } | grants)"
check "two connections open in the same second for one pid: in doubt, no join" "" \
  "$( { ok_ $T0 505 192.0.2.57; end_ $((T0+1)) 505; ok_ $((T0+1)) 505 203.0.113.9; pass_ $((T0+1)) 505 x; } | grants)"

echo '--- b. keyed by reader and syslog host'
check "Session from on pop1 never joins a login with the same pid on pop2" "" \
  "$( { echo "$(iso $T0) pop1 popa3d[600]: Session from 203.0.113.9"; pass_ $((T0+1)) 600 bob pop2; } | grants)"
check "on the same host it does" "192.0.2.60 bob" \
  "$( { echo "$(iso $T0) pop2 popa3d[600]: Session from 192.0.2.60"; pass_ $((T0+1)) 600 bob pop2; } | grants)"
check "tcpserver's lines (no host) are -j's host's only" "" \
  "$( { ok_ $T0 601 203.0.113.9; pass_ $((T0+1)) 601 bob pop2; } | grants)"
check "without -j, a line without a host never joins one with a host" "" \
  "$( { ok_ $T0 602 192.0.2.62; pass_ $((T0+1)) 602 bob; } | "$L" -n $NOW)"
echo "$(iso $T0) mail popa3d[603]: Session from 203.0.113.9" > "$T/src1"
pass_ $((T0+1)) 603 bob > "$T/src2"
check "readlog: lines of two sources never join" "" "$(readlog -n -1 "$T/src1" "$T/src2" 2> /dev/null)"
check "readlog -j: they do" "203.0.113.9 bob" "$(readlog -n -1 -j mail "$T/src1" "$T/src2" 2> /dev/null | cut -d' ' -f3,5)"

echo '--- c. one entry per connection, the oldest forgotten first: the bound is 1024'
flood() { local l; l=$(tai $((T0+1))); for i in $(seq 1 $1); do echo "$l tcpserver: ok $((10000 + i)) 0:10.0.0.1:110 :198.51.100.$((i % 250 + 1))::4000"; done; }
check "a real connection, then 1023 that never log in: its login still joins" "192.0.2.70 real" \
  "$( { ok_ $T0 700 192.0.2.70; flood 1023; pass_ $((T0+2)) 700 real; } | grants)"
check "then 1024: it is the one forgotten" "" \
  "$( { ok_ $T0 700 192.0.2.70; flood 1024; pass_ $((T0+2)) 700 real; } | grants)"
check "and a younger pending one survives the 1024th (the oldest went, not it)" "192.0.2.72 young" \
  "$( { ok_ $T0 700 192.0.2.70; ok_ $T0 702 192.0.2.72; flood 1023; pass_ $((T0+2)) 702 young; } | grants)"

echo '--- d. a restart between the connect line and the login line'
S=$(newstate); echo 31622400 > "$S/grace"
now=$(date +%s)
log="$T/pop.log"
ok_ $now 800 192.0.2.80 > "$log"
checkrun "readlog -1 reads the connect line" 0 'readlog: info: lines 1 logins 0 .*' readlog -1 -d "$S" -j mail "$log"
pass_ $((now+1)) 800 carol >> "$log"
checkrun "restarted, it reads the login line" 0 'readlog: info: lines 1 logins 1 .*' readlog -1 -d "$S" -j mail "$log"
check "and the grant happens" "192.0.2.80" "$("$TOP/tests/storetool" scan "$S" | cut -d' ' -f1)"
check "the pending table is data only, in the state directory" "1" "$(ls "$S" | grep -c '^pending\.[0-9a-f]\{8\}$')"
# killed (not stopped) after the connect line was read and its position saved
S=$(newstate); echo 31622400 > "$S/grace"
log="$T/pop2.log"
ok_ $now 801 192.0.2.81 > "$log"
readlog -d "$S" -j mail "$log" 2> /dev/null & pid=$!
on_exit "kill $pid 2>/dev/null"
waitfor 5 sh -c "cat '$S'/cursor.* 2>/dev/null | grep -q ." || notok "readlog saved a position" "none in $S"
kill -KILL $pid; wait $pid 2>/dev/null
pass_ $((now+1)) 801 dave >> "$log"
readlog -1 -d "$S" -j mail "$log" 2> /dev/null
check "killed after the connect line, restarted: the grant happens" "192.0.2.81" "$("$TOP/tests/storetool" scan "$S" | cut -d' ' -f1)"
echo garbage > "$S"/pending.*
checkrun "a garbled table is said and dropped" 0 "readlog: warning: invalid pending connections in $S, starting without them
readlog: info: lines 0 .*" readlog -1 -d "$S" -j mail "$log"

echo '--- a join never crosses hosts, pids or closed connections (random logs)'
# Connections K on hosts 1 and 2 (host 1's also through tcpserver, whose
# lines have no host: logtool -j pop1), pids 1..3, random times: the
# address 10.H.P.K names the connection (H 9 for tcpserver's), the user
# of a login hostH_P_T its host, pid and time.  The two streams
# (tcpserver's, syslog's) are interleaved at random, as two files may
# be read.  Every grant must be of a connection of the same host and
# pid, open at the login's time; some grants must happen.
bad=0 total=0
: > "$T/rand.bad"
for seed in $(seq 1 40); do
  perl -e '
    use POSIX qw(strftime);
    my ($seed, $t0) = @ARGV; srand($seed);
    sub tai { sprintf("\@%016x%08x", 4611686018427387904 + 10 + $_[0], 0) }
    sub iso { strftime("%Y-%m-%dT%H:%M:%S+00:00", gmtime($_[0])) }
    my (@a, @b);
    open(my $c, ">", $ARGV[2]) or die;
    for my $k (1 .. 60) {
      my ($h, $p, $s) = (int(rand(2)) + 1, int(rand(3)) + 1, $t0 + int(rand(100)));
      if ($h == 1 && rand() < 0.6) {
        my $e = $s + int(rand(5)); my $ended = rand() < 0.9;
        push @a, [$s, 0, tai($s) . " tcpserver: ok $p 0:10.0.0.1:110 :10.9.$p.$k\::4000"];
        push @a, [$e, 1, tai($e) . " tcpserver: end $p status 0"] if $ended;
        print $c "10.9.$p.$k 1 $p $s " . ($ended ? $e : 9999999999) . "\n";
      } else {
        push @b, [$s, 0, iso($s) . " pop$h popa3d[$p]: Session from 10.$h.$p.$k"];
        print $c "10.$h.$p.$k $h $p $s 9999999999\n";
      }
    }
    for (1 .. 60) {
      my ($h, $p, $t) = (int(rand(2)) + 1, int(rand(3)) + 1, $t0 + int(rand(100)));
      push @b, [$t, 2, iso($t) . " pop$h popa3d[$p]: Authentication passed for host${h}_${p}_$t"];
    }
    # each stream in time order, then interleaved at random, as two files may be read
    my @x = sort { $a->[0] <=> $b->[0] || $a->[1] <=> $b->[1] } @a;
    my @y = sort { $a->[0] <=> $b->[0] || $a->[1] <=> $b->[1] } @b;
    while (@x || @y) { print((!@y || (@x && rand() < 0.5)) ? (shift @x)->[2] : (shift @y)->[2], "\n") }
  ' $seed $T0 "$T/conns" > "$T/rand.log"
  "$L" -j pop1 -n $NOW < "$T/rand.log" > "$T/rand.out"
  r=$(perl -e '
    my %c; open(my $f, "<", $ARGV[0]) or die;
    while (<$f>) { my ($a, @r) = split; $c{$a} = [@r] }
    my ($n, $bad) = (0, 0);
    open($f, "<", $ARGV[1]) or die;
    while (<$f>) {
      my @g = split; $n++;
      my ($h, $p, $t) = $g[4] =~ /^host(\d)_(\d)_(\d+)$/;
      my $k = $c{$g[2]};
      if (!$k || $k->[0] != $h || $k->[1] != $p || $k->[2] > $t || $k->[3] < $t) { $bad++; print STDERR "grant $_" }
    }
    print "$n $bad\n";' "$T/conns" "$T/rand.out" 2>> "$T/rand.bad")
  total=$((total + ${r% *})); bad=$((bad + ${r#* }))
done
check "no grant crosses a host, a pid or a closed connection (40 random logs, $total grants)" 0 "$bad"
[ "$total" -gt 100 ] && ok "the random logs do join ($total grants)" || notok "the random logs do join" "only $total grants"
if [ -s "$T/rand.bad" ]; then sed -n 1,5p "$T/rand.bad" | sed "s/^/#   /"; fi
