/* ISC license. */

#ifndef POPLOCK_ESCAPE_H
#define POPLOCK_ESCAPE_H

#include <stddef.h>

/*
 * escape_user writes a user name as the state's records do (record.h):
 * bytes outside 0x21..0x7e and '%' as %XX, "-" for an unknown (empty)
 * name, %2D for a name that is literally "-".  User names come from
 * clients, so anything printed for an admin goes through this.  s must
 * hold ESCAPE_USER_FMT(len) bytes; no NUL is written; returns the length.
 */
#define ESCAPE_USER_FMT(len) ((len) ? 3 * (len) : 1)
extern size_t escape_user (char *s, char const *user, size_t len) ;

/*
 * user_scan reads back exactly what escape_user writes, and nothing else:
 * s[0..len) must be escape_user's spelling of some name (upper-case %XX,
 * and only for a byte that needs it).  The name goes to out, at most max
 * bytes of it; *ulen is its whole length, which may be more than max (the
 * caller decides what a name too long means).  Returns 1, or 0 if s is
 * not such a spelling.
 */
extern int user_scan (char const *s, size_t len, char *out, size_t max, size_t *ulen) ;

#endif
