/* ISC license. */

#include <string.h>
#include <errno.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "state.h"

/*
 * The programs' one line for a failure of the state library: the
 * library says which object failed and why (state_failed), never prints.
 */
struct say_s
{
  char const *verb, *pre, *slash, *file, *reason ;
  char line[UINT_FMT + 1] ;
} ;

static void say (struct say_s *s)
{
  state_failure const *f = &state_failed ;
  s->verb = f->verb ? f->verb : "use" ;
  s->reason = f->reason ? f->reason : strerror(errno) ;
  s->pre = f->file ? "" : "the state directory " ;
  s->slash = f->file ? "/" : "" ;
  s->file = f->file ? f->file : "" ;
  s->line[0] = 0 ;
  if (f->line) { s->line[0] = ' ' ; s->line[1 + uint_fmt(s->line + 1, f->line)] = 0 ; }
}

void state_warn (char const *dir)
{
  state_warn_effect(dir, 0) ;
}

void state_warn_effect (char const *dir, char const *effect)
{
  struct say_s s ;
  say(&s) ;
  strerr_warnwu(s.verb, " ", s.pre, dir, s.slash, s.file, ": ", s.reason, s.line, effect ? ": " : "", effect ? effect : "") ;
}

void state_die (int e, char const *dir)
{
  struct say_s s ;
  say(&s) ;
  strerr_diefu(e, s.verb, " ", s.pre, dir, s.slash, s.file, ": ", s.reason, s.line) ;
}
