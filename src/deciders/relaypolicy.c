/* ISC license. */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <stdint.h>

#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/skamisc.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "usage.h"
#include "addr.h"
#include "relay.h"
#include "relayline.h"
#include "state.h"

#define USAGE "relaypolicy [-v] [-d dir] [-g seconds]"
#define dieusage() strerr_dieusage(100, USAGE)
#define LINEMAX 65536

/*
 * Postfix's SMTP access policy delegation: requests are name=value
 * lines ended by an empty line; each gets "action=OK" if the client may
 * relay, "action=DUNNO" otherwise (the rest of smtpd_relay_restrictions
 * decides).  Many requests per connection, until end of input.
 */

static char const *dir ;
static uint32_t gopt ;
static int hasg = 0 ;
static int verbose = 0 ;

static void answer (char const *action)
{
  if (buffer_puts(buffer_1, "action=") < 0
   || buffer_puts(buffer_1, action) < 0
   || buffer_put(buffer_1, "\n\n", 2) < 0
   || !buffer_flush(buffer_1))
    strerr_diefu1sys(111, "write to stdout") ;
}

static void decide (char const *client, size_t len)
{
  addr a ;
  relay r ;
  uint32_t grace = gopt, smax ;
  int64_t now = (int64_t)time(0) ;
  char text[ADDR_FMT + 1] ;
  if (!len) { strerr_warnw1x("request without client_address") ; answer("DUNNO") ; return ; }
  if (!addr_parse(client, len, &a))
  {
    strerr_warnw2x("invalid client_address: ", client) ;
    answer("DUNNO") ;
    return ;
  }
  text[addr_fmt(text, &a)] = 0 ;
  if (!hasg)
  {
    int k = state_grace(dir, &grace) ;
    /* relaylock's reading and message */
    if (k <= 0)
    {
      state_warn(dir) ;
      answer("DUNNO") ;
      return ;
    }
    state_warn_grace(dir, grace) ;
  }
  if (state_sessionmax(dir, &smax) <= 0)
  {
    state_warn(dir) ;
    answer("DUNNO") ;
    return ;
  }
  relay_check(dir, &a, now, grace, smax, &r) ;
  if (r.allowerr)
  {
    errno = r.allowerr ;
    state_warn(dir) ;
  }
  else state_warn_allow(dir) ;
  if (r.lookuperr)
  {
    errno = r.lookuperr ;
    strerr_warnwu4sys("read the state in ", dir, " for ", text) ;
  }
  answer(r.how ? "OK" : "DUNNO") ;
  if (verbose)
  {
    relayline l ;
    strerr_warni(r.how ? "OK " : "DUNNO ", relay_line(&l, &r, &a, now)) ;
  }
}

int main (int argc, char const *const *argv)
{
  static char line[LINEMAX + 1] ;  /* getlnmax keeps a byte: lines of LINEMAX, newline included */
  char client[ADDR_FMT + 8] ;
  size_t clientlen = 0 ;
  int inrequest = 0 ;
  PROG = "relaypolicy" ;
  dir = auto_state ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "vd:g:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'v' : verbose = 1 ; break ;
        case 'd' : dir = l.arg ; break ;
        case 'g' : if (!l.arg[0] || l.arg[uint320_scan(l.arg, &gopt)] || gopt > GRANT_MAX) usage_badvalue(USAGE, 'g', l.arg) ; hasg = 1 ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc) usage_die(USAGE, "unexpected argument: ", argv[0]) ;

  for (;;)
  {
    size_t len = 0 ;
    /* a longer line is refused as it comes, never held whole */
    int r = getlnmax(buffer_0f1, line, sizeof(line), &len, '\n') ;
    if (r < 0)
    {
      if (errno == ERANGE) strerr_dief1x(100, "unable to parse the request: line too long") ;
      strerr_diefu1sys(111, "read from stdin") ;
    }
    if (!r)
    {
      if (len) strerr_dief1x(100, "unable to parse the request: input ends inside a line") ;
      if (inrequest) strerr_dief1x(100, "unable to parse the request: input ends inside a request") ;
      return 0 ;
    }
    len-- ;
    if (len && line[len - 1] == '\r') len-- ;
    if (!len)
    {
      decide(client, clientlen) ;
      clientlen = 0 ;
      inrequest = 0 ;
      continue ;
    }
    inrequest = 1 ;
    if (len > 15 && !memcmp(line, "client_address=", 15))
    {
      size_t n = len - 15 ;
      if (n >= sizeof(client)) n = sizeof(client) - 1 ;  /* too long for an address: addr_parse refuses it */
      memcpy(client, line + 15, n) ;
      client[n] = 0 ;
      clientlen = n ;
    }
    else if (!memchr(line, '=', len))
      strerr_dief1x(100, "unable to parse the request: a line without =") ;
  }
}
