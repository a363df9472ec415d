/* ISC license. */

#include <string.h>
#include "logline.h"
#include "loginparse.h"
#include "timescan.h"

/*
 * The prefix is written by the logger (multilog, syslogd, the server's
 * own log file code), never by a client, so it is read from the start
 * of the line, field by field.  The tag is the first token after the
 * stamps and host: text further on, whatever it says, is message.
 */

int logline_hostchar (unsigned char c)
{
  return (unsigned char)((c | 0x20) - 'a') < 26 || (unsigned char)(c - '0') < 10
    || c == '.' || c == '-' || c == '_' || c == ':' ;
}

/*
 * A syslog host name or address.  Checked, because a server's own log
 * file has a stamp and no host: "STAMP pop3(x imap-login: Login: ..."
 * must not read as host "pop3(x" and tag "imap-login" when a client
 * chose the user name "x imap-login: Login: ...".
 */
int logline_ishost (char const *s, size_t len)
{
  /* the kernel's name for a host never named, as syslogd writes it */
  if (len == 6 && !memcmp(s, "(none)", 6)) return 1 ;
  for (size_t i = 0 ; i < len ; i++) if (!logline_hostchar(s[i])) return 0 ;
  return len > 0 ;
}

/*
 * "NAME:" or "NAME[PID]:", ending at a space or at the end of s; with
 * bare, also "NAME" or "NAME[PID]": rsyslog writes a message it received
 * in RFC 5424 form with its APP-NAME[PROCID] and no colon.  A colon-less
 * tag is read only after a syslog stamp and host, where the logger put
 * it.  The bytes it used, or 0.  One pass: this is every line's cost.
 */
static size_t tag_split (char const *s, size_t len, int bare, logline *l)
{
  size_t i = 0, j ;
  while (i < len)
  {
    unsigned char c = s[i] ;
    if (c == '[' || c == ']' || c == ':' || c < 0x21 || c > 0x7e) break ;
    i++ ;
  }
  if (!i) return 0 ;
  l->tag = s ; l->taglen = i ;
  l->haspid = 0 ; l->pid = 0 ;
  j = i ;
  if (j < len && s[j] == '[')
  {
    size_t d = lp_digits(s + j + 1, len - j - 1) ;
    if (j + 1 + d >= len || s[j + 1 + d] != ']' || !lp_uint(s + j + 1, d, &l->pid)) return 0 ;
    l->haspid = 1 ;
    j += d + 2 ;
  }
  if (j < len && s[j] == ':') j++ ;
  else if (!bare) return 0 ;
  return j == len || s[j] == ' ' ? j : 0 ;
}

/*
 * "FACILITY.PRIORITY" as syslogd and socklog name them, at the start of
 * s: its length, or 0.  Only the names of syslog.h (BSD's and glibc's),
 * so that a token of letters and a dot is not taken for one.
 */
static char const facilities[] =
  "auth\0authpriv\0console\0cron\0daemon\0ftp\0kern\0lpr\0mail\0mark\0news\0ntp\0"
  "security\0syslog\0user\0uucp\0audit\0local0\0local1\0local2\0local3\0local4\0"
  "local5\0local6\0local7\0" ;
static char const priorities[] =
  "emerg\0panic\0alert\0crit\0err\0error\0warn\0warning\0notice\0info\0debug\0" ;

static int named (char const *list, char const *s, size_t len)
{
  while (*list)
  {
    size_t n = strlen(list) ;
    if (n == len && !memcmp(list, s, n)) return 1 ;
    list += n + 1 ;
  }
  return 0 ;
}

/* the first letters of the facilities: most tags are refused on their first byte */
#define FIRSTS (1u << ('a'-'a') | 1u << ('c'-'a') | 1u << ('d'-'a') | 1u << ('f'-'a') | 1u << ('k'-'a') \
  | 1u << ('l'-'a') | 1u << ('m'-'a') | 1u << ('n'-'a') | 1u << ('s'-'a') | 1u << ('u'-'a'))

