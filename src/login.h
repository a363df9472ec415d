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
 *   @TAI64N SP | svlogd -tt/-ttt SP     multilog t, svlogd (UTC)
 *   FAC.PRI: SP                         socklog
 *   Mmm dd hh:mm:ss SP | ISO8601 SP     syslog, dovecot log_timestamp
 *   <FAC.PRI> SP                        FreeBSD -v/-vv (after a syslog stamp)
 *   HOST SP                             syslog (a token not ending in ':', or (none))
 *   FAC.PRI SP                          BusyBox (after a host)
 *   TAG[PID]: SP | TAG: SP              the program (after a syslog
 *                                       stamp and host, also without
 *                                       the colon: rsyslog, RFC 5424)
 *   [ID N FAC.PRI] SP                   Solaris, at the start of the
 *                                       message (after a syslog stamp)
 *
 * time is the outer (multilog, svlogd) stamp if there is one, else the syslog stamp, else
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
  unsigned int from ;                  /* set by login_scan: the reader (loginsrc's id) */
  char const *joinhost ; size_t joinhostlen ;  /* set by login_scan: host, or the reader's
                                          name for lines without one */
} ;
extern int logline_split (char const *s, size_t len, int64_t now, logline *l) ;

/* 1 if s (len bytes) is what logline_split takes for a syslog host: [A-Za-z0-9._:-]+ or "(none)" */
extern int logline_ishost (char const *s, size_t len) ;
extern int logline_hostchar (unsigned char c) ;  /* one byte of such a host */

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
 * Where lines come from: id names the reader (readlog's source, or its
 * group of sources); host, if not 0, is the host a line without a
 * syslog host is taken to be from (readlog -j).  Lines join only
 * within one id and one host.
 */
typedef struct loginsrc_s loginsrc ;
struct loginsrc_s
{
  unsigned int id ;
  char const *host ; size_t hostlen ;
} ;
#define LOGINSRC_ZERO { .id = 0, .host = 0, .hostlen = 0 }

/*
 * login_scan: splits s, tries the enabled formats (bit i of enabled for
 * login_formats[i]).  Returns the index of the format that recognised a
 * login (out filled; out->time set to now if the line had no time), or
 * -1 with *why set if a format refused the line as a login, or -2 if the
 * line is nobody's login.  tcpserver's lines go into p once, if an
 * enabled format reads them.
 */
extern int login_scan (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, login *out, char const **why) ;

/* the same, and *fmt is the index of the format that refused, on -1 */
extern int login_scan_fmt (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, login *out, char const **why, unsigned int *fmt) ;

/*
 * login_scan tries a format only on the lines whose tag is in its tags;
 * login_scan_every tries every enabled format on every line, for the
 * tests that check the two agree.
 */
extern int login_scan_every (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, login *out, char const **why, unsigned int *fmt) ;

/*
 * A line already in parts (readlog's journal entries: the tag, pid and
 * time from their own fields, never from the message): l's tag, haspid,
 * pid, time, now, msg and host (hostlen 0: none) are used; the NUL and
 * CR check is made on msg.  Returns as login_scan_fmt.
 */
extern int login_scan_logline (logline const *l, uint64_t enabled, loginsrc const *src, pidtab *p, login *out, char const **why, unsigned int *fmt) ;

/* the formats that read l's tag (bit i for login_formats[i]) */
extern uint64_t login_tagformats (logline const *l) ;

#endif
