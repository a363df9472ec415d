/* ISC license. */

#include <errno.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include "crc32.h"
#include "addr.h"
#include "pidtab.h"
#include "statefile.h"
#include "replace.h"

/*
 * DIR/pending.XXXXXXXX: a first line "pending LEN:KEY", then one line
 * per entry, oldest first:
 *
 *   FMT FROM ID START END ADDR HOST
 *
 * END is "open" for an open connection, START and END -1 when unknown,
 * HOST "-" when empty (a host is [A-Za-z0-9._:-]: logline's check, and
 * readlog's for -j).  Written to pending.XXXXXXXX.tmp (unlinked first,
 * created O_EXCL|O_NOFOLLOW), fsynced, renamed over the old one.
 */

/* "pending.XXXXXXXX", the CRC-32 of key in hex, into name (17 bytes) */
static void pendname (char *name, char const *key, size_t keylen)
{
  memcpy(name, "pending.", 8) ;
  uint320_xfmt(name + 8, crc32_buf(key, keylen), 8) ;
  name[16] = 0 ;
}

static int catnum (stralloc *sa, int64_t v, char sep)
{
  char fmt[UINT64_FMT + 1] ;
  return stralloc_catb(sa, fmt, int64_fmt(fmt, v)) && stralloc_catb(sa, &sep, 1) ;
}

static int pident_fmt (stralloc *sa, pident const *e)
{
  char a[ADDR_FMT] ;
  if (!catnum(sa, e->fmt, ' ') || !catnum(sa, e->from, ' ')) return 0 ;
  {
    char fmt[UINT64_FMT] ;
    if (!stralloc_catb(sa, fmt, uint64_fmt(fmt, e->id)) || !stralloc_catb(sa, " ", 1)) return 0 ;
  }
  if (!catnum(sa, e->start, ' ')) return 0 ;
  if (e->end == PIDTAB_OPEN ? !stralloc_cats(sa, "open ") : !catnum(sa, e->end, ' ')) return 0 ;
  return stralloc_catb(sa, a, addr_fmt(a, &e->ip)) && stralloc_catb(sa, " ", 1)
    && (e->hostlen ? stralloc_catb(sa, e->host, e->hostlen) : stralloc_catb(sa, "-", 1))
    && stralloc_catb(sa, "\n", 1) ;
}

int pidtab_save (pidtab const *p, char const *dir, char const *key, size_t keylen)
{
  stralloc fn = STRALLOC_ZERO, data = STRALLOC_ZERO ;
  char fmt[UINT64_FMT] ;
  char name[17] ;
  int e ;
  pendname(name, key, keylen) ;
  if (!stralloc_cats(&fn, dir) || !stralloc_catb(&fn, "/", 1) || !stralloc_cats(&fn, name) || !stralloc_0(&fn)) goto err ;
  if (!stralloc_cats(&data, "pending ") || !stralloc_catb(&data, fmt, uint64_fmt(fmt, keylen))
   || !stralloc_catb(&data, ":", 1) || !stralloc_catb(&data, key, keylen) || !stralloc_catb(&data, "\n", 1)) goto err ;
  for (unsigned int i = 0 ; i < p->n ; i++) if (!pident_fmt(&data, p->e + i)) goto err ;
  if (replace_write(fn.s, data.s, data.len, 0) < 0) goto err ;
  stralloc_free(&fn) ; stralloc_free(&data) ;
  return 0 ;
 err:
  e = errno ;
  stralloc_free(&fn) ; stralloc_free(&data) ;
  errno = e ;
  return -1 ;
}

/* the next field of s[*i..len) up to the byte sep: its length, *i after sep; or -1 */
static long field (char const *s, size_t len, size_t *i, char sep)
{
  char const *x = memchr(s + *i, sep, len - *i) ;
  long n ;
  if (!x) return -1 ;
  n = x - (s + *i) ;
  *i += n + 1 ;
  return n ;
}

static int num (char const *s, long n, int64_t *v)
{
  return n > 0 && int64_scan(s, v) == (size_t)n ;
}

/* one entry line at s[*i..len) into e: 1, or 0 if it is garbage */
static int pident_scan (char const *s, size_t len, size_t *i, unsigned int nfrom, pident *e)
{
  int64_t fmt, from ;
  uint64_t id ;
  size_t b = *i ;
  long n ;
  if ((n = field(s, len, i, ' ')) < 0 || !num(s + b, n, &fmt) || fmt < 0 || fmt > PIDTAB_TCPSERVER + 0x300) return 0 ;
  b = *i ;
  if ((n = field(s, len, i, ' ')) < 0 || !num(s + b, n, &from) || from < 0 || from >= nfrom) return 0 ;
  b = *i ;
  if ((n = field(s, len, i, ' ')) <= 0 || uint64_scan(s + b, &id) != (size_t)n) return 0 ;
  b = *i ;
  if ((n = field(s, len, i, ' ')) < 0 || !num(s + b, n, &e->start) || e->start < -1) return 0 ;
  b = *i ;
  if ((n = field(s, len, i, ' ')) < 0) return 0 ;
  if (n == 4 && !memcmp(s + b, "open", 4)) e->end = PIDTAB_OPEN ;
  else if (!num(s + b, n, &e->end) || e->end < -1) return 0 ;
  b = *i ;
  if ((n = field(s, len, i, ' ')) < 0 || !addr_parse(s + b, n, &e->ip)) return 0 ;
  b = *i ;
  if ((n = field(s, len, i, '\n')) < 0) return 0 ;
  if (n == 1 && s[b] == '-') e->hostlen = 0 ;
  else if (n > PIDTAB_HOSTMAX || !logline_ishost(s + b, n)) return 0 ;
  else { e->hostlen = n ; memcpy(e->host, s + b, n) ; }
  e->fmt = fmt ; e->from = from ; e->id = id ;
  return 1 ;
}

int pidtab_load (pidtab *p, char const *dir, char const *key, size_t keylen, unsigned int nfrom)
{
  stralloc data = STRALLOC_ZERO ;
  static char name[17] ;  /* state_failed may name it after we return */
  size_t i = 0 ;
  uint64_t klen ;
  int r ;
  pendname(name, key, keylen) ;
  r = state_slurp(&data, dir, name, 0) ;
  if (r <= 0) return r ;
  p->n = 0 ;
  if (data.len < 8 || memcmp(data.s, "pending ", 8)) goto bad ;
  i = 8 + uint64_scan(data.s + 8, &klen) ;
  if (i == 8 || i >= data.len || data.s[i] != ':') goto bad ;
  i++ ;
  if (klen > data.len - i || data.len - i - klen < 1 || data.s[i + klen] != '\n') goto bad ;
  /* another key with the same crc32: another set of readers, not ours */
  if (klen != keylen || memcmp(data.s + i, key, keylen)) { stralloc_free(&data) ; return 0 ; }
  i += klen + 1 ;
  while (i < data.len)
  {
    if (p->n >= PIDTAB_MAX || !pident_scan(data.s, data.len, &i, nfrom, p->e + p->n)) goto bad ;
    p->n++ ;
  }
  p->gen++ ;
  stralloc_free(&data) ;
  return 1 ;
 bad:
  p->n = 0 ;
  stralloc_free(&data) ;
  errno = EPROTO ;
  return -1 ;
}
