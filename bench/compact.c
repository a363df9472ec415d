/* ISC license. */

/*
 * compact: one state_compact of DIR, as readlog runs it (grace 1800,
 * nothing kept for audits), and nothing else, so that /usr/bin/time
 * around it measures the compaction: bench/compact DIR
 */

#include <time.h>
#include <skalibs/strerr.h>
#include "state.h"

int main (int argc, char const *const *argv)
{
  int r ;
  PROG = "compact" ;
  if (argc < 2) strerr_dieusage(100, "compact dir") ;
  r = state_compact(argv[1], time(0), STATE_GRACE_DEFAULT, STATE_SESSIONMAX_DEFAULT, 0) ;
  if (r < 0) strerr_diefu2sys(111, "compact ", argv[1]) ;
  if (!r) strerr_dief2x(111, "another compactor holds the lock in ", argv[1]) ;
  return 0 ;
}
