/* ISC license. */

/*
 * GNU Mailutils imap4d writes a failed LOGIN's name as the client sent
 * it ("user `NAME' nonexistent", "login failed: NAME"), and an IMAP
 * literal may hold any byte but NUL.  The input is such a name (its
 * first byte picks the form, the message and where records are cut,
 * the rest is the name); it is written as imap4d 3.15 writes it
 * (tests/fixtures/mailutils/README), after the session's address line,
 * and no line may grant:
 *
 *  - stderr under multilog: a line per piece of the message between
 *    newlines, each with "imap4d: SID " before it;
 *  - syslog, daemon mode: "SID " after every newline too, the message
 *    cut into records of at least 2048 bytes but the last, each
 *    written as rsyslog does (control characters as #ooo);
 *  - syslog, inetd mode under tcpserver: no SID, tcpserver's "ok PID"
 *    line first, the same cuts.
 *
 * The same lines with a real login's message in place of the failure
 * grant, so that the forms are written right.
 */

#include <string.h>
#include "login.h"
#include "fuzz.h"

#define SID "2ANLbiI8"
#define PIECE_MIN 2048
#define NAME_MAX_ 4096
#define TEXT_MAX (2 * (NAME_MAX_ + 64) * 5)

static pidtab tab = PIDTAB_ZERO ;
/* one machine's logs: the hostless lines (stderr, tcpserver's) are vm's, as with readlog -j vm */
static loginsrc const src = { .id = 0, .host = "vm", .hostlen = 2 } ;
static int grants ;

static void feed (char const *s, size_t len)
{
  loginok out ;
  char const *why ;
  if (login_scan(s, len, FUZZ_NOW, ~(uint64_t)0, &src, &tab, &out, &why) >= 0) grants++ ;
}

/* text t (tlen bytes) as records of the syslog form: pieces of at least PIECE_MIN + extra bytes */
static void records (char const *t, size_t tlen, size_t extra)
{
  static char line[TEXT_MAX] ;
  static char const head[] = "Nov 14 22:13:20 vm imap4d[18505]: " ;
  size_t i = 0 ;
  while (i < tlen)
  {
    size_t n = tlen - i, k = sizeof(head) - 1 ;
    if (n > PIECE_MIN + extra) n = PIECE_MIN + extra ;
    memcpy(line, head, k) ;
    for (size_t j = i ; j < i + n ; j++)
    {
      unsigned char c = t[j] ;
      if (c < 0x20 || c == 0x7f)
      {
        line[k++] = '#' ;
        line[k++] = '0' + (c >> 6) ;
        line[k++] = '0' + ((c >> 3) & 7) ;
        line[k++] = '0' + (c & 7) ;
      }
      else line[k++] = c ;
    }
    feed(line, k) ;
    i += n ;
  }
}

/* the message m as imap4d writes it in form 0 (stderr), 1 (syslog), 2 (inetd) */
static void session (int form, char const *m, size_t mlen, size_t extra)
{
  static char t[TEXT_MAX] ;
  static pidtab const empty = PIDTAB_ZERO ;
  size_t tlen = 0 ;
  tab = empty ;
  if (form == 2)
  {
    static char const ok[] = "@400000006553f10000000000 tcpserver: ok 18505 0:127.0.0.1:143 :127.0.0.41::33329" ;
    feed(ok, sizeof(ok) - 1) ;
    records(m, mlen, extra) ;
    return ;
  }
  if (form == 0)
  {
    static char const a[] = "@400000006553f10000000000 imap4d: " SID " 127.0.0.41" ;
    static char const head[] = "@400000006553f10100000000 imap4d: " SID " " ;
    size_t i = 0 ;
    feed(a, sizeof(a) - 1) ;
    for (;;)
    {
      char const *nl = memchr(m + i, '\n', mlen - i) ;
      size_t n = nl ? (size_t)(nl - m) - i : mlen - i ;
      memcpy(t, head, sizeof(head) - 1) ;
      memcpy(t + sizeof(head) - 1, m + i, n) ;
      feed(t, sizeof(head) - 1 + n) ;
      if (!nl) return ;
      i += n + 1 ;
    }
  }
  {
    static char const a[] = "Nov 14 22:13:20 vm imap4d[18071]: " SID " 127.0.0.41" ;
    feed(a, sizeof(a) - 1) ;
  }
  memcpy(t, SID " ", 9) ; tlen = 9 ;
  for (size_t i = 0 ; i < mlen ; i++)
  {
    t[tlen++] = m[i] ;
    if (m[i] == '\n') { memcpy(t + tlen, SID " ", 9) ; tlen += 9 ; }
  }
  records(t, tlen, extra) ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t len)
{
  static char m[NAME_MAX_ + 64] ;
  static char const ok[] = "user `bob' logged in (source: system)" ;
  char const *name = (char const *)data + 1 ;
  size_t nlen, mlen, extra ;
  int form, failure ;
  if (!len) return 0 ;
  form = data[0] % 3 ;
  failure = (data[0] >> 2) & 1 ;
  extra = (size_t)(data[0] >> 3) * 61 ;
  nlen = len - 1 ;
  if (nlen > NAME_MAX_) nlen = NAME_MAX_ ;
  {
    char const *z = memchr(name, 0, nlen) ;  /* a C string: the name ends at a NUL */
    if (z) nlen = z - name ;
  }
  if (failure)
  {
    memcpy(m, "login failed: ", 14) ;
    memcpy(m + 14, name, nlen) ;
    mlen = 14 + nlen ;
  }
  else
  {
    memcpy(m, "user `", 6) ;
    memcpy(m + 6, name, nlen) ;
    memcpy(m + 6 + nlen, "' nonexistent", 13) ;
    mlen = 6 + nlen + 13 ;
  }
  grants = 0 ;
  session(form, m, mlen, extra) ;
  CHECK(!grants, "a failed imap4d login grants", data, len) ;
  if (form)
  {
    session(form, ok, sizeof(ok) - 1, extra) ;
    CHECK(grants == 1, "a real imap4d login does not grant", data, len) ;
  }
  return 0 ;
}
