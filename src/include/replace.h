/* ISC license. */

#ifndef POPLOCK_REPLACE_H
#define POPLOCK_REPLACE_H

#include <stddef.h>
#include <skalibs/stralloc.h>

/*
 * Atomic replacement of PATH, the one way every writer here does it
 * (readlog's cursors, relayexport's files): the data goes to PATH.tmp,
 * mode 0644 whatever the umask, fsynced, renamed onto PATH, and PATH's
 * directory fsynced.  A crash leaves the old file or the new one.
 *
 * These files are written by root in directories another account may
 * own (the state directory), so PATH.tmp is first unlinked (a leftover
 * of a crash, or a link planted there to make root write elsewhere),
 * then created with O_EXCL | O_NOFOLLOW: a name that comes back between
 * the two makes the open fail (EEXIST or ELOOP), it is never followed.
 * rename replaces a link at PATH itself, never what it points to.
 * Functions return -1 with errno set on failure, and leave no PATH.tmp.
 *
 * replace_open: the temp file's fd; tmp gets its name.
 * replace_commit: fsyncs and closes fd, renames, fsyncs the directory
 *   unless nodirsync (a batch: the caller calls replace_syncdir once).
 * replace_write: the whole of it for len bytes at s.
 * replace_syncdir: fsyncs the directory dir; replace_syncdirof: the one
 *   holding path.
 * replace_tmpname: tmp gets PATH.tmp, NUL-terminated.
 *
 * replace_dirprivate: 1 if the directory holding path may be written by
 * no account but ours and root's (owned by us or root, not group- or
 * other-writable), 0 if not, -1 if it cannot be checked.  For a program
 * that writes there through names it does not open itself (tcprules).
 */
extern int replace_tmpname (char const *path, stralloc *tmp) ;
extern int replace_open (char const *path, stralloc *tmp) ;
extern int replace_commit (int fd, char const *tmp, char const *path, int nodirsync) ;
extern int replace_write (char const *path, char const *s, size_t len, int nodirsync) ;
extern int replace_syncdir (char const *dir) ;
extern int replace_syncdirof (char const *path) ;
extern int replace_dirprivate (char const *path) ;

#endif
