/* ISC license. */

#ifndef POPLOCK_LOGIN_H
#define POPLOCK_LOGIN_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

/*
 * The parts of a log line that the log's writer put there, not the
 * server: the stamps, the syslog host, the program tag.  Recognised
 * prefixes, in this order, each optional:
 *
 *   @TAI64N SP                          multilog t
 *   Mmm dd hh:mm:ss SP | ISO8601 SP     syslog, dovecot log_timestamp
 *   HOST SP                             syslog (a token not ending in ':')
 *   TAG[PID]: SP | TAG: SP              the program (after a syslog
 *                                       stamp and host, also without
 *                                       the colon: rsyslog, RFC 5424)
 *
 * time is the multilog stamp if there is one, else the other stamp, else
 * -1.  logline_split returns 1, or 0 if the line has no tag (no format
 * can use it then).
 */
typedef struct logline_s logline ;
struct logline_s
{
  int64_t time ;
  char const *host ; size_t hostlen ;
  char const *tag ; size_t taglen ;    /* without [pid] */
  uint64_t pid ; int haspid ;
  char const *msg ; size_t msglen ;    /* after "TAG[PID]: " */
  int64_t now ;                        /* as given: for stamps inside msg */
} ;
extern int logline_split (char const *s, size_t len, int64_t now, logline *l) ;

/* A successful login, as one format recognised it. */
typedef struct login_s login ;
struct login_s
{
  addr ip ;
  int64_t time ;                       /* the line's time, -1 if none */
  char const *user ; size_t userlen ;  /* into the line, or a decoded copy valid until the next
                                          login_scan; userlen 0 if unknown */
  char const *source ;                 /* static: "dovecot/imap" etc. */
} ;

/*
 * Pending connections, for servers that log the address on one line and
 * the login on a later one with the same pid (tcpserver's "ok" line then
 * popa3d's, vm-pop3d, ...).  Bounded: the oldest is forgotten first.
 */
#define PIDTAB_MAX 1024
typedef struct pidtab_s pidtab ;
struct pidtab_s
{
  struct { uint64_t pid ; addr ip ; int64_t time ; unsigned int fmt ; } e[PIDTAB_MAX] ;
  unsigned int n ;
  unsigned int next ;
} ;
#define PIDTAB_ZERO { .n = 0, .next = 0 }
extern void pidtab_put (pidtab *p, unsigned int fmt, uint64_t pid, addr const *ip, int64_t time) ;
extern int pidtab_take (pidtab *p, unsigned int fmt, uint64_t pid, addr *ip, int64_t *time) ;
extern void pidtab_drop (pidtab *p, unsigned int fmt, uint64_t pid) ;

/*
 * One format.  parse returns 1 with *out filled if l is a successful
 * login of this format; 0 otherwise, with *why 0 if the line is none of
 * this format's business, or a short reason if it looks like a login of
 * this format but is refused (for readlog's dry run).
 */
typedef int login_parse_fn (logline const *l, unsigned int fmt, pidtab *p, login *out, char const **why) ;
typedef struct login_format_s login_format ;
struct login_format_s
{
  char const *name ;       /* "dovecot", "courier", ... */
  login_parse_fn *parse ;
  char const *sample ;     /* one successful login line, for docs and tests */
  char const *tags ;       /* every program tag parse reads, each ending
                              in NUL, then an empty one: "imapd\0pop3d\0" */
} ;
extern login_format const login_formats[] ;
extern unsigned int const login_nformats ;

/* index of a format by name, or -1 */
extern int login_format_index (char const *name, size_t len) ;

/*
 * login_scan: splits s, tries the enabled formats (bit i of enabled for
 * login_formats[i]).  Returns the index of the format that recognised a
 * login (out filled; out->time set to now if the line had no time), or
 * -1 with *why set if a format refused the line as a login, or -2 if the
 * line is nobody's login.
 */
extern int login_scan (char const *s, size_t len, int64_t now, uint64_t enabled, pidtab *p, login *out, char const **why) ;

/* the same, and *fmt is the index of the format that refused, on -1 */
extern int login_scan_fmt (char const *s, size_t len, int64_t now, uint64_t enabled, pidtab *p, login *out, char const **why, unsigned int *fmt) ;

/*
 * login_scan tries a format only on the lines whose tag is in its tags;
 * login_scan_every tries every enabled format on every line, for the
 * tests that check the two agree.
 */
extern int login_scan_every (char const *s, size_t len, int64_t now, uint64_t enabled, pidtab *p, login *out, char const **why, unsigned int *fmt) ;

#endif
