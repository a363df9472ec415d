/* ISC license. */

#ifndef POPLOCK_SNAPSHOT_H
#define POPLOCK_SNAPSHOT_H

#include <stddef.h>
#include "entry.h"
#include "entrytab.h"

/*
 * snapshot_stream: reads the cdb DIR/name from start to end with plain
 * reads (no map: memory stays constant whatever its size) and calls f on
 * each key and its entry.  1 done, 0 if it does not exist, -1 on error
 * (state_fail'd; errno EPROTO if it is not a valid snapshot), or -1 if f
 * returned -1.
 */
typedef int snapshot_fn (char const *key, size_t keylen, entry const *e, void *data) ;
extern int snapshot_stream (char const *dir, char const *name, snapshot_fn *f, void *data) ;

/*
 * snapshot_fold: the fold of the snapshot DIR/name and the journal(s)
 * loaded into t, entry by entry: f on every entry of the snapshot merged
 * with t's for the same address, then on each of t's the snapshot did
 * not have (t's slots are marked done as they are used).  A missing
 * snapshot is t alone.  0 done, -1 on error (as snapshot_stream) or if f
 * returned -1.  What state_scan lists and what a compaction writes.
 */
extern int snapshot_fold (char const *dir, char const *name, entrytab *t, entry_fn *f, void *data) ;

#endif
