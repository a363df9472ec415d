/* ISC license. */

#include <string.h>
#include "pidtab.h"

/*
 * Pending connections, oldest first in e[0..n).  A log may announce
 * connections that never log in and never say goodbye, so the table is
 * bounded: when it is full the oldest entry goes, so a flood of new
 * connections pushes out the oldest pending ones first and a pending
 * join survives PIDTAB_MAX - 1 later ones.
 */

static int samekey (pident const *e, logline const *l, unsigned int fmt, unsigned int alt, uint64_t id)
{
  return e->id == id && (e->fmt == fmt || e->fmt == alt) && e->from == l->from
    && e->hostlen == l->joinhostlen && !memcmp(e->host, l->joinhost, e->hostlen) ;
}

/* the connection is open at t (seconds; -1 unknown) */
static int openat (pident const *e, int64_t t)
{
  if (t >= 0 && e->start >= 0 && e->start > t) return 0 ;
  if (e->end == PIDTAB_OPEN) return 1 ;
  return t >= 0 && e->end >= 0 && t <= e->end ;
}

static void del (pidtab *p, unsigned int i)
{
  memmove(p->e + i, p->e + i + 1, (p->n - i - 1) * sizeof(p->e[0])) ;
  p->n-- ;
  p->gen++ ;
}

void pidtab_put (pidtab *p, logline const *l, unsigned int fmt, uint64_t id, addr const *ip)
{
  pident *e ;
  if (l->joinhostlen > PIDTAB_HOSTMAX) return ;
  for (unsigned int i = p->n ; i-- ;)
    if (samekey(p->e + i, l, fmt, fmt, id) && p->e[i].start == l->time && addr_equal(&p->e[i].ip, ip)) return ;
  /* the pid is reused: the process of an older connection has ended */
  for (unsigned int i = p->n ; i-- ;)
  {
    e = p->e + i ;
    if (!samekey(e, l, fmt, fmt, id) || e->end != PIDTAB_OPEN) continue ;
    if (l->time >= 0 && e->start >= 0 && e->start > l->time) continue ;
    e->end = l->time >= 0 ? l->time - 1 : -1 ;
  }
  if (p->n >= PIDTAB_MAX) del(p, 0) ;
  e = p->e + p->n++ ;
  e->id = id ;
  e->fmt = fmt ;
  e->from = l->from ;
  e->hostlen = l->joinhostlen ;
  memcpy(e->host, l->joinhost, l->joinhostlen) ;
  e->ip = *ip ;
  e->start = l->time ;
  e->end = PIDTAB_OPEN ;
  p->gen++ ;
}

int pidtab_take (pidtab *p, logline const *l, unsigned int fmt, unsigned int alt, uint64_t id, addr *ip, int64_t *start)
{
  unsigned int k = 0, found = 0 ;
  for (unsigned int i = p->n ; i-- ;)
    if (samekey(p->e + i, l, fmt, alt, id) && openat(p->e + i, l->time)) { found = i ; k++ ; }
  if (k != 1) { if (k) pidtab_drop(p, l, fmt, alt, id) ; return 0 ; }
  if (ip) *ip = p->e[found].ip ;
  if (start) *start = p->e[found].start ;
  del(p, found) ;
  return 1 ;
}

void pidtab_drop (pidtab *p, logline const *l, unsigned int fmt, unsigned int alt, uint64_t id)
{
  for (unsigned int i = p->n ; i-- ;)
    if (samekey(p->e + i, l, fmt, alt, id) && openat(p->e + i, l->time)) del(p, i) ;
}

void pidtab_end (pidtab *p, logline const *l, unsigned int fmt, uint64_t id)
{
  for (unsigned int i = p->n ; i-- ;)
  {
    pident *e = p->e + i ;
    if (!samekey(e, l, fmt, fmt, id) || e->end != PIDTAB_OPEN) continue ;
    if (l->time >= 0 && e->start >= 0 && e->start > l->time) continue ;
    e->end = l->time ;
    p->gen++ ;
  }
}

unsigned int pidtab_forget (pidtab *p, logline const *l, unsigned int fmt, uint64_t id)
{
  unsigned int k = 0 ;
  for (unsigned int i = p->n ; i-- ;)
    if (samekey(p->e + i, l, fmt, fmt, id)) { del(p, i) ; k++ ; }
  return k ;
}
