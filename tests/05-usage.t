#!/bin/bash
# Every program's command line: -h/--help prints the usage on stdout,
# exit 0; -V/--version the version of package/version, exit 0; a usage
# error says what was wrong, then the usage line, exit 100.
. "$(dirname "$0")/lib.sh"

V=$(head -1 "$TOP/package/version")
declare -A U=(
  [readlog]='readlog [ -1 ] [ -n ] [ -v ] [ -o ] [ -P ] [ -d dir ] [ -s seconds ] [ -F formats ] [ -j host ] source...'
  [relaylock]='relaylock [ -v ] [ -d dir ] [ -g seconds ] [ -r value ] prog...'
  [logpopauth-pre]='logpopauth-pre [ -d dir ] [ -l source ] [ -k ] prog...'
  [logpopauth-post]='logpopauth-post [ -D ] prog...'
  [logpopauth-recorder]='logpopauth-recorder [ -k pid [ -f pidfd ] ] dir source address'
  [showallowed]='showallowed [ -d dir ] [ -g seconds ] [ -a ] [ -e ] [ -m ] [ -t time ]'
  [relaygrant]='relaygrant [ -d dir ] [ -s seconds ] [ -u user ] address'
  [relayrevoke]='relayrevoke [ -d dir ] address'
  [relaypolicy]='relaypolicy [-v] [-d dir] [-g seconds]'
  [relaycompact]='relaycompact [ -v ] [ -d dir ]'
  [relaycheck]='relaycheck [ -d dir ] [ -S servicedir ] [ -F formats ] [ -w seconds ] [ source... ]'
  [relayexport]='relayexport [-v] [-1] [-d dir] [-g seconds] [-q persecond] [-c cdb] [-R rules -x rulescdb [-6]]'
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
  usageerr $p "unknown option -z" -z true
  usageerr $p "unknown option --frob" --frob true
done
for p in readlog relaylock logpopauth-pre showallowed relaygrant relayrevoke relaypolicy relayexport relaycheck relaycompact; do
  usageerr $p "option -d needs an argument" -d
done
usageerr logpopauth-recorder "option -k needs an argument" -k
usageerr logpopauth-recorder 'invalid value for -k: "0"' -k 0 d s 127.0.0.1
usageerr logpopauth-recorder 'invalid value for -f: "99"' -k 1 -f 99 d s 127.0.0.1
for p in relaylock showallowed relaypolicy relayexport; do
  usageerr $p 'invalid value for -g: "abc"' -g abc x
  usageerr $p 'invalid value for -g: "12x"' -g 12x x
done
usageerr readlog 'invalid value for -s: "0"' -s 0 x
usageerr readlog 'invalid value for -s: "12x"' -s 12x x
usageerr relaycheck 'invalid value for -w: "0"' -w 0
usageerr relaycheck 'invalid value for -w: "1d"' -w 1d
usageerr relaycheck "option -S needs an argument" -S
usageerr relaygrant 'invalid value for -s: "abc"' -s abc 127.0.0.1
usageerr relayexport 'invalid value for -q: "0"' -q 0 -c x
usageerr logpopauth-pre 'invalid value for -l: "a b"' -l 'a b' true
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
usageerr relayexport "-R and -x go together" -R rules
usageerr relayexport "-6 is about the rules: it goes with -R and -x" -6 -c x
usageerr relayexport "nothing to export: give -c or -R and -x"

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
# which only the programs link.  Nor do the families' own sources
# (tests/libsrc.a holds them with the rest, the mains aside).
if needcmd nm && [ -f "$TOP/src/libpoplock.a" ] && [ -f "$TOP/src/libprint.a" ] && [ -f "$TOP/tests/libsrc.a" ]; then
  printsyms=' U (strerr_|buffer_[12]|printf$|fprintf$|puts$|fputs$|perror$|dprintf$)'
  check "no object of libpoplock.a prints: no strerr_*, buffer_1/2, stdio printing" "" \
    "$(nm -A "$TOP/src/libpoplock.a" | grep -E "$printsyms")"
  check "no other object but libprint.a's prints (the families' sources)" "" \
    "$(nm -A "$TOP/tests/libsrc.a" | grep -vE ':(usage|state_warn)\.o:' | grep -E "$printsyms")"
  nm -A "$TOP/src/libprint.a" > "$T/printsyms"
  checkgrep "libprint.a is where the printing is (the check above sees such symbols)" "$printsyms" "$T/printsyms"
  check "libprint.a holds usage and state_warn, nothing else" "state_warn.o usage.o" \
    "$(ar t "$TOP/src/libprint.a" | sort | tr '\n' ' ' | sed 's/ $//')"
else
  skip "the library never prints" "nm, or the built libraries, missing"
fi

# --- one letter, one meaning (doc/index.html#letters): every option of
# every usage line is in the list, with its argument, for that program,
# and the rows of one letter mean one thing
docpre index.html letters-list > "$T/letters"
check "the list of option letters is in doc/index.html" 0 "$([ -s "$T/letters" ]; echo $?)"
check "each letter of the list means one thing" "" \
  "$(awk '{ m = $4; for (i = 5; i <= NF; i++) m = m " " $i; if (($1 in mean) && mean[$1] != m) print $1; mean[$1] = m }' "$T/letters")"
for p in $progs; do
  # the options of the usage line: -X, and its argument if one follows within its brackets
  opts=$(printf '%s\n' "${U[$p]}" | sed 's/\[/ [ /g; s/\]/ ] /g' |
    awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^-[A-Za-z0-9]$/) { a = "-"; if (i < NF && $(i+1) !~ /^[-\[\]]/) a = $(i+1); print $i, a } }')
  bad=$(printf '%s\n' "$opts" | while read -r o a; do
    [ -n "$o" ] || continue
    awk -v o="$o" -v a="$a" -v p="$p" '$1 == o && $2 == a && ($3 == "(any)" || index("," $3 ",", "," p ",")) { f = 1 } END { exit !f }' "$T/letters" || echo "$o $a"
  done)
  check "$p: every option of its usage line is in doc/index.html#letters, with that meaning" "" "$bad"
done
# and a program the list names for a letter has it
missing=$(awk '$3 != "(any)" { n = split($3, ps, ","); for (i = 1; i <= n; i++) print ps[i], $1, $2 }' "$T/letters" | while read -r p o a; do
  printf '%s\n' "${U[$p]:-}" | sed 's/\[/ [ /g; s/\]/ ] /g' | grep -qE -- "(^| )$o( |$)" || echo "$p $o"
done)
check "every program doc/index.html#letters names for a letter has it" "" "$missing"

