/* ISC license. */

#include <string.h>
#include <errno.h>
#include "addr.h"
#include "net.h"

/* an IPv4 address a.b.c.d seen as the IPv6 address ::ffff:a.b.c.d */
static void as6 (unsigned char *ip, addr const *a)
{
  if (a->is6) { memcpy(ip, a->ip, 16) ; return ; }
  memset(ip, 0, 10) ;
  ip[10] = ip[11] = 0xff ;
  memcpy(ip + 12, a->ip, 4) ;
}

/* the host bits of ip past the first bits: 1 if any is set */
static int hostset (unsigned char const *ip, unsigned int bits, unsigned int size)
{
  unsigned int i ;
  for (i = 0 ; i < size ; i++)
  {
    if (bits >= 8 * (i + 1)) continue ;
    if (ip[i] & (bits > 8 * i ? (unsigned char)~(0xff << (8 * (i + 1) - bits)) : 0xff)) return 1 ;
  }
  return 0 ;
}

/* ip with its host bits past the first bits set: the last address of the network */
static void sethost (unsigned char *ip, unsigned int bits, unsigned int size)
{
  unsigned int i ;
  for (i = 0 ; i < size ; i++)
  {
    if (bits >= 8 * (i + 1)) continue ;
    ip[i] |= bits > 8 * i ? (unsigned char)~(0xff << (8 * (i + 1) - bits)) : 0xff ;
  }
}

/* the first bits of x and y are equal */
static int prefixeq (unsigned char const *x, unsigned char const *y, unsigned int bits)
{
  unsigned int whole = bits / 8, rest = bits % 8 ;
  if (memcmp(x, y, whole)) return 0 ;
  if (!rest) return 1 ;
  return !((x[whole] ^ y[whole]) & (unsigned char)(0xff << (8 - rest))) ;
}

int net_parse (char const *s, size_t len, net *n)
{
  char const *slash = memchr(s, '/', len) ;
  size_t alen = slash ? (size_t)(slash - s) : len ;
  int v6text = !!memchr(s, ':', alen) ;
  unsigned int max = v6text ? 128 : 32 ;
  unsigned int bits = max ;
  addr a ;
  if (!addr_parse(s, alen, &a)) return (errno = EINVAL, 0) ;
  if (slash)
  {
    /* digits only, no sign, no leading zero, in range */
    size_t i = alen + 1, dlen = len - i ;
    if (!dlen || dlen > 3 || (s[i] == '0' && dlen > 1)) return (errno = EINVAL, 0) ;
    bits = 0 ;
    for (; i < len ; i++)
    {
      if (s[i] < '0' || s[i] > '9') return (errno = EINVAL, 0) ;
      bits = bits * 10 + (s[i] - '0') ;
    }
    if (bits > max) return (errno = EINVAL, 0) ;
  }
  if (v6text && !a.is6)
  {
    /* written as ::ffff:a.b.c.d: an IPv4 network if the prefix covers the ::ffff: part */
    if (bits >= 96) bits -= 96 ;
    else { as6(a.ip, &a) ; a.is6 = 1 ; }
  }
  /* 10.0.0.1/8: a typo for a host or for a network, the admin's intent is unknown */
  if (hostset(a.ip, bits, a.is6 ? 16 : 4)) return (errno = EDOM, 0) ;
  n->a = a ;
  n->bits = bits ;
  return 1 ;
}

/*
 * An IPv6 network short enough to contain ::ffff:0:0/96 (::/0, ::/80)
 * matches IPv4 addresses too: they are the mapped addresses it covers.
 */
int net_match (net const *n, addr const *a)
{
  if (n->a.is6)
  {
    unsigned char ip[16] ;
    as6(ip, a) ;
    return prefixeq(n->a.ip, ip, n->bits) ;
  }
  return !a->is6 && prefixeq(n->a.ip, a->ip, n->bits) ;
}

size_t net_fmt (char *s, net const *n)
{
  size_t len = addr_fmt(s, &n->a) ;
  unsigned int b = n->bits ;
  s[len++] = '/' ;
  if (b >= 100) s[len++] = '0' + b / 100 ;
  if (b >= 10) s[len++] = '0' + b / 10 % 10 ;
  s[len++] = '0' + b % 10 ;
  return len ;
}

/*
 * A network wider than an administrator means, as a rule: all of IPv4
 * (also an IPv6 network that holds ::ffff:0:0/96), all of IPv6, wider
 * than /8 (IPv4) or /32 (IPv6).
 */
unsigned int net_wide (net const *n)
{
  static unsigned char const mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff } ;
  unsigned int w = 0 ;
  if (!n->a.is6) return !n->bits ? NET_WIDE_ALL4 : n->bits < 8 ? NET_WIDE_BITS : 0 ;
  if (!n->bits) w |= NET_WIDE_ALL6 ;
  if (n->bits < 32) w |= NET_WIDE_BITS ;
  if (n->bits <= 96 && prefixeq(n->a.ip, mapped, n->bits)) w |= NET_WIDE_ALL4 ;
  return w ;
}

void net_last (net const *n, addr *a)
{
  *a = n->a ;
  sethost(a->ip, n->bits, a->is6 ? 16 : 4) ;
}
