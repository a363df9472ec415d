/* ISC license. */

#include <string.h>
#include <skalibs/types.h>
#include "addr.h"
#include "net.h"
#include "escape.h"
#include "relay.h"
#include "relayline.h"

/* the network line is shorter than the login line: RELAY_LINE_MAX holds both */
typedef char relay_line_network_fits[ADDR_FMT + 9 + NET_FMT <= RELAY_LINE_MAX ? 1 : -1] ;

char const *relay_line (relayline *l, relay const *r, addr const *a, int64_t now)
{
  char *s = l->s ;
  size_t w = addr_fmt(s, a) ;
  if (r->how == RELAY_LOGIN)
  {
    record const *g = r->why ;
    size_t n = g->source[0] ? strlen(g->source) : 0 ;
    s[w++] = ' ' ;
    if (n) { memcpy(s + w, g->source, n) ; w += n ; }
    else s[w++] = '-' ;
    s[w++] = ' ' ;
    w += escape_user(s + w, g->user, g->userlen) ;
    s[w++] = ' ' ;
    w += int64_fmt(s + w, now - g->time) ;
    memcpy(s + w, "s ago", 5) ; w += 5 ;
    if (g->type == '=' && r->sessopen) { memcpy(s + w, ", session open", 14) ; w += 14 ; }
    else if (g->type == '=')
    {
      memcpy(s + w, ", session ended ", 16) ; w += 16 ;
      w += int64_fmt(s + w, now - r->sessend) ;
      memcpy(s + w, "s ago", 5) ; w += 5 ;
    }
  }
  else if (r->how == RELAY_NETWORK)
  {
    memcpy(s + w, " network ", 9) ; w += 9 ;
    w += net_fmt(s + w, &r->n) ;
  }
  s[w] = 0 ;
  return s ;
}
