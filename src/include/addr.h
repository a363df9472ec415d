/* ISC license. */

#ifndef POPLOCK_ADDR_H
#define POPLOCK_ADDR_H

#include <stddef.h>

/*
 * One client address, IPv4 or IPv6, in the single canonical form every
 * program of the suite uses.  An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 * is stored as the IPv4 address a.b.c.d, so a login logged by a dual-stack
 * POP server matches the SMTP client tcpserver saw over IPv4.
 */
typedef struct addr_s addr ;
struct addr_s
{
  unsigned char ip[16] ;  /* IPv4: the first 4 bytes, the rest zero */
  unsigned char is6 ;
} ;
#define ADDR_ZERO { .ip = { 0 }, .is6 = 0 }

/* longest canonical text: 8 groups of 4 hex digits and 7 colons */
#define ADDR_FMT 40

/*
 * addr_scan reads the longest run of address characters (digits, hex
 * letters, '.', ':') at the start of s (at most len bytes) and returns its
 * length if the whole run is one valid literal, 0 otherwise.  It never
 * accepts a prefix of a longer run: "1.2.3.4.5", "1.2.3.45a", "300.1.1.1",
 * "01.2.3.4" (leading zero), "1.2.3" all give 0.  The caller checks the
 * byte after the run (a zone id "%eth0" is the caller's to refuse).
 * IPv6 accepts RFC 4291 text, with an embedded IPv4 tail; mapped
 * addresses become IPv4.
 */
extern size_t addr_scan (char const *s, size_t len, addr *a) ;

/* the whole of s (len bytes) must be one literal: 1 if so, 0 if not */
extern int addr_parse (char const *s, size_t len, addr *a) ;

/* canonical text: dotted quad, or RFC 5952 IPv6; no NUL; returns length */
extern size_t addr_fmt (char *s, addr const *a) ;

/*
 * $TCPREMOTEIP as ucspi-tcp-ipv6's tcpserver writes it, the text its
 * rules are looked up by: addr_fmt's, except that a single zero group
 * is compressed too (2001:db8::1:1:1:1:1, not 2001:db8:0:1:1:1:1:1).
 * At most ADDR_FMT bytes, no NUL; returns the length.
 */
extern size_t addr_fmt_tcpserver (char *s, addr const *a) ;

extern int addr_equal (addr const *a, addr const *b) ;

#endif
