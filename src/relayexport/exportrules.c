/* ISC license. */

#include <errno.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/djbunix.h>
#include "addr.h"
#include "export.h"

/* the length of the "deny" or "allow" x starts with, or 0 */
static size_t verb (char const *x, size_t len)
{
  if (len >= 4 && !memcmp(x, "deny", 4)) return 4 ;
  if (len >= 5 && !memcmp(x, "allow", 5)) return 5 ;
  return 0 ;
}

/*
 * The instructions after the ':', as tcprules parses them: "deny" or
 * "allow", then any number of ,VAR=cVALUEc where c is any byte.  Returns
 * 1 if valid; *deny, *relays and the offset of what follows allow.
 */
static int instructions (char const *x, size_t len, unsigned char *deny, unsigned char *relays, size_t *after)
{
  size_t i = verb(x, len) ;
  *relays = 0 ;
  if (!i) return 0 ;
  *deny = i == 4 ;
  *after = i ;
  while (i < len)
  {
    char const *eq ;
    char const *end ;
    char c ;
    if (x[i] != ',') return 0 ;
    eq = memchr(x + i, '=', len - i) ;
    if (!eq) return 0 ;
    if (eq - (x + i + 1) == 11 && !memcmp(x + i + 1, "RELAYCLIENT", 11)) *relays = 1 ;
    i = eq - x + 1 ;
    if (i >= len) return 0 ;
    c = x[i++] ;
    end = memchr(x + i, c, len - i) ;
    if (!end) return 0 ;
    i = end - x + 1 ;
  }
  return 1 ;
}

static int addrule (exportrules *r, exportrule *e, char const *key, size_t keylen)
{
  e->key = r->keys.len ;
  e->keylen = keylen ;
  return stralloc_catb(&r->keys, key, keylen) && genalloc_append(exportrule, &r->rules, e) ;
}

/* a.b.N-M.d: one rule per number, as tcprules expands them; 1, 0 if invalid, -1 */
static int addrange (exportrules *r, exportrule *e, char const *a, size_t len, size_t dash)
{
  size_t left = dash, right = dash + 1 ;
  unsigned long bot = 0, top = 0 ;
  char num[ULONG_FMT] ;
  while (left && a[left - 1] != '.') left-- ;
  while (right < len && a[right] != '.') right++ ;
  /* an empty number is 0 to tcprules */
  if (ulong_scan(a + left, &bot) != dash - left) return 0 ;
  if (ulong_scan(a + dash + 1, &top) != right - dash - 1) return 0 ;
  if (top > 255) top = 255 ;
  for (; bot <= top ; bot++)
  {
    size_t n = ulong_fmt(num, bot) ;
    char key[len + ULONG_FMT] ;
    memcpy(key, a, left) ;
    memcpy(key + left, num, n) ;
    memcpy(key + left + n, a + right, len - right) ;
    if (!addrule(r, e, key, left + n + len - right)) return -1 ;
  }
  return 1 ;
}

/*
 * Where the address ends: at the first ':' (ucspi-tcp), or at the first
 * followed by deny or allow (ucspi-tcp-ipv6, whose addresses hold ':').
 * 1 if there is one, 0 if not.
 */
static int addrend (char const *x, size_t len, int ip6, size_t *colon)
{
  for (size_t i = 0 ; i < len ; i++)
    if (x[i] == ':' && (!ip6 || verb(x + i + 1, len - i - 1))) { *colon = i ; return 1 ; }
  return 0 ;
}

int exportrules_load (exportrules *r, char const *path, int ip6)
{
  size_t pos = 0 ;
  unsigned int lineno = 0 ;
  r->text.len = 0 ; r->keys.len = 0 ;
  genalloc_setlen(exportrule, &r->rules, 0) ;
  r->badline = 0 ; r->hostline = 0 ; r->ip6 = !!ip6 ;
  if (!openslurpclose(&r->text, path)) return -1 ;
  while (pos < r->text.len)
  {
    char const *x = r->text.s + pos ;
    char const *nl = memchr(x, '\n', r->text.len - pos) ;
    size_t len = nl ? (size_t)(nl - x) : r->text.len - pos ;
    size_t colon, after ;
    exportrule e ;
    lineno++ ;
    pos += len + !!nl ;
    if (!len || x[0] == '#') continue ;
    while (len && (x[len - 1] == ' ' || x[len - 1] == '\t')) len-- ;
    if (!addrend(x, len, ip6, &colon))
    {
      if (!ip6) continue ;   /* ucspi-tcp's tcprules skips it too; ucspi-tcp-ipv6's refuses it */
      r->badline = lineno ;
      return 0 ;
    }
    e.line = x - r->text.s ; e.linelen = len ; e.lineno = lineno ;
    if (!instructions(x + colon + 1, len - colon - 1, &e.deny, &e.relays, &after))
    {
      r->badline = lineno ;
      return 0 ;
    }
    e.instr = e.line + colon + 1 + after ;
    e.instrlen = len - colon - 1 - after ;
    if (x[0] == '=' && !r->hostline) r->hostline = lineno ;
    if (!memchr(x, '=', colon) && !memchr(x, '@', colon) && memchr(x, '-', colon))
    {
      int k = addrange(r, &e, x, colon, (char const *)memchr(x, '-', colon) - x) ;
      if (k < 0) return -1 ;
      if (!k) { r->badline = lineno ; return 0 ; }
    }
    else if (!addrule(r, &e, x, colon)) return -1 ;
  }
  return 1 ;
}

