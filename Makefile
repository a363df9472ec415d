# smtp-poplock.  GNU make.  conf-cc and conf-ld say how to compile and
# link; conf-state is the compiled-in state directory, conf-home where
# make install puts things (package/hier lists what goes where).

# The tree (doc/library.html): src/include/ holds the library's API,
# src/include-local/ the headers one family of programs shares,
# src/libpoplock/ the library, src/libprint/ the programs' words, and
# one directory per family of programs: readlog (with relaycheck and
# relaycompact, which read what it reads and keep what it writes),
# deciders (relaylock, relaypolicy, showallowed, relaygrant,
# relayrevoke), logpopauth, relayexport.  A family's directory holds its
# programs' mains, the sources only it uses, and deps-exe/PROG: every
# object PROG is linked from, besides its main (tests/06-layout checks
# that the list is exactly what PROG needs).

# the programs: those package/hier installs in bin/
PROGRAMS = $(shell sed -n 's|^f 755 bin/[^ ]* ||p' package/hier)
FAMILIES = readlog deciders logpopauth relayexport
HEADERS = $(wildcard src/include/*.h src/include-local/*.h)

# the family directory of program $(1), and its objects
progdir = $(patsubst %/deps-exe/$(1),%,$(wildcard $(FAMILIES:%=src/%/deps-exe/$(1))))
progobj = $(shell sed -e 's/\#.*//' $(call progdir,$(1))/deps-exe/$(1))

# what the programs say to their user with, one text for all: the usage
# and its errors, the state's warnings.  The library never prints (tests/05)
PRINTSRC = $(wildcard src/libprint/*.c)
PRINTOBJ = $(PRINTSRC:.c=.o)

# the library, one concern per file
AUTO = src/libpoplock/auto_state.c src/libpoplock/auto_version.c
LIBSRC = $(filter-out $(AUTO),$(wildcard src/libpoplock/*.c)) $(AUTO)
LIBOBJ = $(LIBSRC:.c=.o)

# the families' own sources, their mains aside
MAINS = $(foreach p,$(PROGRAMS),$(call progdir,$(p))/$(p).c)
FAMSRC = $(filter-out $(MAINS),$(wildcard $(FAMILIES:%=src/%/*.c)))
FAMOBJ = $(FAMSRC:.c=.o)

# the man pages: those package/hier installs, each made from doc/PROG.html
MANPAGES = $(shell sed -n 's|^f 644 share/man/man[0-9]/[^ ]* ||p' package/hier)

# programs the tests drive the library with (tests/*.c); they, the
# benchmarks and the fuzz targets link tests/libsrc.a, every object but
# the mains
TESTTOOLS = $(patsubst %.c,%,$(wildcard tests/*.c))

# skalibs is linked statically, as skarnet's own packages do by default: the
# dynamic loader would cost relaylock more than all its own work (doc/bench.html)
SKARNET = -Wl,-Bstatic -lskarnet -Wl,-Bdynamic

default: it

it: $(PROGRAMS) $(TESTTOOLS) $(MANPAGES)

compile: conf-cc
	( echo '#!/bin/sh' ; echo 'exec' "`head -1 conf-cc`" '-Isrc/include -Isrc/include-local -c $${1+"$$@"}' ) > compile
	chmod 755 compile

load: conf-ld
	( echo '#!/bin/sh' ; echo 'main="$$1"; shift' ; \
	  echo 'exec' "`head -1 conf-ld`" '-o "$$main" "$$main".o $${1+"$$@"}' ) > load
	chmod 755 load

src/libpoplock/auto_state.c: conf-state
	printf '/* generated from conf-state */\nchar const *auto_state = "%s" ;\n' "`head -1 conf-state`" > $@

src/libpoplock/auto_version.c: package/version
	printf '/* generated from package/version */\nchar const *auto_version = "%s" ;\n' "`head -1 package/version`" > $@

src/%.o: src/%.c $(HEADERS) compile
	./compile -o $@ $<

tests/%.o: tests/%.c $(HEADERS) compile
	./compile -o $@ $<

src/libpoplock.a: $(LIBOBJ)
	rm -f $@
	ar cr $@ $(LIBOBJ)
	ranlib $@

src/libprint.a: $(PRINTOBJ)
	rm -f $@
	ar cr $@ $(PRINTOBJ)
	ranlib $@

tests/libsrc.a: $(FAMOBJ) $(LIBOBJ) $(PRINTOBJ)
	rm -f $@
	ar cr $@ $(FAMOBJ) $(LIBOBJ) $(PRINTOBJ)
	ranlib $@

# each program from its main and the objects its deps-exe names, nothing else
define PROGRAM_template
$(1): $(call progdir,$(1))/$(1).o $(call progobj,$(1)) $(call progdir,$(1))/deps-exe/$(1) load
	./load $(call progdir,$(1))/$(1) $(call progobj,$(1)) $$(SKARNET) && mv -f $(call progdir,$(1))/$(1) $(1)
endef
$(foreach p,$(PROGRAMS),$(eval $(call PROGRAM_template,$(p))))

# the test tools get the compactor with its crash points (tests/12-crash.t),
# linked before the objects so that the compactor's own is not used
tests/state_compact_crash.o: src/readlog/state_compact.c $(HEADERS) compile
	./compile -DPOPLOCK_CRASHPOINTS -o $@ src/readlog/state_compact.c

$(TESTTOOLS): %: %.o tests/state_compact_crash.o tests/libsrc.a src/libpoplock.a src/libprint.a load
	./load $@ tests/state_compact_crash.o tests/libsrc.a $(SKARNET)

MANDEPS = package/html2man package/docpage doc/index.html package/hier package/version conf-home

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
	rm -f compile load src/*/*.o src/*.a $(AUTO) tests/*.o tests/*.a $(PROGRAMS) $(TESTTOOLS)
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
	FUZZTIME=$(FUZZTIME) fuzz/run $(LIBSRC) $(FAMSRC) $(PRINTSRC)

sanitize:
	fuzz/sanitize $(SANITIZE_TESTS)

.PHONY: fuzz sanitize
