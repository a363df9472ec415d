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
 * whole of s.  An IPv4-mapped IPv6 network ::ffff:a.b.c.d/N with
 * N >= 96 is the IPv4 network a.b.c.d/(N-96).  1 if valid, 0 if not:
 * errno EDOM if only because host bits are set in the address
 * (192.0.2.5/24: a host or the network 192.0.2.0/24? nobody can tell),
 * EINVAL otherwise.
 */
extern int net_parse (char const *s, size_t len, net *n) ;
extern int net_match (net const *n, addr const *a) ;
extern size_t net_fmt (char *s, net const *n) ;  /* ADDR_FMT + 4 bytes */
#define NET_FMT (ADDR_FMT + 4)

/*
 * net_wide: why n is wider than an administrator means as a rule, or 0:
 * NET_WIDE_ALL4 (it holds every IPv4 address: 0.0.0.0/0, ::/80),
 * NET_WIDE_ALL6 (::/0), NET_WIDE_BITS (wider than /8 for IPv4, /32 for
 * IPv6).  net_last: the last address of n (n->a is the first).
 */
#define NET_WIDE_ALL4 1
#define NET_WIDE_ALL6 2
#define NET_WIDE_BITS 4
extern unsigned int net_wide (net const *n) ;
extern void net_last (net const *n, addr *a) ;

#endif
