/* ISC license. */

#include <string.h>
#include "addr.h"
#include "hex.h"

/*
 * Our own scanner, not skalibs' ip4_scan/ip6_scan: those take 300.1.1.1
 * and leading zeros, stop at a valid prefix of a longer run, and cannot
 * read ::ffff:a.b.c.d.  A log line is untrusted text, so be strict.
 */

static size_t runlen (char const *s, size_t len)
{
  size_t n = 0 ;
  while (n < len && (hexval(s[n]) >= 0 || s[n] == '.' || s[n] == ':')) n++ ;
  return n ;
}

/* exactly n bytes of dotted quad; "0" alone, but no other leading zero */
static int ip4_exact (char const *s, size_t n, unsigned char *ip)
{
  size_t i = 0 ;
  unsigned int part ;
  for (part = 0 ; part < 4 ; part++)
  {
    unsigned int v = 0 ;
    size_t start = i ;
    if (part)
    {
      if (i >= n || s[i] != '.') return 0 ;
      start = ++i ;
    }
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
      v = v * 10 + (s[i++] - '0') ;
    if (i == start || v > 255) return 0 ;
    if (s[start] == '0' && i - start > 1) return 0 ;
    ip[part] = v ;
  }
  return i == n ;
}

/* exactly n bytes of RFC 4291 text */
static int ip6_exact (char const *s, size_t n, unsigned char *ip)
{
  unsigned int g[8] ;
  unsigned int count = 0 ;
  int gap = -1 ;  /* group index where "::" stands */
  size_t i = 0 ;

  if (n >= 2 && s[0] == ':' && s[1] == ':') { gap = 0 ; i = 2 ; }
  else if (n && s[0] == ':') return 0 ;

  while (i < n)
  {
    size_t end = i ;
    unsigned int v = 0 ;
    int dotted = 0 ;
    while (end < n && s[end] != ':') if (s[end++] == '.') dotted = 1 ;
    if (dotted)
    {
      /* an IPv4 tail: the last 32 bits, and nothing after it */
      unsigned char q[4] ;
      if (end != n || count > 6 || !ip4_exact(s + i, n - i, q)) return 0 ;
      g[count++] = (q[0] << 8) | q[1] ;
      g[count++] = (q[2] << 8) | q[3] ;
      i = n ;
      break ;
    }
    if (end == i || end - i > 4 || count == 8) return 0 ;
    for (; i < end ; i++) v = (v << 4) | hexval(s[i]) ;
    g[count++] = v ;
    if (i == n) break ;
    i++ ;  /* the ':' */
    if (i < n && s[i] == ':')
    {
      if (gap >= 0) return 0 ;
      gap = count ;
      i++ ;
    }
    else if (i == n) return 0 ;  /* a trailing single ':' */
  }

  if (gap < 0 ? count != 8 : count > 7) return 0 ;
  memset(ip, 0, 16) ;
  {
    unsigned int j, at = 0 ;
    unsigned int head = gap < 0 ? count : (unsigned int)gap ;
    for (j = 0 ; j < count ; j++)
    {
      if (j == head) at = 8 - (count - head) ;
      ip[2*at] = g[j] >> 8 ;
      ip[2*at+1] = g[j] & 0xff ;
      at++ ;
    }
  }
  return 1 ;
}

static unsigned char const mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff } ;

size_t addr_scan (char const *s, size_t len, addr *a)
{
  size_t n = runlen(s, len) ;
  unsigned char ip[16] ;
  if (!n) return 0 ;
  if (memchr(s, ':', n))
  {
    if (!ip6_exact(s, n, ip)) return 0 ;
    if (!memcmp(ip, mapped, 12))
    {
      memset(a->ip, 0, 16) ;
      memcpy(a->ip, ip + 12, 4) ;
      a->is6 = 0 ;
    }
    else
    {
      memcpy(a->ip, ip, 16) ;
      a->is6 = 1 ;
    }
  }
  else
  {
    if (!ip4_exact(s, n, ip)) return 0 ;
    memset(a->ip, 0, 16) ;
    memcpy(a->ip, ip, 4) ;
    a->is6 = 0 ;
  }
  return n ;
}

int addr_parse (char const *s, size_t len, addr *a)
{
  addr tmp ;
  if (!len || addr_scan(s, len, &tmp) != len) return 0 ;
  *a = tmp ;
  return 1 ;
}

static size_t fmt_dec (char *s, unsigned int v)
{
  size_t n = 0 ;
  if (v >= 100) s[n++] = '0' + v / 100 ;
  if (v >= 10) s[n++] = '0' + v / 10 % 10 ;
  s[n++] = '0' + v % 10 ;
  return n ;
}

static size_t fmt_hex (char *s, unsigned int v)
{
  static char const digits[] = "0123456789abcdef" ;
  size_t n = 0 ;
  int shift = 12 ;
  while (shift > 0 && !(v >> shift)) shift -= 4 ;
  for (; shift >= 0 ; shift -= 4) s[n++] = digits[(v >> shift) & 15] ;
  return n ;
}

/*
 * The first longest run of zero groups longer than shortest becomes
 * "::"; RFC 5952 section 4 has shortest 1 (a single zero is written).
 */
static size_t fmt6 (char *s, addr const *a, int shortest)
{
  size_t n = 0 ;
  unsigned int g[8] ;
  int best = -1, bestlen = shortest, i ;
  for (i = 0 ; i < 8 ; i++) g[i] = (a->ip[2*i] << 8) | a->ip[2*i+1] ;
  for (i = 0 ; i < 8 ; )
  {
    int j = i ;
    while (j < 8 && !g[j]) j++ ;
    if (j - i > bestlen) { best = i ; bestlen = j - i ; }
    i = j > i ? j : i + 1 ;
  }
  for (i = 0 ; i < 8 ; i++)
  {
    if (i == best)
    {
      s[n++] = ':' ; s[n++] = ':' ;
      i += bestlen - 1 ;
      continue ;
    }
    if (i && i != best + bestlen) s[n++] = ':' ;
    n += fmt_hex(s + n, g[i]) ;
  }
  return n ;
}

static size_t fmt4 (char *s, addr const *a)
{
  size_t n = 0 ;
  for (int i = 0 ; i < 4 ; i++)
  {
    if (i) s[n++] = '.' ;
    n += fmt_dec(s + n, a->ip[i]) ;
  }
  return n ;
}

size_t addr_fmt (char *s, addr const *a)
{
  return a->is6 ? fmt6(s, a, 1) : fmt4(s, a) ;
}

size_t addr_fmt_tcpserver (char *s, addr const *a)
{
  return a->is6 ? fmt6(s, a, 0) : fmt4(s, a) ;
}

int addr_equal (addr const *a, addr const *b)
{
  return a->is6 == b->is6 && !memcmp(a->ip, b->ip, a->is6 ? 16 : 4) ;
}
