#!/bin/bash
# The fuzz targets (fuzz/*.c) built without libFuzzer, with the
# project's compile script and fuzz/replay.c, replaying their corpus
# (fuzz/corpus/TARGET) and every input a fuzzer once broke them with
# (fuzz/regress/TARGET): each check of each target holds for each.
# fuzz/regress/open/TARGET holds inputs that still break code being
# finished by others: they are run too, and reported as skips naming
# the bug while they fail (ok once fixed: then move them up).
. "$(dirname "$0")/lib.sh"

cd "$TOP" || exit 1
[ -x ./compile ] && [ -x ./load ] && [ -f tests/libsrc.a ] || { notok "the project is not built (make it)"; exit 1; }
mkdir -p "$T/b"
cp fuzz/replay.c fuzz/*.h "$T/b/"
./compile -o "$T/b/replay.o" "$T/b/replay.c" 2>"$T/err" || { notok "fuzz/replay.c compiles" "$(cat "$T/err")"; exit 1; }
targets="login mailutils logline time addr record journal snapshot control jexport"
export TMPDIR="$T"
for t in $targets; do
  if ! ./compile -Ifuzz -o "$T/b/$t.o" fuzz/$t.c 2>"$T/err" || ! ./load "$T/b/$t" "$T/b/replay.o" tests/libsrc.a -lskarnet 2>>"$T/err"; then
    notok "fuzz/$t.c builds without clang" "$(cat "$T/err")"; continue
  fi
  if [ -n "$(cat "$T/err")" ]; then notok "fuzz/$t.c builds without a warning" "$(cat "$T/err")"; else ok "fuzz/$t.c builds without clang or a warning"; fi
  set -- fuzz/corpus/$t/* fuzz/regress/$t/*
  files=() ; for f in "$@"; do [ -f "$f" ] && files+=("$f"); done
  if [ ${#files[@]} = 0 ]; then notok "fuzz/corpus/$t has inputs"; continue; fi
  "$T/b/$t" "${files[@]}" > "$T/out" 2> "$T/err"; rc=$?
  check "$t: every corpus and regression input passes its checks (${#files[@]} inputs)" "0 replayed ${#files[@]}" "$rc $(cat "$T/out")"
  [ $rc = 0 ] || sed 's/^/#   /' "$T/err" | head -8
  for f in fuzz/regress/open/$t/*; do
    [ -f "$f" ] || continue
    if "$T/b/$t" "$f" > /dev/null 2> "$T/err"; then
      ok "$t: open regression $(basename "$f") passes now (move it to fuzz/regress/$t)"
    else
      skip "$t: open regression $(basename "$f")" "still fails: $(grep -m1 'check failed\|ERROR' "$T/err" | cut -c1-120)"
    fi
  done
done

# the library bugs the fuzzers found, also checked by name
printf '+ 1 0 1.2.3.4 - %%41 4439986c\n' > "$T/r"
check "a record whose user is spelled %41 (not escape_user's spelling) is no record" "records 0 skipped 29" "$(tests/storetool records "$T/r")"
d=$(newstate)
printf '+ 1699999100 600 2001:db8::5 admin - baaa4018' > "$d/journal.old"
printf '\n' > "$d/journal"
check "a journal.old's last line without its LF is no record for a scan (as for a lookup)" "" "$(tests/storetool scan "$d")"
