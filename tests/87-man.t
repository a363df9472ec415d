#!/bin/bash
# The man pages, made by package/html2man from doc/PROG.html (make it):
# one per program package/hier installs, in the section it gives; each
# lints clean (groff -ww -z -man) and renders without a warning; its
# text is the HTML page's text, word for word, in the same order; its
# sections are the page's; its interface line is the program's usage
# line; NAME is the program's line in doc/index.html.  The page is read
# as package/docpage gives it: what is for the tree only (class "tree",
# the Tests: items) is in no man page.
. "$(dirname "$0")/lib.sh"
needcmd groff || { skip "the man pages" "groff is not installed (package/deps-test: groff-base)"; exit 0; }
needcmd perl || { skip "the man pages" "perl is not installed"; exit 0; }
hier() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/package/hier"; }
progs=$(hier | sed -n 's|^f 755 bin/\([^ ]*\) .*|\1|p')
pages=$(hier | sed -n 's|^f 644 share/man/man\([0-9]\)/\([^ ]*\)\.\1 man/\2\.\1$|\2.\1|p')
check "package/hier installs a man page for every program it installs, and no other" \
  "$(printf '%s\n' $progs | sort)" "$(printf '%s\n' $pages | sed 's/\.[0-9]$//' | sort)"
check "section 1 for showallowed, 8 for the daemons and the other admin tools" \
  "logpopauth-post.8 logpopauth-pre.8 logpopauth-recorder.8 readlog.8 relaycheck.8 relaycompact.8 relayexport.8 relaygrant.8 relaylock.8 relaypolicy.8 relayrevoke.8 showallowed.1" \
  "$(printf '%s\n' $pages | sort | tr '\n' ' ' | sed 's/ $//')"

# the words of an HTML page's body, after the link to the index and the title
htmlwords() {
  perl -0777 -ne '
    s{.*?<body>\s*<p><a href="index.html">smtp-poplock</a></p>\s*<h1>.*?</h1>}{}s; s{</body>.*}{}s;
    s{<sup>}{^}g; s{</?(?:p|pre|h[23]|ul|li|dl|dt|dd)>}{ }g; s{<[^>]*>}{}g;
    my %e = (amp => "&", lt => "<", gt => ">", quot => "\"", ldquo => "\x{201c}", rdquo => "\x{201d}", plusmn => "\x{b1}", rarr => "\x{2192}");
    s{&([a-z]+);}{exists $e{$1} ? $e{$1} : "&$1;"}ge;
    binmode STDOUT, ":utf8"; print lc($_), "\n" for split " ";' "$1"
}
# the words of a rendered man page between DESCRIPTION and SEE ALSO, without the bullets
manwords() {
  sed -n '/^DESCRIPTION$/,/^SEE ALSO$/p' "$1" | sed '1d;$d' | tr -s ' \t' '\n\n' | grep -v -x -e '' -e '•' | perl -CS -ne 'print lc'
}
# a usage line, with the blanks inside brackets taken out
norm() { sed -e 's/  */ /g' -e 's/\[ /[/g' -e 's/ \]/]/g' -e 's/^ //' -e 's/ $//'; }

