/* ISC license. */

/*
 * Every log format, through login_scan.  The first byte picks one
 * format (or all of them), the rest is lines fed in order with one
 * pidtab, as readlog feeds a log.  Beyond "no crash", a grant must come
 * from the server-written place of the format's success line:
 *
 *  - the address is an address literal in the line (or, for the
 *    formats that take it from tcpserver's "ok" line, in an earlier
 *    line), outside the user name the grant reports;
 *  - it is that literal: written as another address there, the line
 *    grants the other address;
 *  - it sits where the format's sample line (login_formats[].sample)
 *    has its address: after the same marker (the bytes since the
 *    previous space, or the previous word if there are none: "rip=",
 *    "ip=[", "from "), followed by the same byte;
 *  - the user name is not what decides: with the user's bytes replaced
 *    by a plain name, the line still grants the same address;
 *  - a join never crosses readers or hosts: with the earlier lines read
 *    as another reader's, or (for a line without a host) with their
 *    hostless lines another host's, the line grants what it grants
 *    alone, or nothing.
 */

#include <string.h>
#include "addr.h"
#include "login.h"
#include "fuzz.h"

#define SAMPLE_ADDR "192.0.2.7"

static loginsrc const fuzzsrc = LOGINSRC_ZERO ;

struct place_s { char marker[16] ; size_t markerlen ; int after ; } ;  /* after: byte, or -1 for the end */
static struct place_s places[64] ;
static int ready = 0 ;

static int addrchar (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':' ;
}

