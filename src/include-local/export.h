/* ISC license. */

#ifndef POPLOCK_EXPORT_H
#define POPLOCK_EXPORT_H

#include <stddef.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "addr.h"

/*
 * What relayexport writes for the MTAs that read a file rather than ask
 * a program: the addresses allowed now, as a cdb or as tcpserver rules.
 * Functions return -1 and set errno on a system error.  Files are
 * replaced atomically, never through a planted link (replace.h).
 */

/*
 * export_cdb writes the cdb of the n addresses (sorted, no duplicates):
 * key the canonical text (addr_fmt), value "OK".  export_cdb_same says if
 * the cdb at path holds exactly those keys with that value: 1 if so, 0 if
 * not (or it does not exist, or is no cdb).
 */
extern int export_cdb (char const *path, addr const *a, size_t n) ;
extern int export_cdb_same (char const *path, addr const *a, size_t n) ;

/* sorts addresses (IPv4 first, then by bytes) and removes duplicates; returns the new count */
extern size_t export_sort (addr *a, size_t n) ;

/*
 * The admin's tcprules source, read as tcprules reads it (djb's
 * ucspi-tcp 0.88): lines starting with '#' and lines without ':' are
 * ignored, trailing spaces, tabs and LF are cut, the address is what
 * comes before the first ':', a range a.b.c.N-M stands for each address
 * in it, and for one address the first line wins.  ucspi-tcp-ipv6's
 * tcprules (Debian ucspi-tcp-ipv6) differs in two things: the address
 * ends at the first ':' followed by "deny" or "allow" (so "::1:allow"
 * is the rule of ::1), and a line with no such ':' is refused, not
 * ignored.
 */
typedef struct exportrule_s exportrule ;
struct exportrule_s
{
  size_t key, keylen ;      /* in keys: the address, as tcpserver looks it up */
  size_t line, linelen ;    /* in text: the whole line, trailing blanks cut */
  size_t instr, instrlen ;  /* in text: what follows allow (",VAR=..." or empty) */
  unsigned int lineno ;
  unsigned char deny ;
  unsigned char relays ;    /* it sets RELAYCLIENT */
} ;

typedef struct exportrules_s exportrules ;
struct exportrules_s
{
  stralloc text ;           /* the file, as read */
  stralloc keys ;
  genalloc rules ;          /* exportrule, in file order, ranges expanded */
  unsigned int badline ;    /* on 0 from exportrules_load: the line tcprules would refuse */
  unsigned int hostline ;   /* first "=host" rule, or 0: tcpserver consults those after an exact address */
  unsigned char ip6 ;       /* ucspi-tcp-ipv6's tcprules and tcpserver */
} ;
#define EXPORTRULES_ZERO { .text = STRALLOC_ZERO, .keys = STRALLOC_ZERO, .rules = GENALLOC_ZERO, .badline = 0, .hostline = 0, .ip6 = 0 }

/* ip6: read as ucspi-tcp-ipv6's tcprules does.  1 if read, 0 if a line is invalid (badline), -1 on error */
extern int exportrules_load (exportrules *r, char const *path, int ip6) ;
extern void exportrules_free (exportrules *r) ;

/*
 * export_rules_text: the source relayexport hands to tcprules.  The
 * admin's file unchanged, then, for each address (sorted), the rule
 * that gives it RELAYCLIENT: "IP:allow,RELAYCLIENT=\"\"", or, if the
 * admin's most specific rule for it is a prefix (or the default "")
 * that allows, that rule's instructions for IP followed by
 * RELAYCLIENT="".  An address is left out, with a comment saying why,
 * when that rule denies, when it already sets RELAYCLIENT, when the
 * admin has a rule for the exact address (the admin's wins), or when it
 * is IPv6 and the rules are not ucspi-tcp-ipv6's (tcpserver 0.88 speaks
 * IPv4 only).  An IPv6 address is written, and its prefixes looked up,
 * as ucspi-tcp-ipv6's tcpserver writes $TCPREMOTEIP and looks it up.
 * Returns the number of rules added.
 */
extern long export_rules_text (exportrules const *r, addr const *a, size_t n, stralloc *out) ;

#endif
