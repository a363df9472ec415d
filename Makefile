# smtp-poplock.  GNU make.  conf-cc and conf-ld say how to compile and
# link; conf-state is the compiled-in state directory, conf-home where
# make install puts things (package/hier lists what goes where).

# the programs: those package/hier installs in bin/
PROGRAMS = $(shell sed -n 's|^f 755 bin/[^ ]* ||p' package/hier)

# what the programs say to their user with, one text for all: the usage
# and its errors, the state's warnings.  The library never prints (tests/05)
PRINTSRC = src/usage.c src/state_warn.c
PRINTOBJ = $(PRINTSRC:.c=.o)

# the library: every other .c in src/, one concern per file
AUTO = src/auto_state.c src/auto_version.c
LIBSRC = $(filter-out $(PROGRAMS:%=src/%.c) $(AUTO) $(PRINTSRC),$(wildcard src/*.c))
LIBOBJ = $(LIBSRC:.c=.o) $(AUTO:.c=.o)

# the man pages: those package/hier installs, each made from doc/PROG.html
MANPAGES = $(shell sed -n 's|^f 644 share/man/man[0-9]/[^ ]* ||p' package/hier)

# programs the tests drive the library with (tests/*.c)
TESTTOOLS = $(patsubst %.c,%,$(wildcard tests/*.c))

# skalibs is linked statically, as skarnet's own packages do by default: the
# dynamic loader would cost relaylock more than all its own work (doc/bench.html)
LIBS = src/libprint.a src/libpoplock.a -Wl,-Bstatic -lskarnet -Wl,-Bdynamic

default: it

it: $(PROGRAMS) $(TESTTOOLS) $(MANPAGES)

compile: conf-cc
	( echo '#!/bin/sh' ; echo 'exec' "`head -1 conf-cc`" '-Isrc -c $${1+"$$@"}' ) > compile
	chmod 755 compile

load: conf-ld
	( echo '#!/bin/sh' ; echo 'main="$$1"; shift' ; \
	  echo 'exec' "`head -1 conf-ld`" '-o "$$main" "$$main".o $${1+"$$@"}' ) > load
	chmod 755 load

src/auto_state.c: conf-state
	printf '/* generated from conf-state */\nchar const *auto_state = "%s" ;\n' "`head -1 conf-state`" > $@

src/auto_version.c: package/version
	printf '/* generated from package/version */\nchar const *auto_version = "%s" ;\n' "`head -1 package/version`" > $@

src/%.o: src/%.c src/*.h compile
	./compile -o $@ $<

tests/%.o: tests/%.c src/*.h compile
	./compile -o $@ $<

src/libpoplock.a: $(LIBOBJ)
	rm -f $@
	ar cr $@ $(LIBOBJ)
	ranlib $@

src/libprint.a: $(PRINTOBJ)
	rm -f $@
	ar cr $@ $(PRINTOBJ)
	ranlib $@

$(PROGRAMS): %: src/%.o src/libprint.a src/libpoplock.a load
	./load src/$@ $(LIBS) && mv -f src/$@ $@

# the test tools get the compactor with its crash points (tests/12-crash.t),
# linked before the library so that the library's own is not used
tests/state_compact_crash.o: src/state_compact.c src/*.h compile
	./compile -DPOPLOCK_CRASHPOINTS -o $@ src/state_compact.c

$(TESTTOOLS): %: %.o tests/state_compact_crash.o src/libpoplock.a load
	./load $@ tests/state_compact_crash.o $(LIBS)

MANDEPS = package/html2man doc/index.html package/hier package/version conf-home

man/%.1: doc/%.html $(MANDEPS)
	@mkdir -p man
	package/html2man $* 1 > $@{new} && mv -f $@{new} $@

man/%.8: doc/%.html $(MANDEPS)
	@mkdir -p man
	package/html2man $* 8 > $@{new} && mv -f $@{new} $@

check: it
	tests/run

install: it
	package/install

instcheck:
	package/instcheck

uninstall:
	package/uninstall

clean:
	rm -f compile load src/*.o src/*.a src/auto_*.c tests/*.o $(PROGRAMS) $(TESTTOOLS)
	rm -rf man
	rm -rf tests/out bench/out

.PHONY: default it check install instcheck uninstall clean

# benchmarks (doc/bench.html): not tests, no timed assertions; BENCH_QUICK=1 skips the 10^6 sizes
bench: it
	bench/run

.PHONY: bench

# Robustness (doc/threat.html).  make fuzz: every libFuzzer target in
# fuzz/ (clang-14) for FUZZTIME seconds, corpora in fuzz/corpus, what
# breaks one minimised into fuzz/regress (tests/80 replays both).
# make sanitize: a copy of the tree built with ASan and UBSan runs the
# whole test suite (fuzz/sanitize; SANITIZE_TESTS picks tests).
FUZZTIME = 30

fuzz: $(AUTO)
	FUZZTIME=$(FUZZTIME) fuzz/run $(LIBSRC) $(AUTO)

sanitize:
	fuzz/sanitize $(SANITIZE_TESTS)

.PHONY: fuzz sanitize
