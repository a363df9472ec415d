/* ISC license. */

#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/uint32.h>
#include <skalibs/djbunix.h>
#include "addr.h"
#include "record.h"
#include "entrytab.h"
#include "snapshot.h"
#include "state.h"
#include "statefile.h"

/*
 * The compactor reads the whole old snapshot once, in order: plain
 * buffered reads keep its memory constant, where a map of a large
 * snapshot would count in full against the compactor's size.
 */

struct reader_s
{
  int fd ;
  size_t p, n ;
  char buf[65536] ;
} ;

/* 1 if len bytes were read, 0 at a premature end, -1 on error */
static int get (struct reader_s *r, char *s, size_t len)
{
  while (len)
  {
    size_t k ;
    if (r->p == r->n)
    {
      ssize_t w ;
      do w = read(r->fd, r->buf, sizeof(r->buf)) ; while (w < 0 && errno == EINTR) ;
      if (w < 0) return -1 ;
      if (!w) return 0 ;
      r->p = 0 ; r->n = w ;
    }
    k = r->n - r->p < len ? r->n - r->p : len ;
    memcpy(s, r->buf + r->p, k) ;
    r->p += k ; s += k ; len -= k ;
  }
  return 1 ;
}

static int stream (struct reader_s *r, snapshot_fn *f, void *data)
{
  struct stat st ;
  char head[2048] ;
  char key[ADDR_FMT + 1] ;
  char value[ENTRY_FMT] ;
  uint32_t eod, pos = 2048 ;
  int k ;
  if (fstat(r->fd, &st) < 0) return -1 ;
  if (st.st_size < 2048 || st.st_size > UINT32_MAX) return (errno = EPROTO, -1) ;
  k = get(r, head, 2048) ;
  if (k <= 0) return k < 0 ? -1 : (errno = EPROTO, -1) ;
  /* records end where the first hash table begins */
  uint32_unpack(head, &eod) ;
  if (eod < 2048 || eod > st.st_size) return (errno = EPROTO, -1) ;
  while (pos < eod)
  {
    char h[8] ;
    uint32_t klen, dlen ;
    addr ip ;
    entry e ;
    if (eod - pos < 8) return (errno = EPROTO, -1) ;
    k = get(r, h, 8) ;
    if (k <= 0) return k < 0 ? -1 : (errno = EPROTO, -1) ;
    uint32_unpack(h, &klen) ;
    uint32_unpack(h + 4, &dlen) ;
    if (klen > ADDR_FMT || dlen > ENTRY_FMT || klen + dlen > eod - pos - 8) return (errno = EPROTO, -1) ;
    k = get(r, key, klen) ;
    if (k > 0) k = get(r, value, dlen) ;
    if (k <= 0) return k < 0 ? -1 : (errno = EPROTO, -1) ;
    if (!addr_parse(key, klen, &ip) || !entry_scan(value, dlen, &ip, &e)) return (errno = EPROTO, -1) ;
    if ((*f)(key, klen, &e, data) < 0) return -1 ;
    pos += 8 + klen + dlen ;
  }
  return 1 ;
}

/*
 * stream's errors are its reads' or EPROTO (a damaged snapshot), or
 * f's, which f has described (state_failed.file set) if it is the
 * library's own: the compactor's writes.
 */
int snapshot_stream (char const *dir, char const *name, snapshot_fn *f, void *data)
{
  struct reader_s r = { .fd = -1, .p = 0, .n = 0 } ;
  int k, e ;
  r.fd = state_openread(dir, name, 0) ;
  if (r.fd < 0) return errno == ENOENT ? 0 : -1 ;
  state_failreset() ;
  k = stream(&r, f, data) ;
  e = errno ;
  fd_close(r.fd) ;
  if (k < 0 && !state_failed.file)
    return state_fail("read", name, e == EPROTO ? "it is not a valid snapshot" : 0, e) ;
  errno = e ;
  return k ;
}

struct fold_s
{
  entrytab *t ;
  entry_fn *f ;
  void *data ;
} ;

static int merge_one (char const *key, size_t keylen, entry const *e, void *data)
{
  struct fold_s *x = data ;
  entrytab_slot *s = entrytab_find(x->t, &e->ip) ;
  (void)key ; (void)keylen ;
  if (s)
  {
    entry m = *e, j ;
    entrytab_entry(x->t, s, &j) ;
    entry_merge(&m, &j) ;
    s->done = 1 ;
    return (*x->f)(&m, x->data) ;
  }
  return (*x->f)(e, x->data) ;
}

int snapshot_fold (char const *dir, char const *name, entrytab *t, entry_fn *f, void *data)
{
  struct fold_s x = { .t = t, .f = f, .data = data } ;
  if (snapshot_stream(dir, name, &merge_one, &x) < 0) return -1 ;
  for (size_t i = 0 ; i < entrytab_len(t) ; i++)
  {
    entrytab_slot *s = entrytab_slotat(t, i) ;
    entry e ;
    if (s->done) continue ;
    s->done = 1 ;
    entrytab_entry(t, s, &e) ;
    if ((*f)(&e, data) < 0) return -1 ;
  }
  return 0 ;
}