void exportrules_free (exportrules *r)
{
  stralloc_free(&r->text) ;
  stralloc_free(&r->keys) ;
  genalloc_free(exportrule, &r->rules) ;
}

/* the first rule for key, as tcpserver finds it in the cdb, or 0 */
static exportrule const *find (exportrules const *r, char const *key, size_t len)
{
  exportrule const *x = genalloc_s(exportrule, &r->rules) ;
  size_t n = genalloc_len(exportrule, &r->rules) ;
  for (size_t i = 0 ; i < n ; i++)
    if (x[i].keylen == len && !memcmp(r->keys.s + x[i].key, key, len)) return x + i ;
  return 0 ;
}

/* "# IP: not added: line N WHY: RULE", or "# IP: not added: WHY" */
static int skipped (stralloc *out, exportrules const *r, char const *ip, char const *why, exportrule const *e)
{
  char num[UINT_FMT] ;
  if (!stralloc_cats(out, "# ") || !stralloc_cats(out, ip) || !stralloc_cats(out, ": not added: ")) return 0 ;
  if (e)
  {
    num[uint_fmt(num, e->lineno)] = 0 ;
    if (!stralloc_cats(out, "line ") || !stralloc_cats(out, num) || !stralloc_catb(out, " ", 1)) return 0 ;
  }
  if (!stralloc_cats(out, why)) return 0 ;
  if (e && (!stralloc_cats(out, ": ") || !stralloc_catb(out, r->text.s + e->line, e->linelen))) return 0 ;
  return stralloc_catb(out, "\n", 1) ;
}

long export_rules_text (exportrules const *r, addr const *a, size_t n, stralloc *out)
{
  long added = 0 ;
  if (!stralloc_cat(out, &r->text)) return -1 ;
  if (r->text.len && r->text.s[r->text.len - 1] != '\n' && !stralloc_catb(out, "\n", 1)) return -1 ;
  if (!stralloc_cats(out, "# relayexport: the addresses allowed now, after the rules above\n")) return -1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char ip[ADDR_FMT + 1] ;
    size_t len = r->ip6 ? addr_fmt_tcpserver(ip, a + i) : addr_fmt(ip, a + i) ;
    exportrule const *e ;
    ip[len] = 0 ;
    if (a[i].is6 && !r->ip6)
    {
      if (!skipped(out, r, ip, "ucspi-tcp's tcpserver is IPv4 only (relayexport -6 for ucspi-tcp-ipv6's)", 0)) return -1 ;
      continue ;
    }
    e = find(r, ip, len) ;
    if (e)
    {
      if (!skipped(out, r, ip, "is the admin's own rule for this address", e)) return -1 ;
      continue ;
    }
    /* tcpserver then tries 1.2.3., 1.2., 1. (ucspi-tcp-ipv6's: 2001:db8::, 2001:db8:, 2001:), and the empty address */
    for (size_t k = len ; k-- > 0 ;)
      if ((ip[k] == '.' || ip[k] == ':') && (e = find(r, ip, k + 1))) break ;
    if (!e) e = find(r, "", 0) ;
    if (e && e->deny)
    {
      if (!skipped(out, r, ip, "denies it", e)) return -1 ;
      continue ;
    }
    if (e && e->relays)
    {
      if (!skipped(out, r, ip, "already sets RELAYCLIENT", e)) return -1 ;
      continue ;
    }
    if (!stralloc_catb(out, ip, len) || !stralloc_cats(out, ":allow")
     || (e && !stralloc_catb(out, r->text.s + e->instr, e->instrlen))
     || !stralloc_cats(out, ",RELAYCLIENT=\"\"\n")) return -1 ;
    added++ ;
  }
  return added ;
}