for pg in $pages; do
  p=${pg%.*} s=${pg##*.} m=$TOP/man/$pg
  [ -f "$m" ] || { notok "$pg: man/$pg was made by make it"; continue; }
  run groff -ww -z -man "$m"
  check "$pg: groff -ww -z -man: no warning, exit 0" "0 " "$rc $(cat "$T/err")"
  run groff -man -Tutf8 -P-cbou "$m"
  check "$pg: renders with groff -Tutf8, nothing on stderr" "0 " "$rc $(cat "$T/err")"
  cp "$T/out" "$T/$pg.txt"
  if needcmd man; then
    run env MANWIDTH=80 man -l "$m"
    check "$pg: man -l renders it, nothing on stderr" "0 " "$rc $(cat "$T/err")"
  fi
  check "$pg: the header names the program and the section" "$(echo "$p" | tr a-z A-Z)($s)" "$(head -1 "$T/$pg.txt" | awk '{ print $1 }')"
  desc=$(grep "^<li>.*<a href=\"$p\.html\">" "$TOP/doc/index.html" | sed -e 's/.*<\/a>: //' -e 's/<\/li>$//')
  check "$pg: NAME is the program's line in doc/index.html" "$p - $desc" \
    "$(sed -n '/^NAME$/,/^DESCRIPTION$/p' "$T/$pg.txt" | sed '1d;$d' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')"
  "$TOP/package/docpage" "$TOP/doc/$p.html" > "$T/$pg.page"
  htmlwords "$T/$pg.page" > "$T/$pg.html.words"
  manwords "$T/$pg.txt" > "$T/$pg.man.words"
  if cmp -s "$T/$pg.html.words" "$T/$pg.man.words"; then ok "$pg: its text is the HTML page's, word for word ($(wc -l < "$T/$pg.man.words") words)"
  else notok "$pg: its text is the HTML page's, word for word" "$(diff "$T/$pg.html.words" "$T/$pg.man.words" | head -10)"; fi
  check "$pg: its sections are the page's" \
    "$(sed -n 's|.*<h2>\(.*\)</h2>.*|\1|p' "$T/$pg.page" | sed 's/<[^>]*>//g' | tr a-z A-Z)" \
    "$(grep '^\.SH ' "$m" | sed -e 's/^\.SH "*//' -e 's/"$//' -e 's/\\-/-/g' | grep -v -x -e NAME -e DESCRIPTION -e 'SEE ALSO')"
  usage=$("$TOP/$p" --help | sed 's/^usage: //' | norm)
  iface=$(sed -n '/^INTERFACE$/,/^[A-Z]/p' "$T/$pg.txt" | sed -n '2,/[^ ]/p' | grep -v '^$' | head -1 | norm)
  case $iface in
    *"$usage") ok "$pg: the interface line is $p --help's usage line" ;;
    *) notok "$pg: the interface line is $p --help's usage line" "man:   $iface" "usage: $usage" ;;
  esac
done

check "no man page names the tests (tests/...) or has a Tests: item (one that does:)" "" \
  "$(grep -l -e 'tests/' -e '^Tests:' "$T"/*.[18].txt 2>/dev/null | xargs -r -n1 basename | xargs)"
check "while the tree's pages do (doc/relaylock.html's Tests: item)" yes \
  "$(grep -q '<li class="tree">Tests: <tt>tests/30-relaylock.t</tt>' "$TOP/doc/relaylock.html" && echo yes)"

echo '--- package/html2man refuses what it cannot convert'
mkdir -p "$T/tree/doc" "$T/tree/package"
cp "$TOP/package/html2man" "$TOP/package/docpage" "$TOP/package/hier" "$TOP/package/version" "$T/tree/package/"
cp "$TOP/conf-home" "$T/tree/"
cp "$TOP/doc/index.html" "$T/tree/doc/"
sed 's|<h2>Options</h2>|<h2>Options</h2><table><tr><td>x</td></tr></table>|' "$TOP/doc/relaygrant.html" > "$T/tree/doc/relaygrant.html"
checkrun "a tag it does not know: exit 100, naming it" 100 \
  "package/html2man: fatal: unable to convert doc/relaygrant.html: tag <table> is not one package/html2man knows" "$T/tree/package/html2man" relaygrant 8
sed 's|<h2>Options</h2>|<h2>Options</h2><p>a \&copy; b</p>|' "$TOP/doc/relaygrant.html" > "$T/tree/doc/relaygrant.html"
checkrun "an entity it does not know: exit 100, naming it" 100 \
  "package/html2man: fatal: unable to convert doc/relaygrant.html: entity &copy; is not one package/html2man knows" "$T/tree/package/html2man" relaygrant 8
sed 's|<h2>Options</h2>|<h2>Options</h2><div class="tree"><p>x</p>|' "$TOP/doc/relaygrant.html" > "$T/tree/doc/relaygrant.html"
checkrun "a passage for the tree that is not closed: exit 100, naming it" 100 \
  "package/docpage: fatal: unable to convert doc/relaygrant.html: <div class=\"tree\"> is not closed" "$T/tree/package/html2man" relaygrant 8
sed 's|<h2>Options</h2>|<h2>Options</h2><p><span class="tree x">x</span></p>|' "$TOP/doc/relaygrant.html" > "$T/tree/doc/relaygrant.html"
checkrun "a class tree with another class: exit 100" 100 \
  "package/docpage: fatal: unable to convert doc/relaygrant.html: a class \"tree\" not on an element's opening tag alone" "$T/tree/package/html2man" relaygrant 8
checkrun "a program without a page: exit 111" 111 \
  "package/html2man: fatal: unable to read doc/nosuch.html: No such file or directory" "$T/tree/package/html2man" nosuch 8
checkrun "a section other than 1 or 8: usage, exit 100" 100 \
  "package/html2man: fatal: usage: package/html2man PROG SECTION" "$T/tree/package/html2man" relaygrant 5