/* the place of the sample's address: in the line that holds it */
static void learn (unsigned int i)
{
  char const *s = login_formats[i].sample ;
  char const *hit = strstr(s, SAMPLE_ADDR) ;
  char const *start, *end, *line, *m ;
  struct place_s *p = places + i ;
  p->markerlen = 0 ; p->after = -1 ;
  if (!hit) return ;
  start = hit ;
  while (start > s && addrchar(start[-1])) start-- ;
  end = hit + strlen(SAMPLE_ADDR) ;
  p->after = *end && *end != '\n' ? (unsigned char)*end : -1 ;
  line = start ;
  while (line > s && line[-1] != '\n') line-- ;
  m = start ;
  while (m > line && m[-1] != ' ') m-- ;
  if (m == start && m > line)
  {
    /* right after a space: the word before is the marker ("from ") */
    m-- ;
    while (m > line && m[-1] != ' ') m-- ;
    /*
     * unless that word is the user (cucipop: "alice 192.0.2.7") or holds
     * other client text (qpopper: "(client.example.org) 192.0.2.7"):
     * then its last byte and the space
     */
    if (!strncmp(m, "alice ", 6)) m = start - 1 ;
    else for (char const *w = m ; w < start - 1 ; w++)
      if (!((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') || *w == ':')) { m = start - 2 ; break ; }
  }
  if ((size_t)(start - m) >= sizeof(p->marker)) m = start - (sizeof(p->marker) - 1) ;
  p->markerlen = start - m ;
  memcpy(p->marker, m, p->markerlen) ;
}

/*
 * Success lines a format knows besides its sample's shape: the marker
 * is only what the server writes itself (vchkpw's "USER@DOMAIN:IP" has
 * the user's text before the colon).
 */
static struct { char const *format ; struct place_s place ; } const extra[] =
{
  { "vchkpw", { ":", 1, -1 } },
  { "perdition", { "Auth: ", 6, '-' } },   /* older: "Auth: IP->IP user=..." */
  { "qpopper", { " ", 1, -1 } },           /* "Stats: USER ... HOST IP": the last field */
  { "tpop3d", { "(", 1, ')' } },           /* "[FD]USER(IP)": the sample's marker holds its user */
  { "vm-pop3d", { "from ", 5, ',' } },     /* 1.1.7f: "logged in from IP, nmsgs=N" */
  { 0, { "", 0, 0 } }
} ;

static int atplace1 (struct place_s const *p, char const *s, size_t len, size_t pos, size_t n)
{
  if (pos < p->markerlen || memcmp(s + pos - p->markerlen, p->marker, p->markerlen)) return 0 ;
  if (p->after < 0) return pos + n == len ;
  return pos + n < len && (unsigned char)s[pos + n] == p->after ;
}

static int atplace (unsigned int f, char const *s, size_t len, size_t pos, size_t n)
{
  if (atplace1(places + f, s, len, pos, n)) return 1 ;
  for (unsigned int i = 0 ; extra[i].format ; i++)
    if (!strcmp(extra[i].format, login_formats[f].name) && atplace1(&extra[i].place, s, len, pos, n)) return 1 ;
  return 0 ;
}

/*
 * tcpserver -v's "ok PID LOCALHOST:LOCALIP:PORT REMOTEHOST:REMOTEIP:INFO:PORT":
 * the remote address is right after the first colon of its token (the
 * host before it is the client's reverse DNS: its choice).
 */
static int tcpserverplace (char const *s, size_t len, size_t pos, size_t n)
{
  size_t m = pos ;
  if (!pos || s[pos-1] != ':' || pos + n >= len || s[pos + n] != ':') return 0 ;
  m = pos - 1 ;
  while (m > 0 && s[m-1] != ' ' && s[m-1] != '\n')
  {
    if (s[m-1] == ':') return 0 ;
    m-- ;
  }
  return 1 ;
}

/* the line holding pos is one of tcpserver's */
static int intcpserver (char const *s, size_t pos)
{
  size_t b = pos ;
  while (b > 0 && s[b-1] != '\n') b-- ;
  for (size_t i = b ; i + 11 <= pos ; i++) if (!memcmp(s + i, "tcpserver: ", 11)) return 1 ;
  return 0 ;
}

/* literals of a in s outside [u, u+ulen): positions and lengths, the last max of them */
static unsigned int literals (char const *s, size_t len, addr const *a, size_t ustart, size_t ulen, size_t *pos, size_t *n, unsigned int max)
{
  unsigned int k = 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    addr b ;
    size_t m ;
    if (!addrchar(s[i])) continue ;
    if (i && addrchar(s[i-1]) && s[i-1] != ':' && s[i] != ':') continue ;  /* inside a run, except after a colon (":192.0.2.7::41234") */
    m = addr_scan(s + i, len - i, &b) ;
    if (!m)
    {
      /* a dotted quad between colons, as tcpserver writes it */
      while (i + m < len && ((s[i+m] >= '0' && s[i+m] <= '9') || s[i+m] == '.')) m++ ;
      if (!m || !addr_parse(s + i, m, &b)) continue ;
    }
    if (!addr_equal(&b, a)) continue ;
    if (ulen && i < ustart + ulen && i + m > ustart) continue ;
    if (k == max)
    {
      /* keep the last ones: the closest to the line being checked */
      memmove(pos, pos + 1, (max - 1) * sizeof(size_t)) ;
      memmove(n, n + 1, (max - 1) * sizeof(size_t)) ;
      k-- ;
    }
    pos[k] = i ; n[k] = m ; k++ ;
  }
  return k ;
}

static int scanline (char const *s, size_t len, uint64_t mask, pidtab const *before, loginok *out)
{
  pidtab p = *before ;
  char const *why ;
  return login_scan(s, len, FUZZ_NOW, mask, &fuzzsrc, &p, out, &why) ;
}

/* the byte before a literal written by a server: never inside a word */
static int placechar (char c)
{
  return c == ' ' || c == '[' || c == '=' || c == ':' || c == '(' || c == '<' ;
}

/* the lines of s (len bytes) fed in order with a fresh pidtab: the answer for the line at off */
static int replayto (char const *s, size_t len, uint64_t mask, size_t off, loginok *out)
{
  pidtab p = PIDTAB_ZERO ;
  size_t pos = 0 ;
  int r = -2 ;
  while (pos <= len && pos <= off)
  {
    char const *lf = memchr(s + pos, '\n', len - pos) ;
    size_t n = lf ? (size_t)(lf - (s + pos)) : len - pos ;
    char const *why ;
    r = login_scan(s + pos, n, FUZZ_NOW, mask, &fuzzsrc, &p, out, &why) ;
    pos += n + 1 ;
  }
  return r ;
}

/*
 * the lines of all before off fed as reader from with hostless lines
 * host's, then the line s as reader 0 with hostless lines other's
 */
static int crossed (char const *all, size_t off, char const *s, size_t len, uint64_t mask, unsigned int from, char const *host, char const *other, loginok *out)
{
  static pidtab p ;
  loginsrc before = { .id = from, .host = host, .hostlen = host ? strlen(host) : 0 } ;
  loginsrc now = { .id = 0, .host = other, .hostlen = other ? strlen(other) : 0 } ;
  size_t pos = 0 ;
  char const *why ;
  p.n = 0 ;
  while (pos < off)
  {
    char const *lf = memchr(all + pos, '\n', off - pos) ;
    size_t n = lf ? (size_t)(lf - (all + pos)) : off - pos ;
    loginok x ;
    login_scan(all + pos, n, FUZZ_NOW, mask, &before, &p, &x, &why) ;
    pos += n + 1 ;
  }
  return login_scan(s, len, FUZZ_NOW, mask, &now, &p, out, &why) ;
}

static void checkcross (char const *s, size_t len, uint64_t mask, char const *all, size_t lineoff)
{
  static pidtab empty ;
  pidtab q ;
  loginok alone, x ;
  char const *why ;
  int r0, r ;
  empty.n = 0 ;
  q = empty ;
  r0 = login_scan(s, len, FUZZ_NOW, mask, &fuzzsrc, &q, &alone, &why) ;
  r = crossed(all, lineoff, s, len, mask, 1, 0, 0, &x) ;
  CHECK(r < 0 || (r0 >= 0 && addr_equal(&x.ip, &alone.ip)), "a join crosses readers", s, len) ;
  /* a line without a host is fuzzhostb's, which no earlier line is */
  {
    logline l ;
    if (!logline_split(s, len, FUZZ_NOW, &l) || l.hostlen) return ;
    for (size_t i = 0 ; i + 9 <= lineoff ; i++) if (!memcmp(all + i, "fuzzhostb", 9)) return ;
  }
  r = crossed(all, lineoff, s, len, mask, 0, "fuzzhosta", "fuzzhostb", &x) ;
  CHECK(r < 0 || (r0 >= 0 && addr_equal(&x.ip, &alone.ip)), "a join crosses hosts", s, len) ;
}

/* s with [pos, pos+n) replaced by r, into buf */
static size_t replace (char *buf, char const *s, size_t len, size_t pos, size_t n, char const *r)
{
  size_t rlen = strlen(r) ;
  memcpy(buf, s, pos) ;
  memcpy(buf + pos, r, rlen) ;
  memcpy(buf + pos + rlen, s + pos + n, len - pos - n) ;
  return len - n + rlen ;
}

static int alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ;
}

/*
 * s with every copy of u (ulen bytes) that stands alone (no letter or
 * digit on either side: not the "a" in "began") replaced by r, into buf
 * (room for len + 64 bytes): 0 if a copy overlaps a literal of a, or if
 * the result would not fit
 */
static size_t replaceall (char *buf, char const *s, size_t len, char const *u, size_t ulen, addr const *a, char const *r)
{
  size_t pos[64], n[64], rlen = strlen(r), out = 0, i = 0 ;
  unsigned int k = literals(s, len, a, 0, 0, pos, n, 64) ;
  while (i < len)
  {
    if (i + ulen <= len && !memcmp(s + i, u, ulen)
     && (!i || !alnum(s[i-1])) && (i + ulen == len || !alnum(s[i + ulen])))
    {
      for (unsigned int j = 0 ; j < k ; j++) if (i < pos[j] + n[j] && i + ulen > pos[j]) return 0 ;
      if (out + rlen > len + 64) return 0 ;
      memcpy(buf + out, r, rlen) ; out += rlen ; i += ulen ;
    }
    else
    {
      if (out + 1 > len + 64) return 0 ;
      buf[out++] = s[i++] ;
    }
  }
  return out ;
}

static void checkgrant (char const *s, size_t len, unsigned int f, uint64_t mask, pidtab const *before, loginok const *g, char const *all, size_t alllen, size_t lineoff)
{
  static pidtab empty = PIDTAB_ZERO ;
  size_t ustart = 0, ulen = 0 ;
  size_t pos[64], n[64] ;
  unsigned int k, good = 0 ;
  char buf[len + 64] ;
  loginok x ;

  CHECK(g->source, "a grant without a source", s, len) ;
  /* logpopauth unescapes the name into its own buffer: then its place is unknown here */
  if (g->userlen && g->user >= s && g->user + g->userlen <= s + len)
  {
    ustart = g->user - s ; ulen = g->userlen ;
  }

  k = literals(s, len, &g->ip, ustart, ulen, pos, n, 8) ;
  for (unsigned int i = 0 ; i < k && !good ; i++)
  {
    char const *other = g->ip.is6 ? "2001:db8::99" : "192.0.2.99" ;
    addr want ;
    size_t blen = replace(buf, s, len, pos[i], n[i], other) ;
    addr_parse(other, strlen(other), &want) ;
    if (scanline(buf, blen, mask, before, &x) >= 0 && addr_equal(&x.ip, &want))
    {
      CHECK(atplace(f, s, len, pos[i], n[i]), "the granted address is not at the format's place", s, len) ;
      good = 1 ;
    }
  }
  if (!good)
  {
    /*
     * From an earlier line of the same connection (tcpserver's "ok",
     * solid-pop3d's "connect from"): without it, no grant; with another
     * address written in it, a grant of that address.  The same text
     * may stand in this line too, in a field the client chose (a
     * mailbox name): then it is not what decides.
     */
    int r = scanline(s, len, mask, &empty, &x) ;
    CHECK(r < 0 || !addr_equal(&x.ip, &g->ip), k ? "the grant does not follow the address literal" : "granted an address that is nowhere in the line", s, len) ;
    k = literals(all, lineoff, &g->ip, 0, 0, pos, n, 64) ;
    /* the latest first: the connection's line is the closest one */
    for (unsigned int i = k ; i-- > 0 && !good ;)
    {
      char const *other = g->ip.is6 ? "2001:db8::99" : "192.0.2.99" ;
      char abuf[alllen + 64] ;
      size_t blen = replace(abuf, all, alllen, pos[i], n[i], other) ;
      addr want ;
      addr_parse(other, strlen(other), &want) ;
      if (pos[i] && !placechar(all[pos[i] - 1])) continue ;
      if (intcpserver(all, pos[i]) && !tcpserverplace(all, lineoff, pos[i], n[i])) continue ;
      r = replayto(abuf, blen, mask, lineoff + blen - alllen, &x) ;
      if (r >= 0 && addr_equal(&x.ip, &want)) good = 1 ;
      /* two connection lines gave the address (a pid's connect line
         twice): with one of them changed, the two disagree, and a
         join in doubt grants nothing */
      else if (r < 0 && k > 1) good = 1 ;
    }
    CHECK(good, "granted an address that follows no literal of this line or of an earlier one", all, alllen) ;
    return ;
  }

  if (ulen)
  {
    size_t blen = replace(buf, s, len, ustart, ulen, "fuzzuser") ;
    int r = scanline(buf, blen, mask, before, &x) ;
    /*
     * a server that writes the name twice (tpop3d: "[FD]USER(IP)" and
     * "`USER'") wants both the same: then every copy of the name is
     * replaced, unless one of them is part of an address literal
     */
    if (r < 0) blen = replaceall(buf, s, len, g->user, ulen, &g->ip, "fuzzuser") ;
    if (r < 0 && blen) r = scanline(buf, blen, mask, before, &x) ;
    CHECK(r >= 0, "with a plain user name the line is no longer a grant", s, len) ;
    CHECK(addr_equal(&x.ip, &g->ip), "the user name changes the granted address", s, len) ;
  }
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  pidtab p = PIDTAB_ZERO ;
  uint64_t mask ;
  size_t pos = 1 ;
  if (!ready)
  {
    for (unsigned int i = 0 ; i < login_nformats && i < 64 ; i++) learn(i) ;
    ready = 1 ;
  }
  if (!size) return 0 ;
  {
    unsigned int f = data[0] % (login_nformats + 1) ;
    mask = f == login_nformats ? (login_nformats >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << login_nformats) - 1) : (uint64_t)1 << f ;
  }
  while (pos <= size)
  {
    char const *lf = memchr(s + pos, '\n', size - pos) ;
    size_t len = lf ? (size_t)(lf - (s + pos)) : size - pos ;
    pidtab before = p ;
    char const *why = 0 ;
    loginok g ;
    int r = login_scan(s + pos, len, FUZZ_NOW, mask, &fuzzsrc, &p, &g, &why) ;
    CHECK(r >= -2 && r < (int)login_nformats, "login_scan's answer is out of range", s + pos, len) ;
    if (r == -1) CHECK(why, "a refusal without a reason", s + pos, len) ;
    if (r >= 0)
    {
      CHECK(mask & ((uint64_t)1 << r), "a grant from a format that is not enabled", s + pos, len) ;
      checkgrant(s + pos, len, r, mask, &before, &g, s + 1, size - 1, pos - 1) ;
      checkcross(s + pos, len, mask, s + 1, pos - 1) ;
    }
    /* a source already distrusted (login.h: rawnl) grants nothing and opens no connection */
    {
      pidtab q = before ;
      char const *raw = "a server" ;
      loginsrc d = LOGINSRC_ZERO ;
      char const *why3 = 0 ;
      loginok h ;
      int r3 ;
      d.rawnl = &raw ;
      r3 = login_scan(s + pos, len, FUZZ_NOW, mask, &d, &q, &h, &why3) ;
      CHECK(r3 < 0, "a distrusted source grants", s + pos, len) ;
      if (r3 == -1) CHECK(why3, "a refusal without a reason", s + pos, len) ;
      CHECK(q.n == before.n && q.gen == before.gen, "a distrusted source changes the pid table", s + pos, len) ;
    }
    pos += len + 1 ;
  }
  return 0 ;
}
