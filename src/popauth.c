/* ISC license. */

#include <string.h>
#include <stdlib.h>
#include <skalibs/strerr.h>
#include "addr.h"
#include "escape.h"
#include "popauth.h"

/* long enough for any PROTO a UCSPI server sets; a longer one is ignored */
#define PROTO_MAX 32

/* the most of a bad value a warning quotes */
#define QUOTE_MAX 64

static int lookup (addr *a, char const **var, char const **val)
{
  static char name[PROTO_MAX + sizeof("REMOTEIP")] ;
  char const *proto = getenv("PROTO") ;
  char const *x = 0 ;
  size_t n ;
  if (!proto || !*proto) proto = "TCP" ;
  n = strlen(proto) ;
  if (n <= PROTO_MAX)
  {
    memcpy(name, proto, n) ;
    memcpy(name + n, "REMOTEIP", sizeof("REMOTEIP")) ;
    x = getenv(name) ;
    *var = name ;
  }
  if (!x)
  {
    x = getenv("IP") ;
    if (x) *var = "IP" ;
  }
  *val = x ;
  if (!x)
  {
    if (n > PROTO_MAX) *var = "PROTO" ;
    return 0 ;
  }
  return addr_parse(x, strlen(x), a) ? 1 : -1 ;
}

int popauth_client (addr *a)
{
  char const *var, *val ;
  int r = lookup(a, &var, &val) ;
  if (r > 0) return 1 ;
  if (!r) strerr_warnw1x("no client address in the environment: login not recorded") ;
  else
  {
    size_t n = strlen(val) ;
    char q[ESCAPE_USER_FMT(QUOTE_MAX) + 1] ;
    q[escape_user(q, val, n > QUOTE_MAX ? QUOTE_MAX : n)] = 0 ;
    strerr_warnw5x("invalid client address in ", var, ": ", q, ": login not recorded") ;
  }
  return 0 ;
}
