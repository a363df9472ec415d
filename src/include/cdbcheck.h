/* ISC license. */

#ifndef POPLOCK_CDBCHECK_H
#define POPLOCK_CDBCHECK_H

#include <skalibs/cdb.h>

/*
 * skalibs' cdb_find and cdb_traverse_next trust the positions and
 * lengths written in the file: in a damaged cdb the data they return
 * can lie past the end of the map.  cdbcheck_inside says if it is all in it.
 */
extern int cdbcheck_inside (cdb const *c, cdb_data const *d) ;

#endif
