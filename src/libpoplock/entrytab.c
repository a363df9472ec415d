/* ISC license. */

#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/alloc.h>
#include <skalibs/djbunix.h>
#include "addr.h"
#include "record.h"
#include "entrytab.h"
#include "statefile.h"

static uint32_t hash (addr const *a)
{
  uint32_t h = 2166136261U ;
  for (unsigned int i = 0 ; i < 16 ; i++) h = (h ^ a->ip[i]) * 16777619U ;
  return (h ^ a->is6) * 16777619U ;
}

size_t entrytab_len (entrytab const *t)
{
  return genalloc_len(entrytab_slot, &t->slots) ;
}

entrytab_slot *entrytab_slotat (entrytab const *t, size_t i)
{
  return genalloc_s(entrytab_slot, &t->slots) + i ;
}

static uint32_t *probe (entrytab const *t, addr const *ip)
{
  uint32_t i = hash(ip) & t->mask ;
  for (;;)
  {
    uint32_t *p = t->index + i ;
    if (!*p || addr_equal(&entrytab_slotat(t, *p - 1)->ip, ip)) return p ;
    i = (i + 1) & t->mask ;
  }
}

entrytab_slot *entrytab_find (entrytab const *t, addr const *ip)
{
  uint32_t *p ;
  if (!t->index) return 0 ;
  p = probe(t, ip) ;
  return *p ? entrytab_slotat(t, *p - 1) : 0 ;
}

static int grow (entrytab *t)
{
  size_t n = entrytab_len(t) ;
  uint32_t size = t->index ? (t->mask + 1) << 1 : 1024 ;
  uint32_t *old = t->index ;
  if (!size || size > UINT32_MAX / 2) return (errno = ENOMEM, 0) ;
  t->index = alloc(size * sizeof(uint32_t)) ;
  if (!t->index) { t->index = old ; return 0 ; }
  memset(t->index, 0, size * sizeof(uint32_t)) ;
  t->mask = size - 1 ;
  for (size_t i = 0 ; i < n ; i++) *probe(t, &entrytab_slotat(t, i)->ip) = i + 1 ;
  alloc_free(old) ;
  return 1 ;
}

static entrytab_sessnode *node (entrytab const *t, uint32_t i)
{
  return genalloc_s(entrytab_sessnode, &t->sessnodes) + i ;
}

/* the link to set after prev: the slot's head if prev is none */
static uint32_t *linkafter (entrytab const *t, entrytab_slot *s, uint32_t prev)
{
  return prev == ENTRYTAB_NONE ? &s->sess : &node(t, prev)->next ;
}

/* entry_fold's sess_fold, on offsets: the same sessions win and stay */
static int sessfold (entrytab *t, entrytab_slot *s, record const *r, uint32_t off)
{
  uint32_t prev = ENTRYTAB_NONE, i = s->sess, id ;
  unsigned int n = 0 ;
  for (; i != ENTRYTAB_NONE ; prev = i, i = node(t, i)->next, n++)
  {
    record cur ;
    int c ;
    record_scan(t->buf.s + node(t, i)->off, t->buf.len - node(t, i)->off, &cur) ;
    c = entry_sesscmp(r, &cur) ;
    if (!c)
    {
      if (entry_better(r, &cur)) node(t, i)->off = off ;
      return 1 ;
    }
    if (c > 0) break ;
  }
  if (n == ENTRY_SESSIONS) return 1 ;
  id = genalloc_len(entrytab_sessnode, &t->sessnodes) ;
  if (id >= ENTRYTAB_NONE) return (errno = ENOMEM, 0) ;
  {
    entrytab_sessnode new = { .off = off, .next = i } ;
    if (!genalloc_append(entrytab_sessnode, &t->sessnodes, &new)) return 0 ;
  }
  *linkafter(t, s, prev) = id ;
  /* past ENTRY_SESSIONS, the oldest is cut off (its node stays, unused) */
  for (prev = id, n++ ; node(t, prev)->next != ENTRYTAB_NONE ; prev = node(t, prev)->next, n++)
    if (n == ENTRY_SESSIONS) { node(t, prev)->next = ENTRYTAB_NONE ; break ; }
  return 1 ;
}

