/* ISC license. */

#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/cdb.h>
#include "addr.h"
#include "cdbcheck.h"
#include "cdbwrite.h"
#include "export.h"
#include "replace.h"

static int cmp (void const *a, void const *b)
{
  addr const *x = a, *y = b ;
  if (x->is6 != y->is6) return x->is6 - y->is6 ;
  return memcmp(x->ip, y->ip, 16) ;
}

size_t export_sort (addr *a, size_t n)
{
  size_t w = 0 ;
  if (!n) return 0 ;
  qsort(a, n, sizeof(addr), &cmp) ;
  for (size_t i = 1 ; i < n ; i++)
    if (cmp(a + w, a + i)) a[++w] = a[i] ;
  return w + 1 ;
}

int export_cdb (char const *path, addr const *a, size_t n)
{
  stralloc tmp = STRALLOC_ZERO ;
  cdbwrite c ;
  int fd, e, r = -1 ;
  fd = replace_open(path, &tmp) ;
  if (fd < 0) goto end ;
  if (!cdbwrite_start(&c, fd)) goto fail ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char s[ADDR_FMT] ;
    if (!cdbwrite_add(&c, s, addr_fmt(s, a + i), "OK", 2)) { e = errno ; cdbwrite_free(&c) ; errno = e ; goto fail ; }
  }
  if (!cdbwrite_finish(&c)) goto fail ;
  r = replace_commit(fd, tmp.s, path, 0) ;
  goto end ;
 fail:
  e = errno ;
  fd_close(fd) ;
  unlink(tmp.s) ;
  errno = e ;
 end:
  e = errno ;
  stralloc_free(&tmp) ;
  errno = e ;
  return r ;
}

int export_cdb_same (char const *path, addr const *a, size_t n)
{
  cdb d = CDB_ZERO ;
  cdb_data key, v ;
  uint32_t pos ;
  size_t count = 0 ;
  int r = 1 ;
  /* missing, unreadable or not a cdb: it is to be written anew */
  if (!cdb_init(&d, path)) return 0 ;
  for (size_t i = 0 ; i < n && r == 1 ; i++)
  {
    char s[ADDR_FMT] ;
    int k = cdb_find(&d, &v, s, addr_fmt(s, a + i)) ;
    if (k < 0 || (k && !cdbcheck_inside(&d, &v))) r = 0 ;   /* not a cdb: replace it */
    else if (!k || v.len != 2 || memcmp(v.s, "OK", 2)) r = 0 ;
  }
  /* and nothing else in it */
  cdb_traverse_init(&pos) ;
  while (r == 1)
  {
    int k = cdb_traverse_next(&d, &key, &v, &pos) ;
    if (k < 0) r = 0 ;
    else if (!k) break ;
    else if (!cdbcheck_inside(&d, &key) || !cdbcheck_inside(&d, &v)) r = 0 ;
    else if (++count > n) r = 0 ;
  }
  cdb_free(&d) ;
  return r ;
}
