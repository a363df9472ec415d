#!/bin/bash
# make install, make instcheck and make uninstall into a private DESTDIR:
# the install is what package/hier lists (and the list of the
# directories it made), and the uninstall takes away exactly that,
# leaving the tree as it was before (other packages' files, the
# directories that were there), the state directory and the services
# alone, saying so.
. "$(dirname "$0")/lib.sh"
home=$(head -1 "$TOP/conf-home")
state=$(head -1 "$TOP/conf-state")
# the tree under a root: type, mode and name of everything
tree() { (cd "$1" && find . -printf '%M %p\n' | LC_ALL=C sort); }
hierfiles() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/package/hier" | awk '$1 == "f" || $1 == "p" { print $3 }' | LC_ALL=C sort; }
mk() { make -s -C "$TOP" "$@"; }
left_state="package/uninstall: info: left the state directory $state alone: it is your data (doc/state.html)"
left_services="package/uninstall: info: left the service directories (package/setup's, default /etc/smtp-poplock/service) and their links (default in /service) alone: take each down as doc/install-qmail.html says"

echo '--- a prefix as Debian makes /usr/local, with another package in it'
R="$T/root"
# Debian's /usr/local has bin and share/man (empty), and no share/doc
mkdir -p "$R$home/bin" "$R$home/share/man" "$R$home/share/other"
echo other > "$R$home/bin/other"; chmod 755 "$R$home/bin/other"
echo readme > "$R$home/share/other/README"
tree "$R" > "$T/before"

run env DESTDIR="$R" make -s -C "$TOP" install
check "make install: exit 0" 0 "$rc"
check "make install: its one line" "package/install: installed into $R$home" "$(cat "$T/out")"
check "make install: nothing on stderr" "" "$(cat "$T/err")"
(cd "$R$home" && find . -type f | sed 's|^\./||' | grep -v -x -e bin/other -e share/other/README | LC_ALL=C sort) > "$T/installed"
check "make install: installed the files package/hier lists, and the list of the directories it made" \
  "$( (hierfiles; echo share/doc/smtp-poplock/directories-made) | LC_ALL=C sort)" "$(cat "$T/installed")"
check "make install: the directories it made, and only those, are in that list" \
  "$home/share/doc
$home/share/doc/smtp-poplock
$home/share/man/man1
$home/share/man/man8" "$(cat "$R$home/share/doc/smtp-poplock/directories-made")"
check "make install: a program 0755, a page 0644, its doc directory 0755" "755 644 755" \
  "$(stat -c %a "$R$home/bin/relaylock") $(stat -c %a "$R$home/share/doc/smtp-poplock/index.html") $(stat -c %a "$R$home/share/doc/smtp-poplock")"
check "make install: the installed relaylock is the built one" same "$(cmp -s "$TOP/relaylock" "$R$home/bin/relaylock" && echo same)"
# the pages: the tree's, less what is for the tree only (class "tree")
D=$R$home/share/doc/smtp-poplock
check "make install: every page of doc/ is installed but bench.html and library.html (the tree's dated measurements, the tree itself)" \
  "$(cd "$TOP/doc" && ls *.html | grep -vxE 'bench\.html|library\.html' | LC_ALL=C sort)" "$(cd "$D" && ls *.html | LC_ALL=C sort)"
