/* ISC license. */

/*
 * relaygrant: lets an address relay for a while, as if it had just
 * logged in.  The grant is a record in the journal, synced before we
 * exit, so the next SMTP connection sees it.  Without -s its duration
 * is 0, "the directory's grace", exactly like a login: it is then the
 * newest login of the address, which also wins over older revocations.
 */

#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <time.h>

#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "usage.h"
#include "addr.h"
#include "record.h"
#include "state.h"

#define USAGE "relaygrant [ -d dir ] [ -s seconds ] [ -u user ] address"
#define dieusage() strerr_dieusage(100, USAGE)

int main (int argc, char const *const *argv)
{
  char const *dir = auto_state ;
  char const *user = 0 ;
  uint32_t dur = 0 ;
  record r = RECORD_ZERO ;
  entry e ;
  state_failure lookupfailed = STATE_FAILURE_ZERO ;
  int k, lookuperr = 0 ;
  PROG = "relaygrant" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "d:s:u:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'd' : dir = l.arg ; break ;
        case 's' :
          if (!l.arg[0] || l.arg[uint320_scan(l.arg, &dur)] || !dur || dur > GRANT_MAX) usage_badvalue(USAGE, 's', l.arg) ;
          break ;
        case 'u' : user = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc) usage_die(USAGE, "no address given", "") ;
  if (argc > 1) usage_die(USAGE, "unexpected argument: ", argv[1]) ;
  if (!addr_parse(argv[0], strlen(argv[0]), &r.ip))
    strerr_dief2x(100, "invalid address: ", argv[0]) ;

  /*
   * A grant counts only if it is newer, to the second, than the newest
   * revocation: one made in the same second would be recorded and do
   * nothing.  The next second is at most one second away.
   */
  k = state_lookup(dir, &r.ip, &e) ;
  if (k < 0) { lookupfailed = state_failed ; lookuperr = errno ; }
  {
    int64_t now = time(0) ;
    if (k > 0 && e.revoke.type == '-' && e.revoke.time >= now)
    {
      struct timespec ts = { .tv_sec = 0, .tv_nsec = 50000000 } ;
      if (e.revoke.time > now)
        strerr_dief3x(100, "unable to grant ", argv[0], ": it is revoked from a time later than now (is the clock right?)") ;
      while (time(0) <= e.revoke.time) nanosleep(&ts, 0) ;
    }
  }
  r.type = '+' ;
  r.time = time(0) ;
  r.dur = dur ;
  record_setsource(&r, "relaygrant", 10) ;
  if (user) record_setuser(&r, user, strlen(user)) ;
  if (state_append(dir, &r, 1) == -1) state_die(111, dir) ;
  /* written, but whether a revocation of this second cancels it is not known */
  if (k < 0) { state_failed = lookupfailed ; errno = lookuperr ; state_warn(dir) ; }
  return 0 ;
}
