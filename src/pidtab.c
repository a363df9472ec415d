/* ISC license. */

#include <string.h>
#include "login.h"

/*
 * Pending connections, oldest first in e[0..n).  A log may announce
 * connections that never log in and never say goodbye, so the table is
 * bounded: when it is full the oldest entry goes.
 */

static int find (pidtab const *p, unsigned int fmt, uint64_t pid)
{
  for (unsigned int i = p->n ; i-- ;)
    if (p->e[i].pid == pid && p->e[i].fmt == fmt) return (int)i ;
  return -1 ;
}

static void del (pidtab *p, unsigned int i)
{
  memmove(p->e + i, p->e + i + 1, (p->n - i - 1) * sizeof(p->e[0])) ;
  p->n-- ;
}

void pidtab_put (pidtab *p, unsigned int fmt, uint64_t pid, addr const *ip, int64_t time)
{
  int i = find(p, fmt, pid) ;
  if (i >= 0) del(p, i) ;
  else if (p->n >= PIDTAB_MAX) del(p, 0) ;
  p->e[p->n].pid = pid ;
  p->e[p->n].ip = *ip ;
  p->e[p->n].time = time ;
  p->e[p->n].fmt = fmt ;
  p->n++ ;
}

int pidtab_take (pidtab *p, unsigned int fmt, uint64_t pid, addr *ip, int64_t *time)
{
  int i = find(p, fmt, pid) ;
  if (i < 0) return 0 ;
  if (ip) *ip = p->e[i].ip ;
  if (time) *time = p->e[i].time ;
  del(p, i) ;
  return 1 ;
}

void pidtab_drop (pidtab *p, unsigned int fmt, uint64_t pid)
{
  int i = find(p, fmt, pid) ;
  if (i >= 0) del(p, i) ;
}