check "make install: each page is package/docpage's of doc/ (one that differs:)" "" \
  "$(for f in "$D"/*.html; do "$TOP/package/docpage" "$TOP/doc/${f##*/}" | cmp -s - "$f" || echo "${f##*/}"; done | xargs)"
check "make install: the tree's passages are out: no page holds class=\"tree\" or a \"Tests:\" item (one that does:)" "" \
  "$(grep -l -e 'class="tree"' -e '<li>Tests:' "$D"/*.html | xargs -r -n1 basename | xargs)"
check "make install: no installed page names the tests (tests/...) or links a page that is not installed (one that does:)" "" \
  "$(for f in "$D"/*.html; do grep -q 'tests/' "$f" && echo "${f##*/}"; for l in $(grep -o 'href="[a-z0-9-]*\.html' "$f" | sed 's/^href="//'); do [ -f "$D/$l" ] || echo "${f##*/}:$l"; done; done | sort -u | xargs)"
check "make install: but the tree's pages still hold them (doc/readlog.html's Tests: item)" yes \
  "$(grep -q '<li class="tree">Tests: <tt>tests/40-readlog.t</tt>' "$TOP/doc/readlog.html" && echo yes)"
run mk instcheck DESTDIR="$R"
check "make instcheck: complete, exit 0" "0 package/instcheck: $R$home is complete" "$rc $(cat "$T/out")"

run mk uninstall DESTDIR="$R"
check "make uninstall: exit 0" 0 "$rc"
check "make uninstall: one line for the state directory, one for the services, one for what it did" \
  "$left_state
$left_services
package/uninstall: removed from $R$home" "$(cat "$T/out")"
check "make uninstall: nothing on stderr" "" "$(cat "$T/err")"
tree "$R" > "$T/after"
check "make uninstall: the tree is as it was before make install" "$(cat "$T/before")" "$(cat "$T/after")"
run mk instcheck DESTDIR="$R"
check "make instcheck after the uninstall: incomplete, exit 1 (make: 2)" 2 "$rc"
checkgrep "make instcheck after the uninstall: relaylock is missing" "^package/instcheck: warning: $R$home/bin/relaylock is missing$" "$T/err"

echo '--- uninstall again: nothing left to remove is not an error'
run mk uninstall DESTDIR="$R"
check "a second make uninstall: exit 0, the same three lines" "0 $left_state
$left_services
package/uninstall: removed from $R$home" "$rc $(cat "$T/out")"
check "a second make uninstall: the tree is still as before" "$(cat "$T/before")" "$(tree "$R")"

echo '--- an empty DESTDIR, installed twice (an upgrade): every directory is install'"'"'s'
R2="$T/root2"; mkdir "$R2"
run env DESTDIR="$R2" "$TOP"/package/install
check "package/install into an empty root: exit 0" 0 "$rc"
check "package/install: it made the prefix and its parents too" "$(echo "$home" | awk -F/ '{ p = ""; for (i = 2; i <= NF; i++) { p = p "/" $i; print p } }')" \
  "$(grep -v -e "^$home/" "$R2$home/share/doc/smtp-poplock/directories-made")"
first=$(cat "$R2$home/share/doc/smtp-poplock/directories-made")
run env DESTDIR="$R2" "$TOP"/package/install
check "package/install again, making nothing: exit 0, the list kept as it was" "0 $first" \
  "$rc $(cat "$R2$home/share/doc/smtp-poplock/directories-made")"
run env DESTDIR="$R2" "$TOP"/package/uninstall
check "package/uninstall: exit 0, nothing on stderr" "0 " "$rc $(cat "$T/err")"
check "package/uninstall: the root is empty again" "." "$(cd "$R2" && find . | LC_ALL=C sort)"

echo '--- an interrupted install, and a file of the administrator in the doc directory'
R3="$T/root3"; mkdir "$R3"
DESTDIR="$R3" "$TOP"/package/install >/dev/null
cp "$TOP/readlog" "$R3$home/bin/readlog{new}"
echo mine > "$R3$home/share/doc/smtp-poplock/notes.txt"
run env DESTDIR="$R3" "$TOP"/package/uninstall
check "package/uninstall: exit 0" 0 "$rc"
check "package/uninstall: a warning for the directory it keeps" \
  "package/uninstall: warning: left $R3$home/share/doc/smtp-poplock: it holds files package/hier does not list" "$(cat "$T/err")"
check "package/uninstall: only the administrator's file is left, with the directories that hold it (the NAME{new} is gone)" \
  "$(printf '%s\n' . $(echo "$home/share/doc/smtp-poplock/notes.txt" | awk -F/ '{ p = "."; for (i = 2; i <= NF; i++) { p = p "/" $i; print p } }') | LC_ALL=C sort)" \
  "$(cd "$R3" && find . | LC_ALL=C sort)"

echo '--- a name package/hier lists that is a directory here'
R4="$T/root4"; mkdir -p "$R4$home/bin/relaylock"
run env DESTDIR="$R4" "$TOP"/package/uninstall
check "package/uninstall: fatal, exit 111" 111 "$rc"
check "package/uninstall: one line naming it" "package/uninstall: fatal: unable to remove $R4$home/bin/relaylock: it is a directory" "$(cat "$T/err")"
check "package/uninstall: the directory is still there" yes "$([ -d "$R4$home/bin/relaylock" ] && echo yes)"
