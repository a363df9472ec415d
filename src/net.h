/* ISC license. */

#ifndef POPLOCK_NET_H
#define POPLOCK_NET_H

#include <stddef.h>
#include "addr.h"

/* A network: an address and a prefix length (32 or 128 for one host). */
typedef struct net_s net ;
struct net_s
{
  addr a ;          /* host bits cleared */
  unsigned int bits ;
} ;

/*
 * net_parse: "a.b.c.d", "a.b.c.d/N" (0..32), "v6", "v6/N" (0..128), the
 * whole of s.  Host bits set in the address are cleared (192.0.2.5/24 is
 * 192.0.2.0/24).  An IPv4-mapped IPv6 network ::ffff:a.b.c.d/N with
 * N >= 96 is the IPv4 network a.b.c.d/(N-96).  1 if valid, 0 if not.
 */
extern int net_parse (char const *s, size_t len, net *n) ;
extern int net_match (net const *n, addr const *a) ;
extern size_t net_fmt (char *s, net const *n) ;  /* ADDR_FMT + 4 bytes */
#define NET_FMT (ADDR_FMT + 4)

#endif
