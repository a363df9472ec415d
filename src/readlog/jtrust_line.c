/* ISC license. */

#include <string.h>
#include "jtrust.h"

/*
 * The order and the names are the template's (readlog.html): rsyslog
 * writes every one of them on every line, empty for a message that came
 * with no credentials (another input, or a sender gone before rsyslog
 * looked it up in /proc).
 */
static char const *const names[] = { "_PID", "_UID", "_GID", "_COMM", "_EXE" } ;
#define NUMERIC 3   /* the first three are numbers */

/* a value in rsyslog's csv form at s, then a space: the bytes it takes, or 0 */
static size_t quoted (char const *s, size_t len, int numeric)
{
  size_t i = 1 ;
  if (!len || s[0] != '"') return 0 ;
  for (;;)
  {
    if (i >= len) return 0 ;
    if (s[i] == '"')
    {
      if (i + 1 < len && s[i+1] == '"' && !numeric) { i += 2 ; continue ; }
      return i + 1 < len && s[i+1] == ' ' ? i + 2 : 0 ;
    }
    if (numeric && (s[i] < '0' || s[i] > '9')) return 0 ;
    i++ ;
  }
}

static void add (jentry *e, char const *name, char const *val, size_t len)
{
  e->f[e->n].name = name ; e->f[e->n].namelen = strlen(name) ;
  e->f[e->n].val = val ; e->f[e->n++].len = len ;
}

size_t jtrust_line (char const *s, size_t len, jentry *e)
{
  size_t i = 0 ;
  e->n = 0 ; e->dropped = 0 ;
  for (unsigned int k = 0 ; k < sizeof(names) / sizeof(names[0]) ; k++)
  {
    size_t m = strlen(names[k]), q ;
    if (k && (i >= len || s[i++] != ' ')) goto no ;
    if (len - i <= m || memcmp(s + i, names[k], m) || s[i + m] != '=') goto no ;
    i += m + 1 ;
    q = quoted(s + i, len - i, k < NUMERIC) ;
    if (!q) goto no ;
    /* the value without its quotes; the space after it is the next field's */
    if (q > 3) add(e, names[k], s + i + 1, q - 3) ;
    i += q - 1 ;
  }
  add(e, "_TRANSPORT", "syslog", 6) ;
  return i + 1 ;
 no:
  e->n = 0 ;
  return 0 ;
}

size_t jtrust_rsyslogname (char const *name)
{
  char const *p, *t ;
  size_t n ;
  if (strncmp(name, "rsyslog:", 8)) return 0 ;
  p = name + 8 ;
  t = strstr(p, ",trust=") ;
  n = t ? (size_t)(t - p) : strlen(p) ;
  if (!n || !strncmp(p, "journal:", 8) || !strncmp(p, "rsyslog:", 8)) return 0 ;
  /* after the path, trust= items only: jtrust_parse checks each */
  for (p += n ; *p ; p += strcspn(p, ","))
    if (strncmp(++p, "trust=", 6)) return 0 ;
  return n ;
}
