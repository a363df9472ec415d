/* ISC license. */

/*
 * record_scan, records_scan, entry_scan: a record accepted is exactly
 * what record_fmt writes for it (one record, one spelling, so a CRC
 * covers its meaning); every record records_scan finds is such a line
 * of the input; an entry read from a value writes back as a value that
 * reads as the same entry.
 */

/* memmem */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <string.h>
#include "addr.h"
#include "record.h"
#include "entry.h"
#include "crc32.h"
#include "fuzz.h"

struct count_s { char const *s ; size_t len ; unsigned long n ; } ;

static int one (record const *r, void *data)
{
  struct count_s *c = data ;
  char buf[RECORD_MAX] ;
  size_t n = record_fmt(buf, r) ;
  CHECK(n <= RECORD_MAX, "record_fmt wrote too much", buf, n) ;
  CHECK(memmem(c->s, c->len, buf, n) != 0, "records_scan found a record the input does not hold", c->s, c->len) ;
  c->n++ ;
  return 0 ;
}

/*
 * The CRC keeps a fuzzer from ever making a record: the fields alone,
 * given their right CRC, so that their spelling is what is tested.
 */
static void withcrc (char const *s, size_t len)
{
  static char const hex[16] = "0123456789abcdef" ;
  char line[RECORD_MAX + 16], buf[RECORD_MAX] ;
  uint32_t crc ;
  size_t n = 0, k ;
  record r ;
  if (len > RECORD_MAX || memchr(s, '\n', len)) return ;
  memcpy(line, s, len) ;
  n = len ;
  crc = crc32_buf(line, n) ;
  line[n++] = ' ' ;
  for (int i = 28 ; i >= 0 ; i -= 4) line[n++] = hex[(crc >> i) & 15] ;
  line[n++] = '\n' ;
  k = record_scan(line, n, &r) ;
  if (!k) return ;
  CHECK(k == n, "record_scan took part of a line", line, n) ;
  CHECK(record_fmt(buf, &r) == k && !memcmp(buf, line, k), "a record accepted is not what record_fmt writes for it", line, n) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t len)
{
  char const *s = (char const *)data ;
  char buf[ENTRY_FMT], buf2[ENTRY_FMT] ;
  struct count_s c = { .s = s, .len = len, .n = 0 } ;
  record r ;
  size_t k, skipped = 0, pos = 0 ;
  unsigned long found = 0 ;
  long n ;
  addr ip = ADDR_ZERO ;
  int haveip = 0 ;

  withcrc(s, len) ;
  k = record_scan(s, len, &r) ;
  CHECK(k <= len && k <= RECORD_MAX, "record_scan used too much", s, len) ;
  if (k)
  {
    size_t m = record_fmt(buf, &r) ;
    CHECK(m == k && !memcmp(buf, s, k), "a record accepted is not what record_fmt writes for it", s, len) ;
    ip = r.ip ; haveip = 1 ;
  }

  n = records_scan(s, len, &one, &c, &skipped) ;
  CHECK(n >= 0 && (unsigned long)n == c.n, "records_scan's count is not its calls", s, len) ;
  CHECK(skipped <= len, "records_scan skipped more than the input", s, len) ;
  for (;;)
  {
    record x ;
    size_t m = record_find(s, len, &pos, &x) ;
    if (!m) break ;
    if (!haveip) { ip = x.ip ; haveip = 1 ; }
    found++ ;
    pos += m ;
  }
  CHECK(found == c.n, "record_find and records_scan disagree", s, len) ;

  if (haveip)
  {
    entry e, e2 ;
    record const *why ;
    int64_t until ;
    if (entry_scan(s, len, &ip, &e))
    {
      size_t m = entry_fmt(buf, &e) ;
      CHECK(m <= ENTRY_FMT, "entry_fmt wrote too much", s, len) ;
      CHECK(entry_scan(buf, m, &ip, &e2), "an entry written back does not read", s, len) ;
      CHECK(entry_fmt(buf2, &e2) == m && !memcmp(buf, buf2, m), "an entry written back reads otherwise", s, len) ;
      (void)entry_allowed(&e, FUZZ_NOW, 1800, 86400, &why, &until) ;
      (void)entry_useful(&e, FUZZ_NOW, 1800, 86400, 86400) ;
    }
  }
  return 0 ;
}
