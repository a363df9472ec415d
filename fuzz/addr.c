/* ISC license. */

/*
 * addr_scan, addr_parse, net_parse: what is accepted is written back in
 * canonical form, which reads back as the same thing and is written the
 * same again; a literal is never the prefix of a longer run.  A network
 * accepted has no host bits set (its first address is itself, its last
 * in it); one refused for its host bits has a valid address and prefix.
 */

#include <string.h>
#include <errno.h>
#include "addr.h"
#include "net.h"
#include "fuzz.h"

static int addrchar (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':' ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t len)
{
  char const *s = (char const *)data ;
  char buf[NET_FMT], buf2[NET_FMT] ;
  size_t k, m ;
  addr a, b ;
  net n, n2 ;

  k = addr_scan(s, len, &a) ;
  CHECK(k <= len, "addr_scan used more than it was given", s, len) ;
  if (k)
  {
    CHECK(k == len || !addrchar(s[k]), "addr_scan took the prefix of a longer run", s, len) ;
    m = addr_fmt(buf, &a) ;
    CHECK(m <= ADDR_FMT, "addr_fmt wrote too much", s, len) ;
    CHECK(addr_parse(buf, m, &b) && addr_equal(&a, &b), "the canonical text reads back otherwise", s, len) ;
    CHECK(addr_fmt(buf2, &b) == m && !memcmp(buf, buf2, m), "the canonical text is not canonical", s, len) ;
    CHECK(addr_parse(s, k, &b) && addr_equal(&a, &b), "addr_parse disagrees with addr_scan", s, len) ;
    if (!a.is6) for (unsigned int i = 4 ; i < 16 ; i++) CHECK(!a.ip[i], "IPv4 with bytes past the fourth", s, len) ;
  }
  if (addr_parse(s, len, &a)) CHECK(addr_scan(s, len, &b) == len && addr_equal(&a, &b), "addr_parse accepts what addr_scan reads shorter", s, len) ;

  if (net_parse(s, len, &n))
  {
    m = net_fmt(buf, &n) ;
    CHECK(m <= NET_FMT, "net_fmt wrote too much", s, len) ;
    CHECK(n.bits <= (n.a.is6 ? 128u : 32u), "a prefix longer than the address", s, len) ;
    CHECK(net_parse(buf, m, &n2) && n2.bits == n.bits && addr_equal(&n.a, &n2.a), "the network written back reads otherwise", s, len) ;
    CHECK(net_fmt(buf2, &n2) == m && !memcmp(buf, buf2, m), "the network's text is not canonical", s, len) ;
    CHECK(net_match(&n, &n.a), "a network does not hold its own address", s, len) ;
    net_last(&n, &b) ;
    CHECK(net_match(&n, &b), "a network does not hold its last address", s, len) ;
    n2 = n ; n2.a = b ;
    CHECK(n.bits == (n.a.is6 ? 128u : 32u) ? addr_equal(&n.a, &b) : !net_parse(buf2, net_fmt(buf2, &n2), &n2) && errno == EDOM, "a network's last address is not a host bit set or none", s, len) ;
    CHECK(!n.bits == !!(net_wide(&n) & (n.a.is6 ? NET_WIDE_ALL6 : NET_WIDE_ALL4)), "a /0 not called all of its family", s, len) ;
  }
  else if (errno == EDOM)
  {
    char const *slash = memchr(s, '/', len) ;
    CHECK(slash && addr_parse(s, (size_t)(slash - s), &a), "refused for host bits without a valid address and prefix", s, len) ;
  }
  return 0 ;
}
