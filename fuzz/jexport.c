/* ISC license. */

/*
 * jexport_entry, readlog's reader of journalctl -o export: what it takes
 * is all inside the input; an entry found is found the same in exactly
 * its own bytes, and is incomplete (0) in any shorter prefix of them;
 * its fields, written back in the binary form, read back the same.
 * Then the next entries, as readlog reads a stream.
 */

#include <string.h>
#include <stdlib.h>
#include "jexport.h"
#include "fuzz.h"

static jentry e, e2 ;

static size_t binary (char *out, jentry const *x)
{
  size_t n = 0 ;
  for (unsigned int i = 0 ; i < x->n ; i++)
  {
    uint64_t len = x->f[i].len ;
    memcpy(out + n, x->f[i].name, x->f[i].namelen) ; n += x->f[i].namelen ;
    out[n++] = '\n' ;
    for (unsigned int k = 0 ; k < 8 ; k++) out[n++] = (char)(len >> (8 * k)) ;
    memcpy(out + n, x->f[i].val, len) ; n += len ;
    out[n++] = '\n' ;
  }
  out[n++] = '\n' ;
  return n ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t len)
{
  char const *s = (char const *)data ;
  size_t pos = 0 ;
  while (pos < len)
  {
    ssize_t n = jexport_entry(s + pos, len - pos, &e) ;
    if (n <= 0) break ;
    CHECK((size_t)n <= len - pos, "an entry longer than the input", s, len) ;
    for (unsigned int i = 0 ; i < e.n ; i++)
    {
      CHECK(e.f[i].name >= s + pos && e.f[i].val + e.f[i].len <= s + pos + n, "a field outside its entry", s, len) ;
      CHECK(e.f[i].namelen > 0, "a field with no name", s, len) ;
    }
    CHECK(jexport_entry(s + pos, n, &e2) == n && e2.n == e.n, "the entry reads otherwise in its own bytes", s, len) ;
    CHECK(jexport_entry(s + pos, n - 1, &e2) == 0, "a prefix of an entry is not incomplete", s, len) ;
    if (!e.dropped)
    {
      size_t cap = 2 * n + 16 * e.n + 1 ;
      char *b = malloc(cap) ;
      size_t m ;
      CHECK(b != 0, "out of memory", s, len) ;
      m = binary(b, &e) ;
      CHECK(m <= cap && jexport_entry(b, m, &e2) == (ssize_t)m && e2.n == e.n, "the binary form reads back otherwise", s, len) ;
      for (unsigned int i = 0 ; i < e.n ; i++)
        CHECK(e2.f[i].namelen == e.f[i].namelen && !memcmp(e2.f[i].name, e.f[i].name, e.f[i].namelen)
          && e2.f[i].len == e.f[i].len && !memcmp(e2.f[i].val, e.f[i].val, e.f[i].len), "a field reads back otherwise", s, len) ;
      free(b) ;
    }
    pos += n ;
  }
  return 0 ;
}
