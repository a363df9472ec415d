/* ISC license. */

#ifndef POPLOCK_FUZZ_H
#define POPLOCK_FUZZ_H

/*
 * Every fuzz target is one file defining LLVMFuzzerTestOneInput: linked
 * with libFuzzer (fuzz/run, clang) it is fuzzed; linked with
 * fuzz/replay.c (tests/80-fuzz-regress.t, the project's compile
 * script) it replays saved inputs.  A check that fails calls fuzz_fail,
 * which aborts: libFuzzer saves the input, the replay exits non-zero.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* a fixed clock: the same input always takes the same path */
#define FUZZ_NOW INT64_C(1700000000)

static inline void fuzz_fail (char const *what, char const *s, size_t len)
{
  fprintf(stderr, "fuzz: check failed: %s\n  in: \"", what) ;
  for (size_t i = 0 ; i < len && i < 600 ; i++)
  {
    unsigned char c = s[i] ;
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') fputc(c, stderr) ;
    else fprintf(stderr, "\\x%02x", c) ;
  }
  fputs("\"\n", stderr) ;
  abort() ;
}

#define CHECK(cond, what, s, len) do { if (!(cond)) fuzz_fail(what, (char const *)(s), len) ; } while (0)

extern int LLVMFuzzerTestOneInput (uint8_t const *data, size_t len) ;

#endif
