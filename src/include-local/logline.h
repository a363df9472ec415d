/* ISC license. */

#ifndef POPLOCK_LOGLINE_H
#define POPLOCK_LOGLINE_H

#include <stddef.h>
#include <stdint.h>

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
  int socklog ;                        /* the line has socklog's "FAC.PRI: " */
  int64_t now ;                        /* as given: for stamps inside msg */
  unsigned int from ;                  /* set by login_scan: the reader (loginsrc's id) */
  char const *joinhost ; size_t joinhostlen ;  /* set by login_scan: host, or the reader's
                                          name for lines without one */
} ;
extern int logline_split (char const *s, size_t len, int64_t now, logline *l) ;

/*
 * The server whose line l is, if it is one that can put a client's
 * newline into a syslog message as it came (doc/threat.html#newline):
 * its name ("Cyrus imapd", ...), else 0.  By the tag, and for the tag
 * imapd, which Courier uses too, by the words Cyrus' and UW's lines
 * begin with: Courier's own lines (courierlogger sends one message per
 * line) do not count.
 */
extern char const *logline_rawnl (logline const *l) ;
/* the same name, static, if s (len bytes) is one logline_rawnl gives, else 0 */
extern char const *logline_rawnl_name (char const *s, size_t len) ;

/* 1 if s (len bytes) is what logline_split takes for a syslog host: [A-Za-z0-9._:-]+ or "(none)" */
extern int logline_ishost (char const *s, size_t len) ;
extern int logline_hostchar (unsigned char c) ;  /* one byte of such a host */

#endif
