/* ISC license. */

#ifndef POPLOCK_BENCH_H
#define POPLOCK_BENCH_H

#include <stdint.h>
#include <string.h>
#include <time.h>
#include "addr.h"

/*
 * The i-th benchmark address, 10.x.y.z (up to 2^24 of them): mkstate
 * grants them, the load and latency drivers look them up.
 */
static inline void bench_addr (addr *a, uint64_t i)
{
  memset(a, 0, sizeof *a) ;
  a->ip[0] = 10 ;
  a->ip[1] = (i >> 16) & 255 ;
  a->ip[2] = (i >> 8) & 255 ;
  a->ip[3] = i & 255 ;
}

/* monotonic seconds, for intervals */
static inline double bench_now (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return ts.tv_sec + ts.tv_nsec / 1e9 ;
}

#endif
