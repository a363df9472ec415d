/* ISC license. */

#include <string.h>
#include <stdint.h>
#include "loginparse.h"
#include "jtrust.h"

/*
 * What Debian's packages give each server's log lines (doc/readlog.html
 * says why, and which of these were seen from the running server):
 * every format, a sender of a system account (Debian gives packages'
 * accounts uids below 1000, users theirs from 1000 up), through
 * syslog(3), the journal's own API or a service's stdout.  A format's
 * rule on a field replaces the common one; a field alone ("_UID") drops
 * it: the servers that send their login line after becoming the user.
 */
static char const *const common[] = { "_UID=0-999", "_TRANSPORT=syslog:journal:stdout", 0 } ;
static struct { char const *format ; char const *const rules[3] ; } const defaults[] =
{
  /* its log process, root's, writes every process's lines; dovecot -F's own under systemd */
  { "dovecot", { "_UID=0", "_COMM=log:dovecot", 0 } },
  /* courierlogger, root's, sends what imapd, pop3d and couriertcpd write to their stderr */
  { "courier", { "_UID=0", "_COMM=courierlogger", 0 } },
  /* master's children, as the cyrus account (a system one) */
  { "cyrus", { "_COMM=imapd:pop3d", 0 } },
  /* "Authentication passed" comes after the switch to the user */
  { "popa3d", { "_UID", "_COMM=popa3d", 0 } },
  /* "logged in" comes after the switch to the user */
  { "mailutils", { "_UID", "_COMM=imap4d:pop3d", 0 } },
  /* the login line comes before the switch */
  { "solid-pop3d", { "_UID=0", "_COMM=solid-pop3d", 0 } },
  /* not in Debian 12 or 13; upstream logs "Login" after loginpw() */
  { "uw", { "_UID", "_COMM=imapd:ipop3d:ipop2d", 0 } },
  /* as nobody, its compiled-in user; the name it was run by, cut to 15 bytes by the kernel */
  { "perdition", { "_UID=65534", "_COMM=perdition:perdition.pop3:perdition.pop3s:perdition.imap4:perdition.imaps", 0 } },
} ;

static int fieldname (char const *s, size_t len)
{
  if (len < 2 || s[0] != '_') return 0 ;
  for (size_t i = 0 ; i < len ; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) return 0 ;
  return 1 ;
}

int jtrust_add (jtrust *t, char const *s, size_t len)
{
  long eq = lp_find(s, len, '=') ;
  size_t i ;
  if (eq <= 0 || !fieldname(s, eq) || (size_t)eq + 1 == len || t->n == JTRUST_RULES) return 0 ;
  /* no empty value: "a::b" or a ':' at either end is a typo */
  for (i = eq + 1 ; i < len ; i++)
    if (s[i] == ':' && (i == (size_t)eq + 1 || i + 1 == len || s[i+1] == ':')) return 0 ;
  t->r[t->n].field = s ; t->r[t->n].fieldlen = eq ;
  t->r[t->n].vals = s + eq + 1 ; t->r[t->n++].valslen = len - eq - 1 ;
  return 1 ;
}

int jtrust_parse (jtrust *t, char const *items)
{
  t->n = 0 ; t->given = 0 ;
  while (*items)
  {
    size_t n = strcspn(items, ",") ;
    size_t k = lp_prefix(items, n, "trust=") ;
    if (k)
    {
      if (n - k == 4 && !memcmp(items + k, "none", 4)) t->given = 1 ;
      else if (!jtrust_add(t, items + k, n - k)) return 0 ;
      else t->given = 1 ;
    }
    items += n ;
    if (*items) items++ ;
  }
  return 1 ;
}

/* rule s replaces t's rule on its field, in its place, or is added; a field alone only drops it */
static void setrule (jtrust *t, char const *s)
{
  jtrust y = JTRUST_ZERO ;
  size_t n = strcspn(s, "=") ;
  unsigned int i = 0 ;
  while (i < t->n && !(t->r[i].fieldlen == n && !memcmp(t->r[i].field, s, n))) i++ ;
  if (!s[n] || !jtrust_add(&y, s, strlen(s)))
  {
    if (i < t->n)
    {
      memmove(t->r + i, t->r + i + 1, (t->n - i - 1) * sizeof(t->r[0])) ;
      t->n-- ;
    }
    return ;
  }
  if (i < t->n) t->r[i] = y.r[0] ;
  else if (t->n < JTRUST_RULES) t->r[t->n++] = y.r[0] ;
}

void jtrust_default (jtrust *t, char const *format)
{
  t->n = 0 ; t->given = 0 ;
  for (unsigned int i = 0 ; common[i] ; i++) jtrust_add(t, common[i], strlen(common[i])) ;
  for (unsigned int k = 0 ; k < sizeof(defaults) / sizeof(defaults[0]) ; k++)
    if (!strcmp(defaults[k].format, format))
      for (unsigned int i = 0 ; defaults[k].rules[i] ; i++) setrule(t, defaults[k].rules[i]) ;
}

/* v (a value of the rule) admits the entry's value s */
static int admits (char const *v, size_t vlen, char const *s, size_t len)
{
  long dash = lp_find(v, vlen, '-') ;
  uint64_t a, b, x ;
  if (vlen == len && !memcmp(v, s, len)) return 1 ;
  if (dash <= 0 || !lp_uint(v, dash, &a) || !lp_uint(v + dash + 1, vlen - dash - 1, &b)) return 0 ;
  return lp_uint(s, len, &x) && a <= x && x <= b ;
}

static int meets (char const *vals, size_t valslen, char const *s, size_t len)
{
  while (valslen)
  {
    long c = lp_find(vals, valslen, ':') ;
    size_t n = c < 0 ? valslen : (size_t)c ;
    if (admits(vals, n, s, len)) return 1 ;
    if (c < 0) break ;
    vals += n + 1 ; valslen -= n + 1 ;
  }
  return 0 ;
}

int jtrust_check (jtrust const *t, jentry const *e, char const **field, size_t *fieldlen)
{
  for (unsigned int i = 0 ; i < t->n ; i++)
  {
    char name[t->r[i].fieldlen + 1] ;
    char const *v ;
    size_t len ;
    memcpy(name, t->r[i].field, t->r[i].fieldlen) ; name[t->r[i].fieldlen] = 0 ;
    if (!jentry_get(e, name, &v, &len) || !meets(t->r[i].vals, t->r[i].valslen, v, len))
    {
      *field = t->r[i].field ; *fieldlen = t->r[i].fieldlen ;
      return 0 ;
    }
  }
  return 1 ;
}
