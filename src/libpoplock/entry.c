/* ISC license. */

#include <string.h>
#include <stdint.h>
#include "addr.h"
#include "record.h"
#include "entry.h"

void entry_init (entry *e, addr const *ip)
{
  static record const zero = RECORD_ZERO ;
  e->ip = *ip ;
  e->login = e->timed = e->revoke = zero ;
  e->nsess = 0 ;
}

unsigned int entry_slot (record const *r)
{
  return r->type == '=' ? 3 : r->type == '-' ? 2 : r->dur ? 1 : 0 ;
}

static int cmp64 (int64_t a, int64_t b)
{
  return a < b ? -1 : a > b ;
}

/* a total order on what a record says, so that ties are broken the same way everywhere */
static int cmp_content (record const *a, record const *b)
{
  int c = cmp64(a->time, b->time) ;
  if (c) return c ;
  if (a->dur != b->dur) return a->dur < b->dur ? -1 : 1 ;
  c = strcmp(a->source, b->source) ;
  if (c) return c ;
  if (a->userlen != b->userlen) return a->userlen < b->userlen ? -1 : 1 ;
  return memcmp(a->user, b->user, a->userlen) ;
}

/*
 * The newest record wins in every slot.  For timed grants too: an
 * admin's later grant replaces an earlier one, shorter or longer, and a
 * grant made after a revocation is never hidden by an older, longer one.
 */
int entry_better (record const *a, record const *b)
{
  if (!b->type) return 1 ;
  if (!a->type) return 0 ;
  if (a->type == '=')
  {
    /* the same session: the earliest end wins, open (0) being the latest */
    uint64_t da = a->dur ? a->dur : UINT64_MAX, db = b->dur ? b->dur : UINT64_MAX ;
    if (da != db) return da < db ;
  }
  return cmp_content(a, b) > 0 ;
}

int entry_sesscmp (record const *a, record const *b)
{
  int c = cmp64(a->time, b->time) ;
  if (c) return c ;
  return a->key < b->key ? -1 : a->key > b->key ;
}

/* sessions stay sorted newest first; the oldest goes when there are too many */
static void sess_fold (entry *e, record const *r)
{
  unsigned int i = 0 ;
  for (; i < e->nsess ; i++)
  {
    int c = entry_sesscmp(r, e->sess + i) ;
    if (!c)
    {
      if (entry_better(r, e->sess + i)) e->sess[i] = *r ;
      return ;
    }
    if (c > 0) break ;
  }
  if (i == ENTRY_SESSIONS) return ;
  if (e->nsess == ENTRY_SESSIONS) e->nsess-- ;
  memmove(e->sess + i + 1, e->sess + i, (e->nsess - i) * sizeof(record)) ;
  e->sess[i] = *r ;
  e->nsess++ ;
}

void entry_fold (entry *e, record const *r)
{
  record *slot ;
  if (!r->type || !addr_equal(&e->ip, &r->ip)) return ;
  switch (entry_slot(r))
  {
    case 3 : sess_fold(e, r) ; return ;
    case 0 : slot = &e->login ; break ;
    case 1 : slot = &e->timed ; break ;
    default : slot = &e->revoke ; break ;
  }
  if (entry_better(r, slot)) *slot = *r ;
}

void entry_merge (entry *e, entry const *other)
{
  entry_fold(e, &other->login) ;
  entry_fold(e, &other->timed) ;
  entry_fold(e, &other->revoke) ;
  for (unsigned int i = 0 ; i < other->nsess ; i++) entry_fold(e, other->sess + i) ;
}

/* times are at most TIME_MAX (record_scan, the programs): no overflow */
int64_t entry_grant_end (record const *g, uint32_t grace)
{
  uint32_t d = g->dur ? g->dur : grace ;
  return g->time + (int64_t)(d < GRANT_MAX ? d : GRANT_MAX) ;
}

