/* ISC license. */

#ifndef POPLOCK_STATEPROBE_H
#define POPLOCK_STATEPROBE_H

/*
 * What the journal and snapshot targets check on a state directory:
 * state_scan either fails with EPROTO (a damaged snapshot) or lists
 * each address once, and state_lookup of each listed address agrees
 * with it (or, on a snapshot the fuzzer wrote, fails with EPROTO or
 * misses it: the cdb's hash tables, which a scan does not read, may be
 * what is damaged, and a miss only denies relaying); a compaction that succeeds keeps every address allowed at
 * now allowed, until the same time, keeps every revocation that could
 * still cancel a grant written later (R + GRANT_MAX not past: a grant
 * dated before it and read late would relay again), and what it leaves
 * scans cleanly.
 */

#include <errno.h>
#include <string.h>
#include "addr.h"
#include "record.h"
#include "entry.h"
#include "state.h"
#include "fuzz.h"

#define PROBE_MAX 4096

struct probe_s
{
  unsigned int n ;
  addr ip[PROBE_MAX] ;
  int allowed[PROBE_MAX] ;
  int64_t until[PROBE_MAX] ;
  int64_t revoked[PROBE_MAX] ;   /* the revocation's time, or -1 */
  char const *s ; size_t len ;   /* the input, for messages */
  char const *dir ;
  int damaged ;                  /* the snapshot is the fuzzer's: its hash tables may lie */
} ;

static int probe_one (entry const *e, void *data)
{
  struct probe_s *p = data ;
  record const *why ;
  int64_t until = 0 ;
  entry l ;
  char a[ENTRY_FMT], b[ENTRY_FMT] ;
  size_t an, bn ;
  int r ;
  for (unsigned int i = 0 ; i < p->n && i < 64 ; i++)
    CHECK(!addr_equal(&p->ip[i], &e->ip), "state_scan lists an address twice", p->s, p->len) ;
  r = state_lookup(p->dir, &e->ip, &l) ;
  /* a hash table the stream does not read may be what is damaged */
  if (r < 0) { CHECK(errno == EPROTO, "state_lookup fails, not with EPROTO", p->s, p->len) ; goto keep ; }
  if (!r && p->damaged) goto keep ;
  CHECK(r == 1, "state_lookup does not find an address state_scan lists", p->s, p->len) ;
  an = entry_fmt(a, e) ; bn = entry_fmt(b, &l) ;
  CHECK(an == bn && !memcmp(a, b, an), "state_lookup and state_scan disagree on an address", p->s, p->len) ;
 keep:
  if (p->n < PROBE_MAX)
  {
    p->ip[p->n] = e->ip ;
    p->allowed[p->n] = entry_allowed(e, FUZZ_NOW, 1800, 86400, &why, &until) ;
    p->until[p->n] = until ;
    p->revoked[p->n] = e->revoke.type ? e->revoke.time : -1 ;
    p->n++ ;
  }
  return 0 ;
}

static void probe_state (char const *dir, char const *s, size_t len, int damaged)
{
  static struct probe_s p, q ;
  int r ;
  p.n = 0 ; p.s = s ; p.len = len ; p.dir = dir ; p.damaged = damaged ;
  r = state_scan(dir, &probe_one, &p) ;
  if (r < 0) { CHECK(errno == EPROTO, "state_scan fails, not with EPROTO", s, len) ; return ; }
  r = state_compact(dir, FUZZ_NOW, 1800, 86400, 0) ;
  if (r < 0) { CHECK(errno == EPROTO, "state_compact fails, not with EPROTO", s, len) ; return ; }
  CHECK(r == 1, "state_compact finds the lock taken", s, len) ;
  q.n = 0 ; q.s = s ; q.len = len ; q.dir = dir ; q.damaged = 0 ;
  r = state_scan(dir, &probe_one, &q) ;
  CHECK(r == 0, "the state a compaction left does not scan", s, len) ;
  for (unsigned int i = 0 ; i < p.n ; i++)
  {
    entry e ;
    record const *why ;
    int64_t until = 0 ;
    if (p.revoked[i] >= 0 && p.revoked[i] + GRANT_MAX > FUZZ_NOW)
    {
      r = state_lookup(dir, &p.ip[i], &e) ;
      CHECK(r == 1 && e.revoke.type == '-' && e.revoke.time >= p.revoked[i], "compaction dropped a revocation a grant written later could still need", s, len) ;
    }
    if (!p.allowed[i]) continue ;
    r = state_lookup(dir, &p.ip[i], &e) ;
    CHECK(r == 1, "an allowed address is gone after compaction", s, len) ;
    CHECK(entry_allowed(&e, FUZZ_NOW, 1800, 86400, &why, &until) && until == p.until[i], "compaction changed what an address is allowed", s, len) ;
  }
}

#endif
