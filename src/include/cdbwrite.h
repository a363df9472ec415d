/* ISC license. */

#ifndef POPLOCK_CDBWRITE_H
#define POPLOCK_CDBWRITE_H

#include <stdint.h>
#include <skalibs/buffer.h>
#include <skalibs/genalloc.h>

/*
 * Writes a cdb (the format skalibs' cdb_find reads) to fd, from offset
 * 0 whatever fd's position: the records from 2048 on, the header last
 * (cdbwrite_finish).  Unlike skalibs' cdbmake, whose finish step puts
 * 8 bytes per key on the stack (a crash past a million keys with the
 * usual 8 MB stack), everything here is on the heap.  Functions return
 * 1 on success, 0 on error with errno set.
 */
typedef struct cdbwrite_s cdbwrite ;
struct cdbwrite_s
{
  genalloc hp ;    /* uint32_t pairs: hash, position */
  uint32_t pos ;
  buffer b ;
  char buf[65536] ;
} ;

extern int cdbwrite_start (cdbwrite *c, int fd) ;
extern int cdbwrite_add (cdbwrite *c, char const *key, uint32_t keylen, char const *data, uint32_t datalen) ;
extern int cdbwrite_finish (cdbwrite *c) ;
extern void cdbwrite_free (cdbwrite *c) ;

#endif