static size_t facpri (char const *s, size_t len)
{
  size_t i = 1, j, m ;
  unsigned int c ;
  if (len < 5) return 0 ;
  c = (unsigned char)s[0] - 'a' ;
  if (c >= 26 || !(FIRSTS >> c & 1)) return 0 ;
  m = len < 9 ? len : 9 ;
  while (i < m && ((unsigned char)(s[i] - 'a') < 26 || (unsigned char)(s[i] - '0') < 10)) i++ ;
  if (i + 1 >= len || s[i] != '.' || !named(facilities, s, i)) return 0 ;
  j = ++i ;
  m = len - j < 8 ? len : j + 8 ;
  while (i < m && (unsigned char)(s[i] - 'a') < 26) i++ ;
  return named(priorities, s + j, i - j) ? i : 0 ;
}

/* FreeBSD's -v: "FAC.PRI" in numbers, facility 0-23, priority 0-7 */
static size_t facpri_num (char const *s, size_t len)
{
  size_t i = 0 ;
  unsigned int f = 0 ;
  while (i < len && i < 2 && s[i] >= '0' && s[i] <= '9') f = f * 10 + (s[i++] - '0') ;
  if (!i || f > 23 || (i == 2 && s[0] == '0') || i + 2 > len || s[i] != '.' || s[i+1] < '0' || s[i+1] > '7') return 0 ;
  return i + 2 ;
}

/*
 * The envelope: what the programs between the server and the file put
 * before the tag, each read from where its writer puts it, in this
 * order, each once, each optional.  A layer returns the bytes it used
 * (its separator too) or 0; need is what must have been read before it.
 * A time is the first stamp read: the outermost writer's.
 */
#define E_SYSLOG 1   /* a syslog stamp: a host may follow */
#define E_HOST 2

static void settime (logline *l, int64_t t) { if (l->time < 0) l->time = t ; }

/* multilog t, svlogd -t: "@TAI64N "; svlogd -tt, -ttt: UTC stamps */
static size_t outer_stamp (char const *s, size_t len, logline *l)
{
  int64_t t ;
  size_t n ;
  if (!len) return 0 ;
  if (s[0] == '@') n = tai64n_scan(s, len, &t) ;
  else if (s[0] >= '0' && s[0] <= '9') n = svlogd_scan(s, len, &t) ;
  else return 0 ;
  if (!n || n >= len || s[n] != ' ') return 0 ;
  settime(l, t) ;
  return n + 1 ;
}

/* socklog: "mail.info: " before what the program sent to /dev/log */
static size_t socklog_pri (char const *s, size_t len, logline *l)
{
  size_t n = facpri(s, len) ;
  if (!n || n + 1 >= len || s[n] != ':' || s[n+1] != ' ') return 0 ;
  l->socklog = 1 ;
  return n + 2 ;
}

/* syslogd, rsyslog, journalctl -o short, short-iso, short-precise; Dovecot's log_timestamp */
static size_t syslog_stamp (char const *s, size_t len, logline *l)
{
  int64_t t ;
  size_t n = rfc3164_scan(s, len, l->now, &t) ;
  if (!n) n = iso8601_scan(s, len, &t) ;
  if (!n || n >= len || s[n] != ' ') return 0 ;
  settime(l, t) ;
  return n + 1 ;
}

/* FreeBSD syslogd -v "<2.6> ", -vv "<mail.info> ", after the stamp */
static size_t bsd_facpri (char const *s, size_t len, logline *l)
{
  size_t n ;
  (void)l ;
  if (len < 2 || s[0] != '<') return 0 ;
  n = facpri(s + 1, len - 1) ;
  if (!n) n = facpri_num(s + 1, len - 1) ;
  return n && n + 3 <= len && s[n+1] == '>' && s[n+2] == ' ' ? n + 3 : 0 ;
}

/* a syslog host: a token not ending in ':', read and checked in one pass */
static size_t host (char const *s, size_t len, logline *l)
{
  size_t n = 0 ;
  if (len > 6 && s[0] == '(' && !memcmp(s, "(none) ", 7)) n = 6 ;
  else while (n < len && s[n] != ' ') if (!logline_hostchar(s[n++])) return 0 ;
  if (!n || n >= len || s[n-1] == ':') return 0 ;
  l->host = s ; l->hostlen = n ;
  return n + 1 ;
}

