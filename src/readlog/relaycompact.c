/* ISC license. */

/*
 * relaycompact: folds the state directory's journal and snapshot into a
 * new snapshot, dropping what is over (state.h).  readlog runs it when a
 * compaction is due; an administrator or cron may run it at any time:
 * the lock makes one compactor work at once, and the others wait for
 * nothing (exit 0, "held" with -v).
 */

#include <time.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include "usage.h"
#include "state.h"

#define USAGE "relaycompact [ -v ] [ -d dir ]"

int main (int argc, char const *const *argv)
{
  char const *dir = auto_state ;
  uint32_t grace, smax ;
  int verbose = 0, r ;
  PROG = "relaycompact" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "vd:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'v' : verbose = 1 ; break ;
        case 'd' : dir = l.arg ; break ;
        default : strerr_dieusage(100, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc) usage_die(USAGE, "unexpected argument: ", argv[0]) ;

  /*
   * The grace only says which grants are over: a bad grace file compacts
   * with the default (as readlog does), and relaylock refuses the logins
   * until it is fixed.
   */
  r = state_grace(dir, &grace) ;
  if (r < 0) state_die(111, dir) ;
  if (!r)
  {
    grace = STATE_GRACE_DEFAULT ;
    state_warn_effect(dir, "relaycompact compacts with the default of " STATE_TEXT(STATE_GRACE_DEFAULT) " seconds, relaylock lets no login relay until it is fixed") ;
  }

  /*
   * The longest sessions may last says how long their records are
   * needed: a bad sessionmax file keeps every session as long as any
   * (GRANT_MAX), so that none is dropped too soon.
   */
  r = state_sessionmax(dir, &smax) ;
  if (r < 0) state_die(111, dir) ;
  if (!r)
  {
    smax = GRANT_MAX ;
    state_warn_effect(dir, "relaycompact keeps every session as long as " STATE_TEXT(GRANT_MAX) " seconds, relaylock lets nobody relay until it is fixed") ;
  }

  r = state_compact(dir, time(0), grace, smax, 0) ;
  if (r < 0) state_die(111, dir) ;
  if (verbose) strerr_warni3x(r ? "compacted " : "another compactor holds ", dir, r ? "" : "/lock: nothing done") ;
  return 0 ;
}
