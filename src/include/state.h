/* ISC license. */

#ifndef POPLOCK_STATE_H
#define POPLOCK_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/gccattributes.h>
#include "addr.h"
#include "net.h"
#include "record.h"
#include "entry.h"

/*
 * The state directory (doc/state.html):
 *
 *   journal       records appended by writers, O_APPEND, one write each
 *   journal.old   the journal a compaction is folding (exists only then,
 *                 or after a crash, until the next compaction)
 *   snapshot.cdb  key: canonical address; value: its entry's records
 *   snapshot.tmp  a snapshot being written (never read)
 *   lock          flock(2)ed by the one compactor at work; mode 0600, the
 *                 owner's, so that no other account can open it and hold
 *                 compaction off (a lock file others can open is replaced)
 *   grace         control: seconds a login allows relaying (default 1800)
 *   allow         control: static networks, one per line, # comments
 *   journalmax    control: journal size that triggers compaction
 *   sessionmax    control: seconds a session may last (default 86400, 0: off)
 *
 * Writers take no lock: after each append they check that their file is
 * still named journal, and append again to the new one if a compactor
 * renamed it meanwhile (a record read twice folds to the same entry).  Records move journal -> journal.old ->
 * snapshot.cdb, each move adding downstream before removing upstream, and
 * readers read upstream first (journal, journal.old, snapshot.cdb), so a
 * reader never misses a record written before it began.
 *
 * Every function returns -1 and sets errno on a system error.
 *
 * Trust: a directory or file somebody other than its owner (or root)
 * could have written is refused, readers included: writable by
 * everybody, by a group that is not the owner's alone, or a state file
 * owned by another account (statefile.h).
 */

/*
 * What failed, for the one line a program prints (state_warn): every
 * function that fails (or finds a control file invalid) says here which
 * object of the directory it was, and why when errno cannot say it.
 * Like errno, it describes the last failure, and is meaningless after a
 * success.  file is "journal", "snapshot.cdb", "grace", "allow",
 * "lock", ... or 0 for the directory itself; reason is a phrase such as
 * "it is not a regular file", or 0 when strerror(errno) is the reason;
 * line is the invalid line of allow, or 0.
 */
typedef struct state_failure_s state_failure ;
struct state_failure_s
{
  char const *verb ;
  char const *file ;
  char const *reason ;
  unsigned int line ;
  char const *text ;   /* the bad line of allow or value of a control file, made printable, or 0 */
} ;
#define STATE_FAILURE_ZERO { .verb = 0, .file = 0, .reason = 0, .line = 0, .text = 0 }
extern state_failure state_failed ;

/*
 * For programs, not the library: one line "unable to VERB DIR/FILE:
 * REASON" (or "the state directory DIR") from state_failed and errno,
 * as a warning or a fatal error with exit code e.
 */
extern void state_warn (char const *dir) ;
extern void state_warn_effect (char const *dir, char const *effect) ;  /* the line, then ": EFFECT" */
extern void state_die (int e, char const *dir) gccattr_noreturn ;

/*
 * state_warn_to: the warning lines of state_warn, state_warn_effect,
 * state_warn_grace and state_warn_allow go to f instead of stderr, as
 * the pieces of one line without "PROG: warning: " and without its LF
 * (f 0: stderr again).  relaycheck prints them on stdout after a
 * keyword of its own, so its findings are the other programs' words.
 */
typedef void state_warn_fn (char const *const *v, unsigned int n, void *data) ;
extern void state_warn_to (state_warn_fn *f, void *data) ;

#define STATE_GRACE_DEFAULT 1800
#define STATE_TEXT_(n) #n
#define STATE_TEXT(n) STATE_TEXT_(n)  /* a constant as text, for a message */
#define STATE_JOURNALMAX_DEFAULT 65536
#define STATE_SESSIONMAX_DEFAULT 86400
#define STATE_COMPACT_AGE 300

extern char const *auto_state ;   /* compiled-in default directory, from conf-state */

/*
 * Writers.  A state_writer keeps the journal open between appends (for
 * readlog); one-shot writers use state_append.  A record's time later
 * than now is clamped to now.  Records are written with one write(2)
 * each batch, so concurrent writers never interleave.  If sync, the
 * journal is fsynced before returning.
 */
