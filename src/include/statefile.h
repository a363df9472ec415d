/* ISC license. */

#ifndef POPLOCK_STATEFILE_H
#define POPLOCK_STATEFILE_H

#include <sys/types.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>

/*
 * Internal to the state library: what it trusts before it opens
 * anything in the state directory (doc/state.html, doc/threat.html), and
 * how it says what failed (state_failed, state.h).
 *
 * state_fail: records the failure of verb on DIR/file (file 0: the
 * directory itself), with reason when errno cannot say it; returns -1
 * with errno e.  state_failreset: no failure yet (every public function
 * begins with it).
 *
 * state_untrusted: 0 if a file or directory with status st, in a
 * directory owned by owner, can only have been written by owner or root;
 * else the reason: writable by everybody, owned by another account, or
 * writable by a group other accounts are in (state_groupalone).
 *
 * state_checkdir: the directory must be a directory state_untrusted
 * accepts, that the caller may search; to write (forwrite), the caller
 * must also be its owner, or root (root writing for an administrator
 * hands what it creates to the owner).  1 if fine, -1 (state_fail'd)
 * otherwise.  *owner (if not 0) gets the directory's owner.
 *
 * state_openread: opens DIR/name to read it, refusing a symlink (unless
 * follow: control files may be an administrator's links), anything that
 * is not a regular file (a FIFO would block a reader for ever), and a
 * file state_untrusted refuses.  The fd, or -1 (state_fail'd; errno
 * ENOENT if missing).
 *
 * state_slurp: reads DIR/name whole into sa (appends): 1, 0 if missing,
 * -1 on error.
 */
extern int state_fail (char const *verb, char const *file, char const *reason, int e) ;
extern void state_failreset (void) ;
extern int state_groupalone (gid_t gid, uid_t owner) ;
extern char const *state_untrusted (struct stat const *st, uid_t owner) ;
extern int state_checkdir (char const *dir, int forwrite, uid_t *owner) ;
extern int state_openread (char const *dir, char const *name, int follow) ;
extern int state_slurp (stralloc *sa, char const *dir, char const *name, int follow) ;

/*
 * state_giveaway: when root creates a file in the directory (an admin's
 * relaygrant, a compaction for an admin), it hands it to the directory's
 * owner and group, so that the account running readlog can still append
 * and compact (and open the lock, which is 0600).
 */
extern void state_giveaway (int fd, char const *dir) ;

/* DIR/name into buf, which has room for strlen(dir) + strlen(name) + 2 */
extern char *state_path (char *buf, char const *dir, char const *name) ;
#define STATE_PATH(dir, name) (strlen(dir) + strlen(name) + 2)

#endif
