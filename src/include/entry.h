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
typedef struct entry_s entry ;
struct entry_s
{
  addr ip ;
  record login ;    /* newest grant with dur 0 */
  record timed ;    /* newest grant with dur > 0 */
  record revoke ;   /* newest revocation */
} ;

extern void entry_init (entry *e, addr const *ip) ;
extern void entry_fold (entry *e, record const *r) ;
extern void entry_merge (entry *e, entry const *other) ;

/*
 * The order entry_fold uses: entry_slot is 0 for a login, 1 for a timed
 * grant, 2 for a revocation; entry_better says if a wins over b in their
 * (common) slot.  It is a total order on record contents, so the fold
 * does not depend on the order records are read in.
 */
extern unsigned int entry_slot (record const *r) ;
extern int entry_better (record const *a, record const *b) ;

/*
 * entry_allowed: 1 if the address may relay at time now, given the
 * directory's grace.  A grant counts if it is newer than the newest
 * revocation, not more than STATE_SKEW seconds in the future (a clock
 * that went back does not make grants eternal), and not over.  *why gets
 * the grant that allows (the one ending last), *until its end.
 */
#define STATE_SKEW 300
extern int entry_allowed (entry const *e, int64_t now, uint32_t grace, record const **why, int64_t *until) ;

/*
 * GRANT_MAX: the longest any grant lasts, 366 days, whatever its DUR,
 * the grace file or a reader's -g says.  It is what lets a revocation
 * be dropped at all: a grant dated at or before R, however late it is
 * written, has ended by R + GRANT_MAX.  entry_grant_end: when g ends.
 */
#define GRANT_MAX 31622400
extern int64_t entry_grant_end (record const *g, uint32_t grace) ;

/*
 * entry_useful: 0 if nothing in e can matter any more at or after now:
 * grants over, and the revocation older than any grant it could cancel,
 * even one written later, dated before it (R + GRANT_MAX in the past).
 * Compaction drops such entries.  keep: seconds to keep ended grants for
 * audits.
 */
extern int entry_useful (entry const *e, int64_t now, uint32_t grace, uint32_t keep) ;

/* snapshot value: the entry's records as lines (3 * RECORD_MAX bytes) */
#define ENTRY_FMT (3 * RECORD_MAX)
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
