/* ISC license. */

#ifndef POPLOCK_RECORD_H
#define POPLOCK_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

/*
 * A record is one line of text, the only format the state directory has:
 *
 *   TYPE SP TIME SP DUR SP ADDR SP SOURCE SP USER SP CRC LF
 *
 *   TYPE    '+' a grant, '-' a revocation
 *   TIME    Unix seconds, decimal: the login, or the revocation; at most
 *           TIME_MAX (timescan.h), so that TIME + DUR never overflows
 *   DUR     decimal seconds the grant lasts; 0 means the directory's grace
 *   ADDR    canonical address (addr_fmt)
 *   SOURCE  [A-Za-z0-9._/:-]{1,32}, e.g. dovecot/imap; "-" if unknown
 *   USER    the user name, bytes outside 0x21..0x7e and '%' written %XX;
 *           "-" if unknown (a user literally named "-" is written %2D)
 *   CRC     8 lower-case hex digits: crc32 of everything before " CRC"
 *
 * The journal is a sequence of them; a snapshot value is 1 to 3 of them.
 * A line that is not exactly this shape, or whose CRC is wrong, is not a
 * record.
 */
#define RECORD_MAX 512
#define SOURCE_MAX 32
#define USER_MAX 64

typedef struct record_s record ;
struct record_s
{
  char type ;                     /* '+', '-', or 0 for none */
  int64_t time ;
  uint32_t dur ;
  addr ip ;
  char source[SOURCE_MAX + 1] ;   /* NUL-terminated; "" if unknown */
  char user[USER_MAX] ;           /* raw bytes, userlen of them */
  unsigned int userlen ;
} ;
#define RECORD_ZERO { .type = 0, .time = 0, .dur = 0, .ip = ADDR_ZERO, .source = "", .user = "", .userlen = 0 }

/* sets source (filtered to the allowed set, cut at SOURCE_MAX) and user (cut at USER_MAX) */
extern void record_setsource (record *r, char const *s, size_t len) ;
extern void record_setuser (record *r, char const *s, size_t len) ;
/* 1 if s is a source record_setsource keeps whole: 1 to SOURCE_MAX bytes of the allowed set */
extern int record_sourceok (char const *s) ;

/* writes the whole line, LF included, into s (RECORD_MAX bytes); returns its length */
extern size_t record_fmt (char *s, record const *r) ;

/*
 * record_scan: if s (len bytes) starts with one valid record line, fills
 * *r and returns the line's length, LF included; 0 otherwise.
 */
extern size_t record_scan (char const *s, size_t len, record *r) ;

/*
 * records_scan: calls f on every valid record in s (len bytes: a whole
 * journal, or a snapshot value), in order.  Bytes that are not part of a
 * valid record (a torn tail, garbage, a partial line glued to a later
 * one) are skipped, and the scan resynchronises on the next valid record
 * even inside a damaged line.  A last line without its LF is not a
 * record yet.  Returns -1 if f returned -1 (errno as f left it), else
 * the number of records; *skipped gets the number of bytes skipped.
 */
typedef int record_fn (record const *r, void *data) ;
extern long records_scan (char const *s, size_t len, record_fn *f, void *data, size_t *skipped) ;

/*
 * record_find: the first valid record at or after *pos, with the same
 * resynchronisation as records_scan; sets *pos to its start and returns
 * its length, or sets *pos to len and returns 0.  For callers that need
 * to know where records are (the compactor keeps offsets, not copies).
 */
extern size_t record_find (char const *s, size_t len, size_t *pos, record *r) ;


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

#endif
