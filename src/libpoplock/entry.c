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
}

unsigned int entry_slot (record const *r)
{
  return r->type == '-' ? 2 : r->dur ? 1 : 0 ;
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
  return cmp_content(a, b) > 0 ;
}

void entry_fold (entry *e, record const *r)
{
  record *slot ;
  if (!r->type || !addr_equal(&e->ip, &r->ip)) return ;
  switch (entry_slot(r))
  {
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
}

/* times are at most TIME_MAX (record_scan, the programs): no overflow */
int64_t entry_grant_end (record const *g, uint32_t grace)
{
  uint32_t d = g->dur ? g->dur : grace ;
  return g->time + (int64_t)(d < GRANT_MAX ? d : GRANT_MAX) ;
}

int entry_allowed (entry const *e, int64_t now, uint32_t grace, record const **why, int64_t *until)
{
  record const *g[2] = { &e->login, &e->timed } ;
  record const *best = 0 ;
  int64_t bestend = 0 ;
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    int64_t end ;
    if (!g[i]->type) continue ;
    /* a revocation at R cancels every grant up to R */
    if (e->revoke.type && g[i]->time <= e->revoke.time) continue ;
    /* a grant from the future comes from a wrong clock: not trusted */
    if (g[i]->time > now + STATE_SKEW) continue ;
    end = entry_grant_end(g[i], grace) ;
    if (end <= now) continue ;
    if (!best || end > bestend) { best = g[i] ; bestend = end ; }
  }
  if (!best) return 0 ;
  if (why) *why = best ;
  if (until) *until = bestend ;
  return 1 ;
}

int entry_useful (entry const *e, int64_t now, uint32_t grace, uint32_t keep)
{
  if (e->login.type && entry_grant_end(&e->login, grace) + keep > now) return 1 ;
  if (e->timed.type && entry_grant_end(&e->timed, grace) + keep > now) return 1 ;
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