typedef struct state_writer_s state_writer ;
struct state_writer_s
{
  char const *dir ;
  int fd ;
} ;
#define STATE_WRITER_ZERO { .dir = 0, .fd = -1 }
extern int state_writer_append (state_writer *w, record const *r, unsigned int n, int sync) ;
extern void state_writer_close (state_writer *w) ;
extern int state_append (char const *dir, record const *r, int sync) ;

/*
 * Readers.  state_lookup folds what the directory knows of one address:
 * 1 if it knows something, 0 if nothing, -1 on error (a missing state
 * directory is an error; a missing file in it is not).  A damaged
 * snapshot is an error (errno EPROTO, reason "it is not a valid
 * snapshot"); damaged journal bytes are skipped.
 */
extern int state_lookup (char const *dir, addr const *a, entry *e) ;

/* state_scan calls f once for every address the directory knows; -1 stops it */
extern int state_scan (char const *dir, entry_fn *f, void *data) ;

/*
 * Compaction: folds journal and snapshot into a new snapshot, dropping
 * entries entry_useful says are over.  Returns 1 if done, 0 if another
 * compactor holds the lock, -1 on error (the state is left as it was or
 * as valid as after a crash).  state_compact_last: when the directory
 * was last compacted (snapshot.cdb's time, or the lock's if it has no
 * snapshot yet): 1, 0 if never, -1 on error; a compactor that keeps
 * finding the lock taken says so once that is long ago.  state_compact_due says if the journal is
 * larger than factor times journalmax, or the snapshot older than maxage
 * seconds while the journal is not empty (never, with maxage
 * UINT32_MAX): readlog catching up on a backlog compacts less often.
 */
extern int state_compact (char const *dir, int64_t now, uint32_t grace, uint32_t smax, uint32_t keep) ;
extern int state_compact_due (char const *dir, int64_t now, uint32_t maxage, unsigned int factor) ;
extern int state_compact_last (char const *dir, int64_t *t) ;

/*
 * Control files.  state_grace: the grace period (the default when the
 * file is missing): 1, or 0 with errno EINVAL if the file is not one
 * decimal number of seconds up to GRANT_MAX, -1 on a read error.
 */
extern int state_grace (char const *dir, uint32_t *grace) ;
extern int state_journalmax (char const *dir, uint64_t *max) ;
/* state_sessionmax: as state_grace, for sessionmax (0 turns sessions off) */
extern int state_sessionmax (char const *dir, uint32_t *smax) ;
extern void state_warn_grace (char const *dir, uint32_t grace) ;  /* for programs: the warning if grace is 0 */

/*
 * state_allow_match: 1 if a lies in a network of DIR/allow (*n gets it),
 * 0 if not or the file is missing, -1 on error; an invalid line makes it
 * -1 with errno EINVAL and *line (and state_failed.line and .text) its
 * number, so a typo is reported, not silently ignored; a network with
 * host bits set (10.0.0.1/8) is such an invalid line.
 */
extern int state_allow_match (char const *dir, addr const *a, net *n, unsigned int *line) ;

/*
 * state_allow_list: calls f on every network of DIR/allow, with its line
 * number, in file order, after checking the whole file: the number of
 * networks, 0 if the file is missing, -1 on error (EINVAL with *line for
 * an invalid line, or whatever f returned -1 with).  state_allow_match
 * and showallowed -a are built on it.
 */
typedef int net_fn (net const *n, unsigned int line, void *data) ;
extern int state_allow_list (char const *dir, net_fn *f, void *data, unsigned int *line) ;

/*
 * What the last read of DIR/allow found valid but too wide (net_wide):
 * state_allowwide[0..state_allowwide_n), each with its line, the line's
 * text and net_wide's reasons; a program says them with
 * state_warn_allow.  Meaningless after a read that failed.
 */
#define STATE_ALLOWWIDE_MAX 16
#define STATE_ALLOWTEXT_MAX 64
typedef struct state_allowwide_s state_allowwide_t ;
struct state_allowwide_s
{
  unsigned int line ;
  unsigned int why ;
  net n ;
  char text[STATE_ALLOWTEXT_MAX + 1] ;
} ;
extern state_allowwide_t state_allowwide[STATE_ALLOWWIDE_MAX] ;
extern unsigned int state_allowwide_n ;     /* the ones kept, at most STATE_ALLOWWIDE_MAX */
extern unsigned int state_allowwide_more ;  /* the ones past those */
extern void state_warn_allow (char const *dir) ;  /* one warning line each, and for the ones past */

#endif
