/* ISC license. */

#ifndef POPLOCK_JTRUST_H
#define POPLOCK_JTRUST_H

#include <stddef.h>
#include "jexport.h"

/*
 * Trust rules for journal entries: the fields journald sets itself from
 * the sender's socket credentials and /proc (their names begin with
 * '_': _UID, _COMM, _EXE, _SYSTEMD_UNIT, _TRANSPORT...), never the ones
 * the sender writes (SYSLOG_IDENTIFIER, MESSAGE...).  A rule is
 * FIELD=V1:V2:..., met if the entry has FIELD and its value is one of
 * the Vs; a V of two digit runs A-B is a number from A to B.  An entry
 * is trusted if it meets every rule.
 *
 * A journal source's name carries them as trust=FIELD=V1:V2 items
 * (readlog.html), and so does an rsyslog source's (below); trust=none
 * is no rule at all.  Without any, each
 * format's defaults (jtrust_default) apply.
 */
#define JTRUST_RULES 8

typedef struct jtrust_s jtrust ;
struct jtrust_s
{
  unsigned int n ;
  int given ;          /* the source's name had trust= items */
  struct { char const *field ; size_t fieldlen ; char const *vals ; size_t valslen ; } r[JTRUST_RULES] ;
} ;
#define JTRUST_ZERO { .n = 0, .given = 0 }

/* a rule, FIELD=V1:V2 (len bytes, no NUL needed), added to t (pointing into s): 1, or 0 if it is not one */
extern int jtrust_add (jtrust *t, char const *s, size_t len) ;

/* the trust= items of a journal source's name (after "journal:", ','-separated): 1, or 0 if one is invalid */
extern int jtrust_parse (jtrust *t, char const *items) ;

/* the rules of format name when the source gives none */
extern void jtrust_default (jtrust *t, char const *format) ;

/* 1 if e meets every rule; 0 with *field the first rule's field it fails (not NUL-terminated: *fieldlen) */
extern int jtrust_check (jtrust const *t, jentry const *e, char const **field, size_t *fieldlen) ;

/*
 * rsyslog's trusted properties (imuxsock with SysSock.Annotate and
 * SysSock.ParseTrusted), as the template of readlog.html writes them
 * first on every line, before any byte the sender chose:
 *
 *   _PID="N" _UID="N" _GID="N" _COMM="..." _EXE="..." SP
 *
 * each value in rsyslog's csv form (in double quotes, a quote doubled)
 * and with its control characters as #NNN.  jtrust_line puts those
 * that are not empty into e, under those names, each value as written
 * (a quote doubled), and _TRANSPORT=syslog (imuxsock reads a syslog
 * socket): the journal's rules apply as they are.  It returns the bytes
 * of the prefix, its last space included, or 0 (e without a field) if
 * the line does not begin with it.
 */
extern size_t jtrust_line (char const *s, size_t len, jentry *e) ;

/*
 * An rsyslog source's name: "rsyslog:" PATH, then ",trust=..." items
 * (PATH ends at the first ",trust="): the length of PATH, or 0 if the
 * name is not one (no PATH, a journal: PATH, an item other than trust=).
 */
extern size_t jtrust_rsyslogname (char const *name) ;

#endif
