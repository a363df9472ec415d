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

struct scan_s
{
  entrytab *t ;
  entry_fn *f ;
  void *data ;
} ;

static int merge_one (char const *key, size_t keylen, entry const *e, void *data)
{
  struct scan_s *x = data ;
  entrytab_slot *s = entrytab_find(x->t, &e->ip) ;
  (void)key ; (void)keylen ;
  if (s)
  {
    entry m, j ;
    m = *e ;
    entrytab_entry(x->t, s, &j) ;
    entry_merge(&m, &j) ;
    s->done = 1 ;
    return (*x->f)(&m, x->data) ;
  }
  return (*x->f)(e, x->data) ;
}

static int run (char const *dir, entrytab *t, entry_fn *f, void *data)
{
  struct scan_s x = { .t = t, .f = f, .data = data } ;
  state_failreset() ;
  if (state_checkdir(dir, 0, 0) < 0) return -1 ;
  /* upstream first, as in state_lookup */
  if (entrytab_load(t, dir, "journal") < 0) return -1 ;
  if (entrytab_load(t, dir, "journal.old") < 0) return -1 ;
  if (snapshot_stream(dir, "snapshot.cdb", &merge_one, &x) < 0) return -1 ;
  for (size_t i = 0 ; i < entrytab_len(t) ; i++)
  {
    entrytab_slot *s = entrytab_slotat(t, i) ;
    entry e ;
    if (s->done) continue ;
    entrytab_entry(t, s, &e) ;
    if ((*f)(&e, data) < 0) return -1 ;
  }
  return 0 ;
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
