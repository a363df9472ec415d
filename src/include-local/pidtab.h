/* ISC license. */

#ifndef POPLOCK_PIDTAB_H
#define POPLOCK_PIDTAB_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "logline.h"

/*
 * Pending connections, for servers that log the address on one line and
 * the login on a later one with the same pid (tcpserver's "ok" line then
 * popa3d's, vm-pop3d, ...), or with the same session id (Mailutils).
 *
 * An entry is keyed by (fmt, id, reader, host): the reader and the host
 * are the line's (logline's from and joinhost), so a line never joins
 * one of another reader or another syslog host.  It is one connection,
 * open from start (the connect line's log time) to end (PIDTAB_OPEN
 * until its end is read).  A line uses an entry only if the connection
 * is open at the line's log time, seconds: start <= time <= end (the
 * same second counts as open); a closed connection with an unknown time
 * on either side is closed for every line.  If two are open, the line
 * is in doubt and uses neither.
 *
 * Bounded: PIDTAB_MAX entries, one per connection; when full, the
 * oldest entry (first put) goes, whatever its state.  A host longer than
 * PIDTAB_HOSTMAX is never put, so never joined.  gen counts changes (for
 * readlog, which saves the table when it changed).
 */
#define PIDTAB_MAX 1024
#define PIDTAB_HOSTMAX 64
#define PIDTAB_OPEN INT64_MAX
#define PIDTAB_TCPSERVER 0xff   /* fmt of tcpserver's connections: one for every format that reads them */
typedef struct pident_s pident ;
struct pident_s
{
  uint64_t id ;
  unsigned int fmt ;
  unsigned int from ;
  unsigned int hostlen ;
  char host[PIDTAB_HOSTMAX] ;
  addr ip ;
  int64_t start ;
  int64_t end ;
} ;
typedef struct pidtab_s pidtab ;
struct pidtab_s
{
  pident e[PIDTAB_MAX] ;   /* oldest first */
  unsigned int n ;
  uint64_t gen ;
} ;
#define PIDTAB_ZERO { .n = 0, .gen = 0 }

/*
 * a new connection of l's reader and host, opened at l->time; an open
 * one under the same key is closed the second before (its pid was
 * reused, so its process ended); the same one again (a line read twice)
 * is no change
 */
extern void pidtab_put (pidtab *p, logline const *l, unsigned int fmt, uint64_t id, addr const *ip) ;

/*
 * the one connection under fmt (or alt: a second namespace, or fmt
 * again) open at l->time: 1, *ip and *start set, the entry removed; 0 if
 * none or in doubt (two open: both removed)
 */
extern int pidtab_take (pidtab *p, logline const *l, unsigned int fmt, unsigned int alt, uint64_t id, addr *ip, int64_t *start) ;

/* forgets the connections under fmt or alt open at l->time (a failed login ends it) */
extern void pidtab_drop (pidtab *p, logline const *l, unsigned int fmt, unsigned int alt, uint64_t id) ;

/* forgets every entry under fmt with this key, whatever its times: how many there were */
extern unsigned int pidtab_forget (pidtab *p, logline const *l, unsigned int fmt, uint64_t id) ;

/* closes at l->time the connections under fmt opened at or before it (tcpserver's "end") */
extern void pidtab_end (pidtab *p, logline const *l, unsigned int fmt, uint64_t id) ;

/*
 * The table in the state directory, for a restart: DIR/pending.XXXXXXXX,
 * XXXXXXXX the crc32 of key (what names the readers: their ids are only
 * meaningful for the same key), data only, replaced atomically.
 * pidtab_load: 1 loaded, 0 none (or another key's), -1 error (EPROTO:
 * garbage).  Entries read have their reader checked below nfrom.
 */
extern int pidtab_save (pidtab const *p, char const *dir, char const *key, size_t keylen) ;
extern int pidtab_load (pidtab *p, char const *dir, char const *key, size_t keylen, unsigned int nfrom) ;

#endif
