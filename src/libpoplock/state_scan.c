/* ISC license. */

#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include "addr.h"
#include "record.h"
#include "entrytab.h"
#include "snapshot.h"
#include "state.h"
#include "statefile.h"

static int run (char const *dir, entrytab *t, entry_fn *f, void *data)
{
  state_failreset() ;
  if (state_checkdir(dir, 0, 0) < 0) return -1 ;
  /* upstream first, as in state_lookup */
  if (entrytab_load(t, dir, "journal") < 0) return -1 ;
  if (entrytab_load(t, dir, "journal.old") < 0) return -1 ;
  return snapshot_fold(dir, "snapshot.cdb", t, f, data) ;
}

int state_scan (char const *dir, entry_fn *f, void *data)
{
  entrytab t = ENTRYTAB_ZERO ;
  int r = run(dir, &t, f, data) ;
  int e = errno ;
  entrytab_free(&t) ;
  errno = e ;
  return r ;
}
