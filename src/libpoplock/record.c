/* ISC license. */

#include <string.h>
#include <stdint.h>
#include "addr.h"
#include "crc32.h"
#include "hex.h"
#include "escape.h"
#include "record.h"
#include "timescan.h"

static int sourcechar (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
    || c == '.' || c == '_' || c == '/' || c == ':' || c == '-' ;
}

int record_sourceok (char const *s)
{
  size_t n = strlen(s) ;
  if (!n || n > SOURCE_MAX) return 0 ;
  for (size_t i = 0 ; i < n ; i++) if (!sourcechar(s[i])) return 0 ;
  return 1 ;
}

void record_setsource (record *r, char const *s, size_t len)
{
  size_t w = 0 ;
  for (size_t i = 0 ; i < len && w < SOURCE_MAX ; i++)
    if (sourcechar(s[i])) r->source[w++] = s[i] ;
  r->source[w] = 0 ;
  /* "-" is how an unknown source is written: the same thing */
  if (w == 1 && r->source[0] == '-') r->source[0] = 0 ;
}

void record_setuser (record *r, char const *s, size_t len)
{
  if (len > USER_MAX) len = USER_MAX ;
  memcpy(r->user, s, len) ;
  r->userlen = len ;
}

static size_t fmt_u64 (char *s, uint64_t u)
{
  char tmp[20] ;
  size_t n = 0 ;
  do { tmp[n++] = '0' + u % 10 ; u /= 10 ; } while (u) ;
  for (size_t i = 0 ; i < n ; i++) s[i] = tmp[n - 1 - i] ;
  return n ;
}

size_t record_fmt (char *s, record const *r)
{
  static char const hex[16] = "0123456789abcdef" ;
  size_t n = 0 ;
  uint32_t crc ;
  s[n++] = r->type == '-' || r->type == '=' ? r->type : '+' ;
  s[n++] = ' ' ;
  n += fmt_u64(s + n, r->time > 0 ? (uint64_t)r->time : 0) ;  /* no time before 1970 */
  s[n++] = ' ' ;
  n += fmt_u64(s + n, r->dur) ;
  s[n++] = ' ' ;
  n += addr_fmt(s + n, &r->ip) ;
  s[n++] = ' ' ;
  if (r->source[0])
  {
    size_t len = strlen(r->source) ;
    memcpy(s + n, r->source, len) ; n += len ;
  }
  else s[n++] = '-' ;
  s[n++] = ' ' ;
  n += escape_user(s + n, r->user, r->userlen) ;
  if (r->type == '=')
  {
    s[n++] = ' ' ;
    for (int i = 60 ; i >= 0 ; i -= 4) s[n++] = hex[(r->key >> i) & 15] ;
  }
  crc = crc32_buf(s, n) ;
  s[n++] = ' ' ;
  for (int i = 28 ; i >= 0 ; i -= 4) s[n++] = hex[(crc >> i) & 15] ;
  s[n++] = '\n' ;
  return n ;
}

/* decimal without a sign or a leading zero, at most max; returns bytes used */
static size_t scan_dec (char const *s, size_t len, uint64_t max, uint64_t *u)
{
  size_t n = 0 ;
  uint64_t v = 0 ;
  while (n < len && s[n] >= '0' && s[n] <= '9')
  {
    unsigned int d = s[n] - '0' ;
    if (n == 1 && s[0] == '0') return 0 ;
    if (v > (max - d) / 10) return 0 ;
    v = v * 10 + d ;
    n++ ;
  }
  *u = v ;
  return n ;
}

/* n lower-case hex digits at s, exactly: 1 and *u, or 0 */
static int scan_hex (char const *s, size_t n, uint64_t *u)
{
  uint64_t v = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    int d = hexval(s[i]) ;
    if (d < 0 || (s[i] >= 'A' && s[i] <= 'F')) return 0 ;
    v = (v << 4) | (unsigned int)d ;
  }
  *u = v ;
  return 1 ;
}

