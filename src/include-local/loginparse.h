/* ISC license. */

#ifndef POPLOCK_LOGINPARSE_H
#define POPLOCK_LOGINPARSE_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "login.h"

/*
 * Small tools the parse_*.c parsers share.  Every one of them reads from a
 * fixed position forward (or from the end backward): nothing here
 * searches a message for a keyword, since a message holds text that
 * clients chose.
 */

/* s (len bytes) starts with the string p: strlen(p), else 0 */
extern size_t lp_prefix (char const *s, size_t len, char const *p) ;

/* s (len bytes) ends with the string p: 1 if so */
extern int lp_suffix (char const *s, size_t len, char const *p) ;

/* the tag is exactly name (tcpserver's, for lp_tcpserver) */
extern int lp_tag (logline const *l, char const *name) ;

/*
 * The kind of the first entry of login_formats[fmt].tags that l's tag
 * matches (login.h), or 0: how a parser learns which of its tags the
 * line has, from the one list that names them.
 */
extern unsigned int lp_tagkind (logline const *l, unsigned int fmt) ;

/*
 * A tag rule, as a format's tags list may hold: "cyrus/" then "*" is
 * "cyrus/" then a name of at least one byte; "*" then "/pop3" is a name
 * of at least one byte then "/pop3"; a rule without a "*" at either end
 * is the tag itself.  rulelen is strlen(rule).  1 if tag matches.
 */
extern int lp_tagrule (char const *tag, size_t taglen, char const *rule, size_t rulelen) ;

/*
 * An address literal at s, followed by exactly delim ("" means the end
 * of s).  Returns the bytes used, address and delimiter, or 0.  A zone
 * id, a longer run or a partial literal leaves the wrong byte after the
 * run, so they all fail here.
 */
extern size_t lp_addr (char const *s, size_t len, char const *delim, addr *a) ;

/* 1 if s (len bytes) is exactly an address literal and delim */
extern int lp_addrend (char const *s, size_t len, char const *delim, addr *a) ;

/* last occurrence of the string p in s, as an offset, or -1 */
extern long lp_rfind (char const *s, size_t len, char const *p) ;

/* first occurrence of byte c in s, as an offset, or -1 */
extern long lp_find (char const *s, size_t len, char c) ;

/* count of decimal digits at s */
extern size_t lp_digits (char const *s, size_t len) ;

/* a whole run of decimal digits, up to 18 of them, as a number: 1 or 0 */
extern int lp_uint (char const *s, size_t len, uint64_t *u) ;

/* fills out (event LOGIN_GRANT, skey 0); source static; returns 1 */
extern int lp_grant (loginok *out, logline const *l, addr const *a, char const *user, size_t userlen, char const *source) ;

/*
 * Sessions (login.h).  lp_skey: the server's key of a session from the
 * bytes that name it on the login line and again on its end line (a
 * session id, a port): never 0.  lp_end fills out as the end (event
 * LOGIN_END) of the session skey, at l's time; lp_stop as the server's
 * stop or start (LOGIN_STOP).  Both return 1.
 */
extern uint64_t lp_skey (char const *s, size_t len) ;
extern int lp_end (loginok *out, logline const *l, uint64_t skey, char const *source) ;
extern int lp_stop (loginok *out, logline const *l, char const *source) ;

/* sets *why (a refusal), returns 0 */
extern int lp_refuse (char const **why, char const *reason) ;

/*
 * tcpserver -v's lines, for the formats of servers it runs (login_scan
 * calls it once per line, for all of them): "ok PID LOCAL REMOTE" puts
 * a connection of REMOTE's address in p under PIDTAB_TCPSERVER, "end
 * PID ..." and "deny PID ..." close it at the line's time.  Tagged
 * tcpserver (multilog), or under any other tag with "tcpserver: " first
 * in the message (tcpserver 2>&1 | logger -t NAME).  1 if l was one of
 * those lines, 0 if not.
 */
extern int lp_tcpserver (logline const *l, pidtab *p) ;

/*
 * The address of the connection a multi-line format's login line l
 * belongs to, under fmt (its own connect lines) or tcpserver's: 1 with
 * *a set, or 0 (none open at l's time, two of them, or one opened more
 * than LP_PIDTAB_WINDOW seconds before l).  The connection is used up.
 */
#define LP_PIDTAB_WINDOW 3600
extern int lp_pidtake (pidtab *p, logline const *l, unsigned int fmt, uint64_t pid, addr *a) ;

/* the same, for a format's own keys in namespace ns (Mailutils' session ids), without tcpserver's */
extern int lp_keytake (pidtab *p, logline const *l, unsigned int ns, uint64_t key, addr *a) ;

/* a failed login or the end of a session: forgets the connection, its own or tcpserver's */
extern void lp_piddrop (pidtab *p, logline const *l, unsigned int fmt, uint64_t pid) ;

#endif