int64_t entry_sess_end (record const *g, uint32_t grace, uint32_t smax)
{
  uint64_t d = g->dur && g->dur < smax ? g->dur : smax ;
  d += grace ;
  return g->time + (int64_t)(d < GRANT_MAX ? d : GRANT_MAX) ;
}

int entry_sess_open (record const *g, int64_t now, uint32_t smax)
{
  return g->time <= now && entry_sess_end(g, 0, smax) > now ;
}

int entry_allowed (entry const *e, int64_t now, uint32_t grace, uint32_t smax, record const **why, int64_t *until)
{
  record const *best = 0 ;
  int64_t bestend = 0 ;
  unsigned int n = 2 + (smax ? e->nsess : 0) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    record const *g = i == 0 ? &e->login : i == 1 ? &e->timed : e->sess + (i - 2) ;
    int64_t end ;
    if (!g->type) continue ;
    /* a revocation at R cancels every grant up to R, and every session opened by then */
    if (e->revoke.type && g->time <= e->revoke.time) continue ;
    /* a grant from the future comes from a wrong clock: not trusted */
    if (g->time > now + STATE_SKEW) continue ;
    end = i < 2 ? entry_grant_end(g, grace) : entry_sess_end(g, grace, smax) ;
    if (end <= now) continue ;
    if (!best || end > bestend) { best = g ; bestend = end ; }
  }
  if (!best) return 0 ;
  if (why) *why = best ;
  if (until) *until = bestend ;
  return 1 ;
}

/* a session's record is needed until no record of it, open or not, could allow */
static int sess_useful (record const *g, int64_t now, uint32_t grace, uint32_t smax, uint32_t keep)
{
  record open = *g ;
  open.dur = 0 ;
  return smax && entry_sess_end(&open, grace, smax) + keep > now ;
}

void entry_trim (entry *e, int64_t now, uint32_t grace, uint32_t smax, uint32_t keep)
{
  unsigned int n = 0 ;
  for (unsigned int i = 0 ; i < e->nsess ; i++)
    if (sess_useful(e->sess + i, now, grace, smax, keep)) e->sess[n++] = e->sess[i] ;
  e->nsess = n ;
}

int entry_useful (entry const *e, int64_t now, uint32_t grace, uint32_t smax, uint32_t keep)
{
  if (e->login.type && entry_grant_end(&e->login, grace) + keep > now) return 1 ;
  if (e->timed.type && entry_grant_end(&e->timed, grace) + keep > now) return 1 ;
  for (unsigned int i = 0 ; i < e->nsess ; i++)
    if (sess_useful(e->sess + i, now, grace, smax, keep)) return 1 ;
  /*
   * A revocation must outlive every grant it could cancel, including one
   * dated before it that a late writer (readlog catching up) has yet to
   * append, read with any grace (relaylock -g): such a grant ends by
   * R + GRANT_MAX.  Revocations are few: keeping them that long is cheap.
   */
  if (e->revoke.type && e->revoke.time + (int64_t)GRANT_MAX + keep > now) return 1 ;
  return 0 ;
}

size_t entry_fmt (char *s, entry const *e)
{
  size_t n = 0 ;
  if (e->login.type) n += record_fmt(s + n, &e->login) ;
  if (e->timed.type) n += record_fmt(s + n, &e->timed) ;
  if (e->revoke.type) n += record_fmt(s + n, &e->revoke) ;
  for (unsigned int i = 0 ; i < e->nsess ; i++) n += record_fmt(s + n, e->sess + i) ;
  return n ;
}

int entry_acc_fold (record const *r, void *data)
{
  entry_acc *x = data ;
  if (!addr_equal(&x->e->ip, &r->ip)) return 0 ;
  entry_fold(x->e, r) ;
  x->n++ ;
  return 0 ;
}

int entry_scan (char const *s, size_t len, addr const *ip, entry *e)
{
  entry_acc x = { .e = e, .n = 0 } ;
  entry_init(e, ip) ;
  records_scan(s, len, &entry_acc_fold, &x, 0) ;
  return x.n > 0 ;
}
