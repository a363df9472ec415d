/* ISC license. */

#ifndef POPLOCK_LOGIN_H
#define POPLOCK_LOGIN_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "logline.h"
#include "pidtab.h"

/*
 * A successful login, as one format recognised it, or (event) a line
 * that ends sessions: LOGIN_END the end of the one session whose
 * server key is skey, LOGIN_STOP the stop or start of the server, which
 * ends all the sessions of this format read from this reader and host
 * (Dovecot writes no end line for the sessions open when it stops).
 * For LOGIN_END and LOGIN_STOP only time, skey and source are set
 * (source the server's, as the login's: "dovecot/imap"), and ip only
 * when the end line holds it.  A login whose line names its session
 * (Dovecot's session=<ID>, ...) has skey set, else 0: the same value
 * as its end line's (lp_skey of the same bytes).  A skey only names a
 * session within one reader, host and format: readlog's sessions.c
 * keys it by all four.
 */
#define LOGIN_GRANT 0
#define LOGIN_END 1
#define LOGIN_STOP 2
typedef struct loginok_s loginok ;
struct loginok_s
{
  addr ip ;
  int64_t time ;                       /* the line's time, -1 if none */
  char const *user ; size_t userlen ;  /* into the line, or a decoded copy valid until the next
                                          login_scan; userlen 0 if unknown */
  char const *source ;                 /* static: "dovecot/imap" etc. */
  unsigned int event ;                 /* LOGIN_GRANT, LOGIN_END, LOGIN_STOP */
  char const *host ; size_t hostlen ;  /* the host the line joins under (the syslog host, -j's, or none) */
  uint64_t skey ;                      /* the server's key of the session, 0 if none */
} ;

/*
 * One format.  parse returns 1 with *out filled if l is a successful
 * login of this format, or the end of a session or the server's stop or
 * start (out->event); 0 otherwise, with *why 0 if the line is none of
 * this format's business, or a short reason if it looks like a login of
 * this format but is refused (for readlog's dry run).
 */
typedef int login_parse_fn (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why) ;

/*
 * A program tag a format reads: the tag itself, or a rule (a "*" first
 * or last, lp_tagrule).  This list is the only place a format names its
 * tags: login_scan hands parse only the lines whose tag is listed, and
 * parse asks lp_tagkind which entry it was, never compares the tag
 * again.  kind is the format's own (the service a tag stands for),
 * from 1; LOGIN_TAG_JOIN marks an entry that is no tag parse reads:
 * tcpserver's, whose "ok" lines the format joins its logins to.  The
 * list ends with a null name.
 */
typedef struct login_tag_s login_tag ;
struct login_tag_s
{
  char const *name ;
  size_t len ;
  unsigned int kind ;
} ;
#define LOGIN_TAG(s, k) { .name = s, .len = sizeof(s) - 1, .kind = (k) }
#define LOGIN_TAG_JOIN 255
#define LOGIN_TAG_TCPSERVER LOGIN_TAG("tcpserver", LOGIN_TAG_JOIN)
#define LOGIN_TAG_END { .name = 0, .len = 0, .kind = 0 }

typedef struct login_format_s login_format ;
struct login_format_s
{
  char const *name ;       /* "dovecot", "courier", ... */
  login_parse_fn *parse ;
  char const *sample ;     /* one successful login line, for docs and tests */
  login_tag const *tags ;
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
  char const **rawnl ;
} ;
#define LOGINSRC_ZERO { .id = 0, .host = 0, .hostlen = 0, .rawnl = 0 }

/*
 * login_scan: splits s, tries the enabled formats (bit i of enabled for
 * login_formats[i]).  Returns the index of the format that recognised a
 * login, or an end (out->event; out filled; out->time set to now if the
 * line had no time), or
 * -1 with *why set if a format refused the line as a login, or -2 if the
 * line is nobody's login.  tcpserver's lines go into p once, if an
 * enabled format reads them.
 */
extern int login_scan (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, loginok *out, char const **why) ;

/* the same, and *fmt is the index of the format that refused, on -1 */
extern int login_scan_fmt (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, loginok *out, char const **why, unsigned int *fmt) ;

/*
 * A line already in parts (readlog's journal entries: the tag, pid and
 * time from their own fields, never from the message): l's tag, haspid,
 * pid, time, now, msg and host (hostlen 0: none) are used; the NUL and
 * CR check is made on msg.  Returns as login_scan_fmt.
 */
extern int login_scan_logline (logline const *l, uint64_t enabled, loginsrc const *src, pidtab *p, loginok *out, char const **why, unsigned int *fmt) ;

/* the formats that read l's tag (bit i for login_formats[i]) */
extern uint64_t login_tagformats (logline const *l) ;

#endif
