/* ISC license. */

#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include "addr.h"
#include "record.h"
#include "entrytab.h"
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
  size_t dirlen = strlen(dir) ;
  char path[dirlen + 14] ;
  struct scan_s x = { .t = t, .f = f, .data = data } ;
  if (state_checkdir(dir, 0) < 0) return -1 ;
  memcpy(path, dir, dirlen) ;
  /* upstream first, as in state_lookup */
  memcpy(path + dirlen, "/journal", 9) ;
  if (entrytab_load(t, path) < 0) return -1 ;
  memcpy(path + dirlen, "/journal.old", 13) ;
  if (entrytab_load(t, path) < 0) return -1 ;
  memcpy(path + dirlen, "/snapshot.cdb", 14) ;
  if (snapshot_stream(path, &merge_one, &x) < 0) return -1 ;
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
