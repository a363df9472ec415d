/* ISC license. */

/*
 * mkstate: fills a state directory for the benchmarks, with the library
 * itself, so the files are exactly what the programs make.
 *
 *   bench/mkstate DIR N COMPACT JBYTES
 *
 * Appends one live login grant (dovecot/imap, time within the last 1000
 * seconds) for each of the N addresses bench_addr(0..N-1), in batches
 * of 256 as readlog writes them; if COMPACT is 1, folds them into
 * snapshot.cdb with state_compact.  Then appends grants for other
 * addresses (172.16.x.y) until the journal holds JBYTES bytes (0: none),
 * without compacting: a journal "just below journalmax".
 */

#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "addr.h"
#include "record.h"
#include "state.h"
#include "bench.h"

#define USAGE "mkstate dir n compact jbytes"
#define BATCH 256

static void grant (record *r, addr const *a, int64_t t, uint64_t i)
{
  char user[24] ;
  int n = snprintf(user, sizeof user, "user%llu", (unsigned long long)i) ;
  *r = (record)RECORD_ZERO ;
  r->type = '+' ;
  r->time = t ;
  r->ip = *a ;
  record_setsource(r, "dovecot/imap", 12) ;
  record_setuser(r, user, n) ;
}

static void flush (state_writer *w, record *b, unsigned int *n)
{
  if (!*n) return ;
  if (state_writer_append(w, b, *n, 0) < 0) strerr_diefu3sys(111, "append to ", w->dir, "/journal") ;
  *n = 0 ;
}

int main (int argc, char const *const *argv)
{
  static record b[BATCH] ;
  state_writer w = STATE_WRITER_ZERO ;
  uint64_t n, compact, jbytes ;
  unsigned int nb = 0 ;
  int64_t now = time(0) ;
  PROG = "mkstate" ;
  if (argc < 5) strerr_dieusage(100, USAGE) ;
  if (!uint640_scan(argv[2], &n) || !uint640_scan(argv[3], &compact) || !uint640_scan(argv[4], &jbytes))
    strerr_dieusage(100, USAGE) ;
  w.dir = argv[1] ;
  for (uint64_t i = 0 ; i < n ; i++)
  {
    addr a ;
    bench_addr(&a, i) ;
    grant(b + nb++, &a, now - (int64_t)(i % 1000), i) ;
    if (nb == BATCH) flush(&w, b, &nb) ;
  }
  flush(&w, b, &nb) ;
  if (compact && n)
  {
    if (state_compact(w.dir, now, STATE_GRACE_DEFAULT, STATE_SESSIONMAX_DEFAULT, 0) != 1)
      strerr_diefu2sys(111, "compact ", w.dir) ;
  }
  if (jbytes)
  {
    size_t dirlen = strlen(w.dir) ;
    char path[dirlen + 9] ;
    struct stat st ;
    memcpy(path, w.dir, dirlen) ;
    memcpy(path + dirlen, "/journal", 9) ;
    for (uint64_t i = 0 ;; i++)
    {
      char line[RECORD_MAX] ;
      record r ;
      addr a = ADDR_ZERO ;
      if (stat(path, &st) < 0) st.st_size = 0 ;
      a.ip[0] = 172 ; a.ip[1] = 16 + (i >> 16) ; a.ip[2] = i >> 8 ; a.ip[3] = i ;
      grant(&r, &a, now - (int64_t)(i % 1000), i) ;
      if ((uint64_t)st.st_size + record_fmt(line, &r) > jbytes) break ;
      if (state_writer_append(&w, &r, 1, 0) < 0) strerr_diefu3sys(111, "append to ", w.dir, "/journal") ;
    }
  }
  state_writer_close(&w) ;
  return 0 ;
}
