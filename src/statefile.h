/* ISC license. */

#ifndef POPLOCK_STATEFILE_H
#define POPLOCK_STATEFILE_H

/*
 * Internal to the state library: what it trusts before it opens
 * anything in the state directory (doc/state.html, doc/threat.html).
 *
 * state_checkdir: the directory must be a directory that not everybody
 * may write to; to write (forwrite), the caller must also be its owner,
 * or root (root writing for an administrator hands what it creates to
 * the owner).  1 if fine; -1 with errno (ENOTDIR, EACCES, or stat's)
 * otherwise, after a warning on stderr that says what is wrong, since
 * errno alone ("operation not permitted") would not.
 *
 * state_openread: opens a file of the directory to read it, refusing a
 * symlink (unless follow: control files may be an administrator's
 * links), anything that is not a regular file (a FIFO would block a
 * reader for ever), and a file everybody may write to.  The fd, or -1
 * with errno: ENOENT if missing, ELOOP, EISDIR, EPROTO (not a regular
 * file), EACCES (writable by everybody), with a warning for the last
 * four.
 */
extern int state_checkdir (char const *dir, int forwrite) ;
extern int state_openread (char const *path, int follow) ;

/* reads the whole file into sa (appends): 1, 0 if missing, -1 on error */
#include <skalibs/stralloc.h>
extern int state_slurp (stralloc *sa, char const *path, int follow) ;

#endif
