/* ISC license. */

#include <string.h>
#include <errno.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/djbunix.h>
#include "escape.h"
#include "net.h"
#include "state.h"
#include "statefile.h"

/*
 * The one reading of DIR/allow (state_allow_match is built on it): one
 * network per line, '#' to the end of the line is a comment, blanks
 * around are ignored, blank lines too.  Nothing is reported until the
 * whole file is known to be valid, so a typo is reported whichever line
 * it is on and whatever address is asked about.
 */

struct netline_s
{
  net n ;
  unsigned int line ;
} ;

state_allowwide_t state_allowwide[STATE_ALLOWWIDE_MAX] ;
unsigned int state_allowwide_n = 0 ;
unsigned int state_allowwide_more = 0 ;

/* the line's text for a message: cut, anything not printable ASCII a '?' */
static void printable (char *to, char const *s, size_t len)
{
  escape_printable(to, s, len > STATE_ALLOWTEXT_MAX ? STATE_ALLOWTEXT_MAX : len) ;
}

static int blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' ;
}

int state_allow_list (char const *dir, net_fn *f, void *data, unsigned int *line)
{
  stralloc sa = STRALLOC_ZERO ;
  genalloc nets = GENALLOC_ZERO ;  /* struct netline_s */
  size_t pos = 0, n ;
  unsigned int lineno = 0 ;
  int e = 0 ;
  static char badtext[STATE_ALLOWTEXT_MAX + 1] ;
  state_allowwide_n = state_allowwide_more = 0 ;
  state_failreset() ;
  if (state_checkdir(dir, 0, 0) < 0) return -1 ;
  if (state_slurp(&sa, dir, "allow", 1) <= 0) return errno == ENOENT ? 0 : -1 ;
  while (pos < sa.len)
  {
    char *eol = memchr(sa.s + pos, '\n', sa.len - pos) ;
    size_t end = eol ? (size_t)(eol - sa.s) : sa.len ;
    char *hash = memchr(sa.s + pos, '#', end - pos) ;
    size_t i = pos, j = hash ? (size_t)(hash - sa.s) : end ;
    struct netline_s x ;
    lineno++ ;
    while (i < j && blank(sa.s[i])) i++ ;
    while (j > i && blank(sa.s[j-1])) j-- ;
    if (j > i)
    {
      x.line = lineno ;
      if (!net_parse(sa.s + i, j - i, &x.n))
      {
        if (line) *line = lineno ;
        state_fail("read", "allow", errno == EDOM ? "host bits set in the network on line" : "invalid network on line", EINVAL) ;
        state_failed.line = lineno ;
        printable(badtext, sa.s + i, j - i) ;
        state_failed.text = badtext ;
        e = EINVAL ; goto err ;
      }
      {
        unsigned int why = net_wide(&x.n) ;
        if (why && state_allowwide_n < STATE_ALLOWWIDE_MAX)
        {
          state_allowwide_t *w = state_allowwide + state_allowwide_n++ ;
          w->line = lineno ; w->why = why ; w->n = x.n ;
          printable(w->text, sa.s + i, j - i) ;
        }
        else if (why) state_allowwide_more++ ;
      }
      if (!genalloc_append(struct netline_s, &nets, &x)) { e = errno ; state_fail("read", "allow", 0, e) ; goto err ; }
    }
    pos = end + 1 ;
  }
  stralloc_free(&sa) ;
  n = genalloc_len(struct netline_s, &nets) ;
  for (size_t k = 0 ; k < n ; k++)
  {
    struct netline_s const *x = genalloc_s(struct netline_s, &nets) + k ;
    if ((*f)(&x->n, x->line, data) == -1)
    {
      e = errno ;
      genalloc_free(struct netline_s, &nets) ;
      return (errno = e, -1) ;
    }
  }
  genalloc_free(struct netline_s, &nets) ;
  return (int)n ;

 err:
  stralloc_free(&sa) ;
  genalloc_free(struct netline_s, &nets) ;
  return (errno = e, -1) ;
}

/* the first network of DIR/allow that holds the address (state_allow_list reads the file) */
struct allowmatch_s
{
  addr const *a ;
  net *n ;
  unsigned int *line ;
  int found ;
} ;

static int allowmatch (net const *x, unsigned int line, void *data)
{
  struct allowmatch_s *m = data ;
  if (!m->found && net_match(x, m->a))
  {
    m->found = 1 ;
    if (m->n) *m->n = *x ;
    if (m->line) *m->line = line ;
  }
  return 0 ;
}

int state_allow_match (char const *dir, addr const *a, net *n, unsigned int *line)
{
  struct allowmatch_s m = { .a = a, .n = n, .line = line, .found = 0 } ;
  if (state_allow_list(dir, &allowmatch, &m, line) < 0) return -1 ;
  return m.found ;
}
