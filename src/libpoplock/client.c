/* ISC license. */

#include <string.h>
#include <stdlib.h>
#include "addr.h"
#include "escape.h"
#include "client.h"

static int no (client *c, char const *what)
{
  size_t n = strlen(c->var) ;
  static char const head[] = "unable to read the client address: " ;
  memcpy(c->why, head, sizeof(head) - 1) ;
  memcpy(c->why + sizeof(head) - 1, c->var, n) ;
  strcpy(c->why + sizeof(head) - 1 + n, what) ;
  return 0 ;
}

static int invalid (client *c, char const *val)
{
  static char const head[] = "invalid client address in " ;
  size_t n = strlen(val) ;
  size_t v = strlen(c->var) ;
  size_t w = sizeof(head) - 1 ;
  memcpy(c->why, head, w) ;
  memcpy(c->why + w, c->var, v) ; w += v ;
  c->why[w++] = ':' ; c->why[w++] = ' ' ;
  w += escape_user(c->why + w, val, n > CLIENT_QUOTE_MAX ? CLIENT_QUOTE_MAX : n) ;
  if (n > CLIENT_QUOTE_MAX) { memcpy(c->why + w, "...", 3) ; w += 3 ; }
  c->why[w] = 0 ;
  return 0 ;
}

static int protook (char const *p, size_t n)
{
  if (!n || n > CLIENT_PROTO_MAX) return 0 ;
  for (size_t i = 0 ; i < n ; i++)
    if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9'))) return 0 ;
  return 1 ;
}

int client_get (client *c, char const *var)
{
  char const *val ;
  if (var)
  {
    size_t n = strlen(var) ;
    if (n > CLIENT_VAR_MAX) n = CLIENT_VAR_MAX ;
    memcpy(c->var, var, n) ; c->var[n] = 0 ;
  }
  else
  {
    char const *proto = getenv("PROTO") ;
    size_t n ;
    if (!proto) proto = "TCP" ;
    n = strlen(proto) ;
    if (!protook(proto, n))
    {
      strcpy(c->var, "PROTO") ;
      return no(c, n ? " is not a protocol name" : " is empty") ;
    }
    memcpy(c->var, proto, n) ;
    memcpy(c->var + n, "REMOTEIP", 9) ;
  }
  val = getenv(c->var) ;
  if (!val) return no(c, " is not set") ;
  if (!val[0]) return no(c, " is empty") ;
  if (!addr_parse(val, strlen(val), &c->a)) return invalid(c, val) ;
  return 1 ;
}
