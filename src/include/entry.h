/* ISC license. */

#ifndef POPLOCK_ENTRY_H
#define POPLOCK_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "record.h"

/*
 * An entry is everything the state knows about one address: the fold of
 * all its records.  Folding is commutative and idempotent (the newest
 * wins), so records may be read in any order and more than once.
 */
/*
 * Sessions ('=' records, readlog's): one per (TIME, KEY), the record
 * with the earliest end winning (DUR 0, open, counting as the longest),
 * so a late or forged end only shortens; at most ENTRY_SESSIONS of
 * them, the newest (TIME, KEY) first.  The ones kept are a function of
 * the set of records read, whatever their order: a session dropped
 * there stays dropped, and its address keeps its login's grant.
 */
#define ENTRY_SESSIONS 16
typedef struct entry_s entry ;
struct entry_s
{
  addr ip ;
  record login ;    /* newest grant with dur 0 */
  record timed ;    /* newest grant with dur > 0 */
  record revoke ;   /* newest revocation */
  unsigned int nsess ;
  record sess[ENTRY_SESSIONS] ;  /* sessions, newest first */
} ;

extern void entry_init (entry *e, addr const *ip) ;
extern void entry_fold (entry *e, record const *r) ;
extern void entry_merge (entry *e, entry const *other) ;

/*
 * The order entry_fold uses: entry_slot is 0 for a login, 1 for a timed
 * grant, 2 for a revocation, 3 for a session; entry_better says if a
 * wins over b in their (common) slot, for sessions of the same (TIME,
 * KEY).  It is a total order on record contents, so the fold does not
 * depend on the order records are read in.  entry_sesscmp orders
 * sessions by (TIME, KEY): 0 for the same session, > 0 if a is newer.
 */
extern unsigned int entry_slot (record const *r) ;
extern int entry_better (record const *a, record const *b) ;
extern int entry_sesscmp (record const *a, record const *b) ;

/*
 * entry_allowed: 1 if the address may relay at time now, given the
 * directory's grace and sessionmax (smax, 0: sessions count for
 * nothing).  A grant or a session counts if it is newer than the newest
 * revocation, not more than STATE_SKEW seconds in the future (a clock
 * that went back does not make grants eternal), and not over.  *why gets
 * the grant that allows (the one ending last; a session is a '='
 * record), *until its end.
 */
#define STATE_SKEW 300
extern int entry_allowed (entry const *e, int64_t now, uint32_t grace, uint32_t smax, record const **why, int64_t *until) ;

/*
 * GRANT_MAX: the longest any grant lasts, 366 days, whatever its DUR,
 * the grace file or a reader's -g says, and a session's too, with its
 * grace.  It is what lets a revocation be dropped at all: a grant
 * dated at or before R, however late it is written, has ended by R +
 * GRANT_MAX.  entry_grant_end: when g ends.
 */
#define GRANT_MAX 31622400
extern int64_t entry_grant_end (record const *g, uint32_t grace) ;

/*
 * Sessions: entry_sess_end is when session g stops allowing: grace
 * after its end, an open one's end being login + smax, and no session
 * longer than smax.  entry_sess_open: 1 if g is open at now (begun, and
 * not ended: an end record tells only of an end after now when now is
 * an audit time).
 */
extern int64_t entry_sess_end (record const *g, uint32_t grace, uint32_t smax) ;
extern int entry_sess_open (record const *g, int64_t now, uint32_t smax) ;

/*
 * entry_useful: 0 if nothing in e can matter any more at or after now:
 * grants over, and the revocation older than any grant it could cancel,
 * even one written later, dated before it (R + GRANT_MAX in the past).
 * Compaction drops such entries.  keep: seconds to keep ended grants for
 * audits.  A session is kept until login + smax + grace, even once it
 * ended: its open record, still in a journal a crash left, must never
 * come back alone (entry_trim drops the rest).
 */
extern int entry_useful (entry const *e, int64_t now, uint32_t grace, uint32_t smax, uint32_t keep) ;

/* entry_trim: drops from e the sessions entry_useful would not keep */
extern void entry_trim (entry *e, int64_t now, uint32_t grace, uint32_t smax, uint32_t keep) ;

/* snapshot value: the entry's records as lines */
#define ENTRY_FMT ((3 + ENTRY_SESSIONS) * RECORD_MAX)
extern size_t entry_fmt (char *s, entry const *e) ;

/* parses a snapshot value for the address ip; 1 if it holds at least one valid record for ip, 0 if not */
extern int entry_scan (char const *s, size_t len, addr const *ip, entry *e) ;

/*
 * A record_fn for records_scan: folds the records for e's address into
 * e and counts them in n (entry_scan, state_lookup's journals).
 */
typedef struct entry_acc_s entry_acc ;
struct entry_acc_s
{
  entry *e ;
  unsigned int n ;
} ;
extern int entry_acc_fold (record const *r, void *data) ;

/* a function called on entries one by one (state_scan, snapshot_fold): -1 stops it */
typedef int entry_fn (entry const *e, void *data) ;

#endif
