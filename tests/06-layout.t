#!/bin/bash
# The tree shows what each program is made of (doc/library.html): its
# family's src/FAMILY/deps-exe/PROG names every object PROG is linked
# from besides its main, and nothing it does not need; a family's own
# sources serve only that family's programs, and the library's
# (src/libpoplock/) serve more than one family.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
[ -f tests/libsrc.a ] && [ -x ./load ] || { notok "the project is not built (make it)"; exit 1; }
progs=$(sed -n 's|^f 755 bin/[^ ]* ||p' package/hier)
families="readlog deciders logpopauth relayexport"

echo '--- the sources: each in one directory, no two of one name'
check "no source outside the tree's directories" "" \
  "$(ls src/*.c src/*.h 2>/dev/null; ls -d src/*/ | grep -vxE "src/(include|include-local|libpoplock|libprint|$(echo $families | tr ' ' '|'))/")"
check "no two sources of one name (an archive member is its basename)" "" \
  "$(ls src/*/*.c | sed 's|.*/||' | sort | uniq -d)"
check "headers only in src/include and src/include-local" "" "$(ls src/*/*.h | grep -vE '^src/include(-local)?/')"

echo '--- each program links exactly the objects its deps-exe names'
: > "$T/uses"
for p in $progs; do
  list=$(ls src/*/deps-exe/"$p" 2>/dev/null)
  if [ -z "$list" ]; then notok "$p: a deps-exe list" "none under src/*/deps-exe"; continue; fi
  fam=${list%/deps-exe/*}
  check "$p: its main is in its family's directory $fam" yes "$([ -f "$fam/$p.c" ] && echo yes)"
  # what the linker takes from an archive of every object, for the main alone
  # (with conf-ld's linker and flags: under make sanitize, the sanitizers')
  $(head -1 conf-ld) -o "$T/x" "$fam/$p.o" tests/libsrc.a -Wl,-Bstatic -lskarnet -Wl,-Bdynamic -Wl,-Map="$T/map" 2>"$T/err"
  check "$p links from its main and the archive of every object" "" "$(cat "$T/err")"
  need=$(grep -oE '^tests/libsrc\.a\([^)]*\)' "$T/map" | sed 's/.*(\(.*\))/\1/' | sort | tr '\n' ' ')
  have=$(sed -e 's/#.*//' -e '/^$/d' -e 's|.*/||' "$list" | sort | tr '\n' ' ')
  check "$p: $list names exactly the objects $p needs" "$need" "$have"
  missing=""
  for o in $(sed -e 's/#.*//' "$list"); do
    [ -f "${o%.o}.c" ] || case $o in src/libpoplock/auto_*.o) ;; *) missing="$missing $o" ;; esac
    echo "$o ${fam#src/}" >> "$T/uses"
  done
  check "$p: every object of its list is made from a source there" "" "$missing"
done

echo "--- a family's sources serve its programs only; the library's, more than one family"
for fam in $families; do
  bad=""
  for c in src/$fam/*.c; do
    o=${c%.c}.o
    others=$(awk -v o="$o" -v f="$fam" '$1 == o && $2 != f { print $2 }' "$T/uses" | sort -u | tr '\n' ' ')
    [ -z "$others" ] || bad="$bad ${c#src/} (used by $others)"
  done
  check "src/$fam/: no source another family links" "" "$bad"
done
bad=""
for c in src/libpoplock/*.c; do
  o=${c%.c}.o
  n=$(awk -v o="$o" '$1 == o { print $2 }' "$T/uses" | sort -u | wc -l)
  [ "$n" -ge 2 ] || bad="$bad ${c#src/libpoplock/}($n)"
done
check "src/libpoplock/: every source linked by two families or more" "" "$bad"