/* BusyBox syslogd: "mail.info " after the host */
static size_t busybox_pri (char const *s, size_t len, logline *l)
{
  size_t n = facpri(s, len) ;
  (void)l ;
  return n && n < len && s[n] == ' ' ? n + 1 : 0 ;
}

/*
 * The bytes a layer can begin with, as a set of ASCII (two words of 64
 * bits): a layer that cannot begin at the next byte is not called, which
 * is most layers on most lines.  The set only saves time (each layer
 * checks its bytes itself), but it must hold every byte a layer can
 * begin with, or that layer is never read.
 */
#define B(c) ((uint64_t)1 << ((c) & 63))
#define RANGE(a, z) ((~(uint64_t)0 << ((a) & 63)) & (~(uint64_t)0 >> (63 - ((z) & 63))))
#define DIGIT RANGE('0', '9')                /* in the first word */
#define ALPHA (RANGE('A', 'Z') | RANGE('a', 'z'))  /* in the second */
#define FACILITY ((uint64_t)FIRSTS << ('a' & 63))
#define MONTH (B('A') | B('D') | B('F') | B('J') | B('M') | B('N') | B('O') | B('S'))

static struct
{
  size_t (*read) (char const *, size_t, logline *) ;
  unsigned char need ;
  unsigned char gives ;
  uint64_t first[2] ;
} const envelope[] =
{
  { &outer_stamp, 0, 0, { DIGIT, B('@') } },
  { &socklog_pri, 0, 0, { 0, FACILITY } },
  { &syslog_stamp, 0, E_SYSLOG, { DIGIT, MONTH } },
  { &bsd_facpri, E_SYSLOG, 0, { B('<'), 0 } },
  { &host, E_SYSLOG, E_HOST, { DIGIT | B('(') | B('-') | B('.') | B(':'), ALPHA | B('_') } },
  { &busybox_pri, E_HOST, 0, { 0, FACILITY } },
} ;

/*
 * Solaris' syslog(3) writes "[ID NNNNNN FAC.PRI] " after the tag: read
 * at the start of the message, after a syslog stamp only
 */
static size_t solaris_id (char const *s, size_t len)
{
  size_t i = 4, n ;
  if (len < 4 || memcmp(s, "[ID ", 4)) return 0 ;
  while (i < len && i < 14 && s[i] >= '0' && s[i] <= '9') i++ ;
  if (i == 4 || i >= len || s[i] != ' ') return 0 ;
  i++ ;
  n = facpri(s + i, len - i) ;
  if (!n) return 0 ;
  i += n ;
  return i + 1 < len && s[i] == ']' && s[i+1] == ' ' ? i + 2 : 0 ;
}

int logline_split (char const *s, size_t len, int64_t now, logline *l)
{
  size_t i = 0, n ;
  unsigned int k, have = 0 ;

  l->time = -1 ;
  l->host = 0 ; l->hostlen = 0 ;
  l->tag = 0 ; l->taglen = 0 ;
  l->pid = 0 ; l->haspid = 0 ;
  l->msg = 0 ; l->msglen = 0 ;
  l->socklog = 0 ;
  l->now = now ;

  /* unrolled, the table's constants are folded in and its calls direct */
#pragma GCC unroll 8
  for (k = 0 ; k < sizeof envelope / sizeof *envelope ; k++)
  {
    unsigned char c ;
    if (i >= len) break ;
    c = s[i] ;
    if ((envelope[k].need & have) != envelope[k].need || c >= 128
     || !(envelope[k].first[c >> 6] >> (c & 63) & 1)) continue ;
    n = (*envelope[k].read)(s + i, len - i, l) ;
    if (n) { i += n ; have |= envelope[k].gives ; }
  }

  n = tag_split(s + i, len - i, !!l->host, l) ;
  if (!n) return 0 ;
  i += n ;
  if (i < len) i++ ;  /* the space after "TAG:" */
  if (have & E_SYSLOG) i += solaris_id(s + i, len - i) ;
  l->msg = s + i ; l->msglen = len - i ;
  return 1 ;
}
