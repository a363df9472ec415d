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
 * escape_line writes any text (a log line, for -n -v and the audit
 * trail) with bytes outside 0x20..0x7e and '%' as %XX: s must hold
 * ESCAPE_LINE_FMT(len) bytes; no NUL; returns the length.
 * escape_printable copies len bytes to to with anything not printable
 * ASCII made '?' (the text of a bad control line in a message), and a
 * NUL after them: to holds len + 1 bytes.
 */
#define ESCAPE_LINE_FMT(len) (3 * (len))
extern size_t escape_line (char *s, char const *line, size_t len) ;
extern void escape_printable (char *to, char const *s, size_t len) ;

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
