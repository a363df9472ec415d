/* ISC license. */

#include <string.h>
#include <errno.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include "addr.h"
#include "net.h"
#include "state.h"

/*
 * The programs' one line for a failure of the state library: the
 * library says which object failed and why (state_failed), never prints.
 */
struct say_s
{
  char const *verb, *pre, *slash, *file, *reason, *colon, *text, *endq ;
  char line[UINT_FMT + 1] ;
} ;

/*
 * Where the warnings go: stderr, "PROG: warning: " first, unless a
 * program (relaycheck) asked for them through state_warn_to.
 */
static void tostderr (char const *const *v, unsigned int n, void *data)
{
  char const *w[n + 2] ;
  (void)data ;
  w[0] = PROG ; w[1] = ": warning: " ;
  for (unsigned int i = 0 ; i < n ; i++) w[i + 2] = v[i] ;
  strerr_warnv(w, n + 2) ;
}

static state_warn_fn *sink = &tostderr ;
static void *sinkdata = 0 ;

void state_warn_to (state_warn_fn *f, void *data)
{
  sink = f ? f : &tostderr ;
  sinkdata = f ? data : 0 ;
}

#define SAY(...) do { char const *v_[] = { __VA_ARGS__ } ; (*sink)(v_, sizeof(v_) / sizeof(*v_), sinkdata) ; } while (0)

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
  /* the bad line of allow, the bad value of a control file */
  s->colon = f->text ? ": \"" : "" ;
  s->text = f->text ? f->text : "" ;
  s->endq = f->text ? "\"" : "" ;
}

void state_warn (char const *dir)
{
  state_warn_effect(dir, 0) ;
}

void state_warn_effect (char const *dir, char const *effect)
{
  struct say_s s ;
  say(&s) ;
  SAY("unable to ", s.verb, " ", s.pre, dir, s.slash, s.file, ": ", s.reason, s.line, s.colon, s.text, s.endq, effect ? ": " : "", effect ? effect : "") ;
}

void state_die (int e, char const *dir)
{
  struct say_s s ;
  say(&s) ;
  strerr_diefu(e, s.verb, " ", s.pre, dir, s.slash, s.file, ": ", s.reason, s.line, s.colon, s.text, s.endq) ;
}

/*
 * The networks of DIR/allow wider than an administrator means, one line
 * each: "DIR/allow line N: TEXT covers WHAT: every client there may relay".
 */
void state_warn_allow (char const *dir)
{
  for (unsigned int i = 0 ; i < state_allowwide_n ; i++)
  {
    state_allowwide_t const *w = state_allowwide + i ;
    char line[UINT_FMT] ;
    char first[ADDR_FMT + 1], last[ADDR_FMT + 1] ;
    addr a ;
    line[uint_fmt(line, w->line)] = 0 ;
    first[addr_fmt(first, &w->n.a)] = 0 ;
    net_last(&w->n, &a) ;
    last[addr_fmt(last, &a)] = 0 ;
    if (w->why & NET_WIDE_ALL6)
      SAY(dir, "/allow line ", line, ": ", w->text, " covers all of IPv6 and all of IPv4: every client may relay") ;
    else if (!w->n.a.is6 && w->why & NET_WIDE_ALL4)
      SAY(dir, "/allow line ", line, ": ", w->text, " covers all of IPv4: every IPv4 client may relay") ;
    else
      SAY(dir, "/allow line ", line, ": ", w->text, " covers ", first, " to ", last,
        w->why & NET_WIDE_BITS ? (w->n.a.is6 ? ", wider than /32" : ", wider than /8") : "",
        w->why & NET_WIDE_ALL4 ? ", with all of IPv4" : "", ": every client there may relay") ;
  }
  if (state_allowwide_more)
  {
    char more[UINT_FMT] ;
    more[uint_fmt(more, state_allowwide_more)] = 0 ;
    SAY(dir, "/allow: ", more, " more lines as wide") ;
  }
}

/* a grace of 0 is valid, and turns relaying after a login off: say so */
void state_warn_grace (char const *dir, uint32_t grace)
{
  if (!grace) SAY(dir, "/grace: the value is \"0\": no login opens relaying (only the networks of ", dir, "/allow and grants with their own duration do)") ;
}
