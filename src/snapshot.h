/* ISC license. */

#ifndef POPLOCK_SNAPSHOT_H
#define POPLOCK_SNAPSHOT_H

#include <stddef.h>
#include "entry.h"

/*
 * snapshot_stream: reads the cdb DIR/name from start to end with plain
 * reads (no map: memory stays constant whatever its size) and calls f on
 * each key and its entry.  1 done, 0 if it does not exist, -1 on error
 * (state_fail'd; errno EPROTO if it is not a valid snapshot), or -1 if f
 * returned -1.
 */
typedef int snapshot_fn (char const *key, size_t keylen, entry const *e, void *data) ;
extern int snapshot_stream (char const *dir, char const *name, snapshot_fn *f, void *data) ;

#endif