static int fold (entrytab *t, record const *r, uint32_t off)
{
  uint32_t *p ;
  entrytab_slot *s ;
  unsigned int k = entry_slot(r) ;
  if (!t->index || (entrytab_len(t) + 1) * 2 > (size_t)t->mask + 1)
    if (!grow(t)) return 0 ;
  p = probe(t, &r->ip) ;
  if (!*p)
  {
    entrytab_slot new = { .ip = r->ip, .done = 0, .off = { ENTRYTAB_NONE, ENTRYTAB_NONE, ENTRYTAB_NONE }, .sess = ENTRYTAB_NONE } ;
    if (!genalloc_append(entrytab_slot, &t->slots, &new)) return 0 ;
    *p = entrytab_len(t) ;
  }
  s = entrytab_slotat(t, *p - 1) ;
  if (k == 3) return sessfold(t, s, r, off) ;
  if (s->off[k] != ENTRYTAB_NONE)
  {
    record cur ;
    record_scan(t->buf.s + s->off[k], t->buf.len - s->off[k], &cur) ;
    if (!entry_better(r, &cur)) return 1 ;
  }
  s->off[k] = off ;
  return 1 ;
}

int entrytab_load (entrytab *t, char const *dir, char const *name)
{
  size_t start = t->buf.len, pos ;
  record r ;
  int fd = state_openread(dir, name, 0) ;
  struct stat st ;
  if (fd < 0) return errno == ENOENT ? 0 : -1 ;
  /* one allocation of the right size, not a series of growths */
  if (fstat(fd, &st) < 0 || !stralloc_readyplus(&t->buf, st.st_size + 4097)
   || !slurp(&t->buf, fd))
  {
    int e = errno ;
    fd_close(fd) ;
    return state_fail("read", name, 0, e) ;
  }
  fd_close(fd) ;
  /*
   * Between two files, a byte no record holds: a torn tail stays no
   * record, as in state_lookup, which reads each file alone (an LF here
   * would complete a tail that lacks only its own), and the next file's
   * first record is found by the resynchronising scan.
   */
  if (!stralloc_catb(&t->buf, "", 1)) return state_fail("read", name, 0, errno) ;
  if (t->buf.len >= ENTRYTAB_NONE) return state_fail("read", name, 0, EFBIG) ;
  pos = start ;
  for (;;)
  {
    size_t n = record_find(t->buf.s, t->buf.len, &pos, &r) ;
    if (!n) break ;
    if (!fold(t, &r, pos)) return state_fail("read", name, 0, errno) ;
    pos += n ;
  }
  return 1 ;
}

void entrytab_entry (entrytab const *t, entrytab_slot const *s, entry *e)
{
  entry_init(e, &s->ip) ;
  for (unsigned int k = 0 ; k < 3 ; k++)
    if (s->off[k] != ENTRYTAB_NONE)
    {
      record r ;
      if (record_scan(t->buf.s + s->off[k], t->buf.len - s->off[k], &r)) entry_fold(e, &r) ;
    }
  for (uint32_t i = s->sess ; i != ENTRYTAB_NONE ; i = node(t, i)->next)
  {
    record r ;
    entrytab_sessnode const *x = node(t, i) ;
    if (record_scan(t->buf.s + x->off, t->buf.len - x->off, &r)) entry_fold(e, &r) ;
  }
}

void entrytab_free (entrytab *t)
{
  stralloc_free(&t->buf) ;
  genalloc_free(entrytab_slot, &t->slots) ;
  genalloc_free(entrytab_sessnode, &t->sessnodes) ;
  alloc_free(t->index) ;
  t->index = 0 ;
  t->mask = 0 ;
}