/* the fields of a line without " CRC": type, time, dur, addr, source, user, and a session's key */
static int scan_fields (char const *s, size_t len, record *r)
{
  size_t i = 0, k ;
  uint64_t u ;
  char buf[ADDR_FMT] ;
  if (len < 2 || (s[0] != '+' && s[0] != '-' && s[0] != '=') || s[1] != ' ') return 0 ;
  r->type = s[0] ;
  r->key = 0 ;
  if (s[0] == '=')
  {
    /* the key last, after the user (whose escaped form holds no space) */
    if (len < 19 || s[len - 17] != ' ' || !scan_hex(s + len - 16, 16, &r->key)) return 0 ;
    len -= 17 ;
  }
  i = 2 ;
  k = scan_dec(s + i, len - i, TIME_MAX, &u) ;
  if (!k || i + k >= len || s[i + k] != ' ') return 0 ;
  r->time = u ; i += k + 1 ;
  k = scan_dec(s + i, len - i, UINT32_MAX, &u) ;
  if (!k || i + k >= len || s[i + k] != ' ') return 0 ;
  r->dur = u ; i += k + 1 ;
  k = addr_scan(s + i, len - i, &r->ip) ;
  if (!k || i + k >= len || s[i + k] != ' ') return 0 ;
  /* one address, one spelling: what addr_fmt writes */
  if (addr_fmt(buf, &r->ip) != k || memcmp(buf, s + i, k)) return 0 ;
  i += k + 1 ;
  for (k = 0 ; i + k < len && s[i + k] != ' ' ; k++)
    if (k >= SOURCE_MAX || !sourcechar(s[i + k])) return 0 ;
  if (!k || i + k >= len) return 0 ;
  if (k == 1 && s[i] == '-') r->source[0] = 0 ;
  else { memcpy(r->source, s + i, k) ; r->source[k] = 0 ; }
  i += k + 1 ;
  if (i >= len) return 0 ;
  {
    size_t ulen ;
    if (!user_scan(s + i, len - i, r->user, USER_MAX, &ulen) || ulen > USER_MAX) return 0 ;
    r->userlen = ulen ;
  }
  return 1 ;
}

size_t record_scan (char const *s, size_t len, record *r)
{
  char const *lf = memchr(s, '\n', len < RECORD_MAX ? len : RECORD_MAX) ;
  size_t n ;
  uint32_t crc = 0 ;
  record tmp ;
  if (!lf) return 0 ;
  n = lf - s ;
  if (n < 11 || s[n - 9] != ' ') return 0 ;
  {
    uint64_t u ;
    if (!scan_hex(s + n - 8, 8, &u)) return 0 ;
    crc = (uint32_t)u ;
  }
  if (crc != crc32_buf(s, n - 9)) return 0 ;
  if (!scan_fields(s, n - 9, &tmp)) return 0 ;
  *r = tmp ;
  return n + 1 ;
}

size_t record_find (char const *s, size_t len, size_t *pos, record *r)
{
  size_t i = *pos ;
  while (i + 1 < len)
  {
    size_t n ;
    if ((s[i] == '+' || s[i] == '-' || s[i] == '=') && s[i+1] == ' ' && (n = record_scan(s + i, len - i, r)))
    {
      *pos = i ;
      return n ;
    }
    i++ ;
  }
  *pos = len ;
  return 0 ;
}

long records_scan (char const *s, size_t len, record_fn *f, void *data, size_t *skipped)
{
  size_t pos = 0, done = 0, skip = 0 ;
  long count = 0 ;
  record r ;
  for (;;)
  {
    size_t n = record_find(s, len, &pos, &r) ;
    skip += pos - done ;
    if (!n) break ;
    if ((*f)(&r, data) == -1) { if (skipped) *skipped = skip ; return -1 ; }
    count++ ;
    pos += n ;
    done = pos ;
  }
  if (skipped) *skipped = skip ;
  return count ;
}
