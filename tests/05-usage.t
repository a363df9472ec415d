#!/bin/bash
# Every program's command line: -h/--help prints the usage on stdout,
# exit 0; -V/--version the version of package/version, exit 0; a usage
# error says what was wrong, then the usage line, exit 100.
. "$(dirname "$0")/lib.sh"

V=$(head -1 "$TOP/package/version")
declare -A U=(
  [readlog]='readlog [ -1 ] [ -n ] [ -v ] [ -t ] [ -P ] [ -d dir ] [ -g seconds ] [ -F formats ] [ -j host ] source...'
  [relaylock]='relaylock [ -v ] [ -d dir ] [ -g seconds ] [ -r value ] prog...'
  [logpopauth-pre]='logpopauth-pre [ -d dir ] [ -s source ] [ -k ] prog...'
  [logpopauth-post]='logpopauth-post [ -D ] prog...'
  [logpopauth-recorder]='logpopauth-recorder [ -k pid [ -P pidfd ] ] dir source address'
  [showallowed]='showallowed [ -d dir ] [ -g seconds ] [ -a ] [ -x ] [ -m ] [ -t time ]'
  [relaygrant]='relaygrant [ -d dir ] [ -s seconds ] [ -u user ] address'
  [relayrevoke]='relayrevoke [ -d dir ] address'
  [relaypolicy]='relaypolicy [-v] [-d dir] [-g seconds]'
  [relaycompact]='relaycompact [ -v ] [ -d dir ]'
  [relaycheck]='relaycheck [ -d dir ] [ -S servicedir ] [ -F formats ] [ -w seconds ] [ source... ]'
  [relayexport]='relayexport [-v] [-1] [-d dir] [-g seconds] [-r persecond] [-c cdb] [-t rules -x rulescdb [-6]]'
)
progs=$(sed -n 's|^f 755 bin/\([^ ]*\) .*|\1|p' "$TOP/package/hier")
check "the test knows every program package/hier installs" "$(printf '%s\n' "${!U[@]}" | sort)" "$(printf '%s\n' $progs | sort)"

# usageerr PROG WHAT ARGS...: exit 100, stderr WHAT then the usage line, nothing on stdout
usageerr() {
  local p=$1 what=$2; shift 2
  run "$TOP/$p" "$@"
  check "$p $*: exit 100" 100 "$rc"
  check "$p $*: what was wrong, then the usage" "$p: fatal: $what
$p: usage: ${U[$p]}" "$(cat "$T/err")"
  check "$p $*: nothing on stdout" "" "$(cat "$T/out")"
}
for p in $progs; do
  for h in -h --help; do
    run "$TOP/$p" $h
    check "$p $h: exit 0, the usage on stdout, nothing on stderr" "0|usage: ${U[$p]}|" "$rc|$(cat "$T/out")|$(cat "$T/err")"
  done
  for v in -V --version; do
    run "$TOP/$p" $v
    check "$p $v: exit 0, the version on stdout" "0|$p (smtp-poplock) $V|" "$rc|$(cat "$T/out")|$(cat "$T/err")"
  done
  usageerr $p "unknown option -q" -q true
  usageerr $p "unknown option --frob" --frob true
done
for p in readlog relaylock logpopauth-pre showallowed relaygrant relayrevoke relaypolicy relayexport relaycheck relaycompact; do
  usageerr $p "option -d needs an argument" -d
done
usageerr logpopauth-recorder "option -k needs an argument" -k
usageerr logpopauth-recorder 'invalid value for -k: "0"' -k 0 d s 127.0.0.1
usageerr logpopauth-recorder 'invalid value for -P: "99"' -k 1 -P 99 d s 127.0.0.1
for p in readlog relaylock showallowed relaypolicy relayexport; do
  usageerr $p 'invalid value for -g: "abc"' -g abc x
  usageerr $p 'invalid value for -g: "12x"' -g 12x x
done
usageerr readlog 'invalid value for -g: "0"' -g 0 x
usageerr relaycheck 'invalid value for -w: "0"' -w 0
usageerr relaycheck 'invalid value for -w: "1d"' -w 1d
usageerr relaycheck "option -S needs an argument" -S
usageerr relaygrant 'invalid value for -s: "abc"' -s abc 127.0.0.1
usageerr relayexport 'invalid value for -r: "0"' -r 0 -c x
usageerr logpopauth-pre 'invalid value for -s: "a b"' -s 'a b' true
usageerr showallowed 'invalid value for -t: "yesterday"' -t yesterday
usageerr readlog "no source given"
usageerr relaylock "no program given"
usageerr logpopauth-pre "no program given"
usageerr logpopauth-post "no program given"
usageerr logpopauth-post "no program given" -D
usageerr relaygrant "no address given"
usageerr relaygrant "unexpected argument: 127.0.0.2" 127.0.0.1 127.0.0.2
usageerr relayrevoke "no address given"
usageerr showallowed "unexpected argument: x" x
usageerr relaypolicy "unexpected argument: x" x
usageerr relayexport "unexpected argument: x" -c y x
usageerr relayexport "-t and -x go together" -t rules
usageerr relayexport "-6 is about the rules: it goes with -t and -x" -6 -c x
usageerr relayexport "nothing to export: give -c or -t and -x"

# the chainloaders: options come before the program, whose own are its own
run logpopauth-post -D --help
check "logpopauth-post -D --help: the usage, nothing is run" "0|usage: ${U[logpopauth-post]}" "$rc|$(cat "$T/out")"
run env -u POPLOCKFD logpopauth-post printf '%s\n' --help
check "logpopauth-post printf %s --help: --help is printf's" "0|--help" "$rc|$(cat "$T/out")"
run relaylock -d "$(newstate)" printf '%s\n' -V
check "relaylock printf %s -V: -V is printf's" "0|-V" "$rc|$(cat "$T/out")"
usageerr relaylock "unknown option --frob" -v --frob true

# The library never prints (skalibs' rule): it returns, and the program
# says one line.  What prints is src/libprint.a's (usage, state_warn),
# which only the programs link.
if needcmd nm && [ -f "$TOP/src/libpoplock.a" ] && [ -f "$TOP/src/libprint.a" ]; then
  printsyms=' U (strerr_|buffer_[12]|printf$|fprintf$|puts$|fputs$|perror$|dprintf$)'
  check "no object of libpoplock.a prints: no strerr_*, buffer_1/2, stdio printing" "" \
    "$(nm -A "$TOP/src/libpoplock.a" | grep -E "$printsyms")"
  nm -A "$TOP/src/libprint.a" > "$T/printsyms"
  checkgrep "libprint.a is where the printing is (the check above sees such symbols)" "$printsyms" "$T/printsyms"
  check "libprint.a holds usage and state_warn, nothing else" "state_warn.o usage.o" \
    "$(ar t "$TOP/src/libprint.a" | sort | tr '\n' ' ' | sed 's/ $//')"
else
  skip "the library never prints" "nm, or the built libraries, missing"
fi
