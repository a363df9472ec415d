/* ISC license. */

/* memmem(3) is a GNU extension in glibc's headers, not a default one */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/cdb.h>
#include "addr.h"
#include "cdbcheck.h"
#include "record.h"
#include "state.h"
#include "statefile.h"

/*
 * Only lines containing " ADDR " can hold a record for the address, and
 * memmem finds them much faster than parsing every line would.  A
 * record never spans lines, so the resynchronising scan of each such
 * line alone finds what a scan of the whole journal would.
 */
static void journal_fold (char const *s, size_t len, char const *key, size_t keylen, entry_acc *x)
{
  size_t pos = 0 ;
  while (pos < len)
  {
    char const *hit = memmem(s + pos, len - pos, key, keylen) ;
    char const *start, *end ;
    if (!hit) break ;
    start = hit ;
    while (start > s + pos && start[-1] != '\n') start-- ;
    end = memchr(hit + keylen - 1, '\n', len - (hit + keylen - 1 - s)) ;
    if (!end) break ;  /* the unterminated last line is no record */
    records_scan(start, end + 1 - start, &entry_acc_fold, x, 0) ;
    pos = end + 1 - s ;
  }
}

static int journal_read (char const *dir, char const *name, stralloc *sa, char const *key, size_t keylen, entry_acc *x)
{
  sa->len = 0 ;
  if (state_slurp(sa, dir, name, 0) <= 0) return errno == ENOENT ? 0 : -1 ;
  journal_fold(sa->s, sa->len, key, keylen, x) ;
  return 0 ;
}

#define BADSNAP "it is not a valid snapshot"

static int snapshot_read (char const *dir, char const *key, size_t keylen, entry_acc *x)
{
  cdb c = CDB_ZERO ;
  cdb_data d ;
  entry f ;
  int r ;
  {
    int fd = state_openread(dir, "snapshot.cdb", 0) ;
    if (fd < 0) return errno == ENOENT ? 0 : -1 ;
    r = cdb_init_fromfd(&c, fd) ;
    fd_close(fd) ;  /* the map stays */
    if (!r)
    {
      /* an empty file cannot be mapped, and is no cdb either */
      if (errno == EINVAL) return state_fail("read", "snapshot.cdb", BADSNAP, EPROTO) ;
      return state_fail("read", "snapshot.cdb", 0, errno) ;
    }
  }
  if (c.size < 2048) { cdb_free(&c) ; return state_fail("read", "snapshot.cdb", BADSNAP, EPROTO) ; }
  r = cdb_find(&c, &d, key, keylen) ;
  if (r < 0 || (r && !cdbcheck_inside(&c, &d))) { cdb_free(&c) ; return state_fail("read", "snapshot.cdb", BADSNAP, EPROTO) ; }
  if (r)
  {
    /* entry_scan copies the records: nothing points into the map after cdb_free */
    if (!entry_scan(d.s, d.len, &x->e->ip, &f)) { cdb_free(&c) ; return state_fail("read", "snapshot.cdb", BADSNAP, EPROTO) ; }
    entry_merge(x->e, &f) ;
    x->n++ ;
  }
  cdb_free(&c) ;
  return 0 ;
}

int state_lookup (char const *dir, addr const *a, entry *e)
{
  stralloc sa = STRALLOC_ZERO ;
  char key[ADDR_FMT + 2] ;
  size_t keylen ;
  entry_acc x = { .e = e, .n = 0 } ;
  int err ;

  state_failreset() ;
  /* a missing directory is a misconfiguration, not an empty state */
  if (state_checkdir(dir, 0, 0) < 0) return -1 ;
  entry_init(e, a) ;
  key[0] = ' ' ;
  keylen = 1 + addr_fmt(key + 1, a) ;
  key[keylen++] = ' ' ;

  /* upstream first: a record moves downstream only after it is there */
  if (journal_read(dir, "journal", &sa, key, keylen, &x) < 0) goto err ;
  if (journal_read(dir, "journal.old", &sa, key, keylen, &x) < 0) goto err ;
  stralloc_free(&sa) ;
  if (snapshot_read(dir, key + 1, keylen - 2, &x) < 0) return -1 ;
  return x.n > 0 ;

 err:
  err = errno ;
  stralloc_free(&sa) ;
  errno = err ;
  return -1 ;
}
