/* ISC license. */

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include "state.h"
#include "statefile.h"

/*
 * Whether a compaction is due, and when the last one was: from the
 * journal's and the snapshot's sizes and times (readlog, relaycheck).
 */

/* the status of DIR/name: 1, 0 if missing, -1 (state_fail'd) */
static int status (char const *dir, char const *name, struct stat *st)
{
  char path[STATE_PATH(dir, name)] ;
  if (stat(state_path(path, dir, name), st) == 0) return 1 ;
  return errno == ENOENT ? 0 : state_fail("read", name, 0, errno) ;
}

int state_compact_due (char const *dir, int64_t now, uint32_t maxage, unsigned int factor)
{
  struct stat st ;
  uint64_t max ;
  int r ;
  if (state_journalmax(dir, &max) <= 0) return -1 ;  /* errno EINVAL if 0 */
  r = status(dir, "journal", &st) ;
  if (r <= 0 || !st.st_size) return r ;
  if ((uint64_t)st.st_size / (factor ? factor : 1) > max) return 1 ;
  if (maxage == UINT32_MAX) return 0 ;
  r = status(dir, "snapshot.cdb", &st) ;
  if (r <= 0) return r < 0 ? -1 : 1 ;
  return st.st_mtime + (int64_t)maxage <= now ;
}

int state_compact_last (char const *dir, int64_t *t)
{
  struct stat st ;
  int r ;
  state_failreset() ;
  r = status(dir, "snapshot.cdb", &st) ;
  if (!r) r = status(dir, "lock", &st) ;
  if (r > 0) *t = st.st_mtime ;
  return r ;
}
