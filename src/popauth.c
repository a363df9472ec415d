/* ISC license. */

#include <string.h>
#include <stdlib.h>
#include "addr.h"
#include "popauth.h"

/* long enough for any PROTO a UCSPI server sets; a longer one is ignored */
#define PROTO_MAX 32

int popauth_client (addr *a, char const **var, char const **val)
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
