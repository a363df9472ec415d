/* ISC license. */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <stdint.h>

#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/skamisc.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "addr.h"
#include "escape.h"
#include "relay.h"
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

static void info (char const *verdict, char const *client, relay const *r, int64_t now)
{
  if (r->how == RELAY_LOGIN)
  {
    char user[ESCAPE_USER_FMT(USER_MAX)] ;
    char ago[UINT64_FMT + 1] ;
    size_t n = escape_user(user, r->why->user, r->why->userlen) ;
    user[n] = 0 ;
    ago[int64_fmt(ago, now - r->why->time)] = 0 ;
    strerr_warni(verdict, " ", client, " ", r->why->source[0] ? r->why->source : "-", " ", user, " ", ago, "s ago") ;
  }
  else if (r->how == RELAY_NETWORK)
  {
    char n[NET_FMT + 1] ;
    n[net_fmt(n, &r->n)] = 0 ;
    strerr_warni(verdict, " ", client, " network ", n) ;
  }
  else strerr_warni(verdict, " ", client) ;
}

static void decide (char const *client, size_t len)
{
  addr a ;
  relay r ;
  uint32_t grace = gopt ;
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
    if (k <= 0)
    {
      if (k < 0) strerr_warnwu3sys("read ", dir, "/grace") ;
      else strerr_warnw3x("invalid ", dir, "/grace: not a number of seconds") ;
      answer("DUNNO") ;
      return ;
    }
  }
  relay_check(dir, &a, now, grace, &r) ;
  if (r.allowerr)
  {
    errno = r.allowerr ;
    if (errno == EINVAL)
    {
      char line[UINT_FMT] ;
      line[uint_fmt(line, r.allowline)] = 0 ;
      strerr_warnw5x("invalid line ", line, " in ", dir, "/allow") ;
    }
    else strerr_warnwu3sys("read ", dir, "/allow") ;
  }
  if (r.lookuperr)
  {
    errno = r.lookuperr ;
    strerr_warnwu4sys("read the state in ", dir, " for ", text) ;
  }
  answer(r.how ? "OK" : "DUNNO") ;
  if (verbose) info(r.how ? "OK" : "DUNNO", text, &r, now) ;
}

int main (int argc, char const *const *argv)
{
  stralloc line = STRALLOC_ZERO ;
  char client[ADDR_FMT + 8] ;
  size_t clientlen = 0 ;
  int inrequest = 0 ;
  PROG = "relaypolicy" ;
  dir = auto_state ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "vd:g:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'v' : verbose = 1 ; break ;
        case 'd' : dir = l.arg ; break ;
        case 'g' : if (!uint320_scan(l.arg, &gopt)) dieusage() ; hasg = 1 ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc) dieusage() ;

  for (;;)
  {
    int r ;
    line.len = 0 ;
    r = skagetln(buffer_0f1, &line, '\n') ;
    if (r < 0) strerr_diefu1sys(111, "read from stdin") ;
    if (!r)
    {
      if (line.len) strerr_dief1x(100, "unable to parse the request: input ends inside a line") ;
      if (inrequest) strerr_dief1x(100, "unable to parse the request: input ends inside a request") ;
      return 0 ;
    }
    if (line.len > LINEMAX) strerr_dief1x(100, "unable to parse the request: line too long") ;
    line.len-- ;
    if (line.len && line.s[line.len - 1] == '\r') line.len-- ;
    if (!line.len)
    {
      decide(client, clientlen) ;
      clientlen = 0 ;
      inrequest = 0 ;
      continue ;
    }
    inrequest = 1 ;
    if (line.len > 15 && !memcmp(line.s, "client_address=", 15))
    {
      size_t n = line.len - 15 ;
      if (n >= sizeof(client)) n = sizeof(client) - 1 ;  /* too long for an address: addr_parse refuses it */
      memcpy(client, line.s + 15, n) ;
      client[n] = 0 ;
      clientlen = n ;
    }
    else if (!memchr(line.s, '=', line.len))
      strerr_dief1x(100, "unable to parse the request: a line without =") ;
  }
}
