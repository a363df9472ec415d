/* ISC license. */

#ifndef POPLOCK_FOLLOW_H
#define POPLOCK_FOLLOW_H

/*
 * Wakes readlog when a followed file may have changed.  On Linux, an
 * inotify descriptor watching the directories that hold the sources
 * (a change to any file in them, a rename, a creation, a removal): the
 * caller polls it with iopause and then looks at every source.  Where
 * inotify is missing, follow_init returns -1 and the caller looks at
 * the sources every FOLLOW_POLL_MS milliseconds instead.
 */
#define FOLLOW_POLL_MS 50

extern int follow_init (void) ;                /* the fd to poll, or -1: poll by time (ENOSYS: no inotify here) */
extern int follow_watch (char const *dir) ;    /* 0, or -1 (errno) */
extern void follow_drain (void) ;              /* reads and forgets pending events */

#endif
