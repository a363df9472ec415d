/* ISC license. */

#include <string.h>
#include <time.h>
#include "hex.h"
#include "timescan.h"

/* 9999-12-31T23:59:59Z: later than that is a broken stamp, not a date */

static int isdigit_ (char c) { return c >= '0' && c <= '9' ; }

/* exactly n decimal digits at s */
static int dec (char const *s, size_t n, int *v)
{
  int x = 0 ;
  size_t i ;
  for (i = 0 ; i < n ; i++)
  {
    if (!isdigit_(s[i])) return 0 ;
    x = x * 10 + (s[i] - '0') ;
  }
  *v = x ;
  return 1 ;
}

static int isleap (int y) { return !(y % 4) && (y % 100 || !(y % 400)) ; }

static int mdays (int y, int m)
{
  static unsigned char const d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 } ;
  return m == 2 && isleap(y) ? 29 : d[m-1] ;
}

static int validtime (int year, int mon, int mday, int hour, int min, int sec)
{
  return year >= 1970 && year <= 9999 && mon >= 1 && mon <= 12
    && mday >= 1 && mday <= mdays(year, mon)
    && hour >= 0 && hour <= 23 && min >= 0 && min <= 59 && sec >= 0 && sec <= 59 ;
}

/* days since 1970-01-01 of a proleptic Gregorian date (year >= 1970) */
static int64_t days_from_civil (int y, int m, int d)
{
  static unsigned short const before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 } ;
  int64_t p = y - 1 ;
  int64_t days = 365 * p + p / 4 - p / 100 + p / 400 + before[m-1] + (m > 2 && isleap(y)) + d - 1 ;
  return days - 719162 ;  /* the same count for 1970-01-01 */
}

/*
 * mktime normalises what it does not like (Feb 30 becomes Mar 2, a local
 * time skipped by a DST change moves by an hour): reading the fields back
 * tells a real local time from one the clock never showed.
 */
static int64_t minute_to_unix (int year, int mon, int mday, int hour, int min)
{
  struct tm tm ;
  time_t t ;
  memset(&tm, 0, sizeof tm) ;
  tm.tm_year = year - 1900 ;
  tm.tm_mon = mon - 1 ;
  tm.tm_mday = mday ;
  tm.tm_hour = hour ;
  tm.tm_min = min ;
  tm.tm_isdst = -1 ;
  t = mktime(&tm) ;
  if (t == (time_t)-1 || t < 0) return -1 ;
  if (tm.tm_year != year - 1900 || tm.tm_mon != mon - 1 || tm.tm_mday != mday
   || tm.tm_hour != hour || tm.tm_min != min || tm.tm_sec) return -1 ;
  return (int64_t)t ;
}

/*
 * The one cache of this file, for the many lines of a log read at one
 * now, one line at a time (readlog is one process; nothing here is
 * reentrant, and none of it is a result: each entry is the answer of
 * the function that filled it, for its own key):
 *  - minute: the start of the last few minutes asked for, so that a
 *    local time is its minute's start plus the seconds.  Every zone
 *    change since 1972 falls on a whole minute, so the 60 seconds of a
 *    minute are all there, one after the other, or none of them is (a
 *    DST gap).  This saves mktime, and the stat of /etc/localtime glibc
 *    makes in it when TZ is unset, on nearly every line.
 *  - for rfc3164_scan, which has no year: the year of the last now
 *    (localtime_r), and the last stamp read at that now with its answer.
 */
static struct
{
  struct { int year, mon, mday, hour, min ; int64_t start ; unsigned char have ; } minute[4] ;
  int64_t yearnow ; int year ;
  int64_t stampnow ; int mon, mday, h, m, sec ; int64_t stamp ;
} cache = { .yearnow = -1, .stampnow = -1 } ;

int64_t localtime_to_unix (int year, int mon, int mday, int hour, int min, int sec)
{
  unsigned int i ;
  if (!validtime(year, mon, mday, hour, min, sec)) return -1 ;
  i = (unsigned int)(year + mon + mday + hour + min) & 3 ;
  if (!cache.minute[i].have || cache.minute[i].year != year || cache.minute[i].mon != mon
   || cache.minute[i].mday != mday || cache.minute[i].hour != hour || cache.minute[i].min != min)
  {
    cache.minute[i].year = year ; cache.minute[i].mon = mon ; cache.minute[i].mday = mday ;
    cache.minute[i].hour = hour ; cache.minute[i].min = min ;
    cache.minute[i].start = minute_to_unix(year, mon, mday, hour, min) ;
    cache.minute[i].have = 1 ;
  }
  return cache.minute[i].start < 0 ? -1 : cache.minute[i].start + sec ;
}

size_t tai64n_scan (char const *s, size_t len, int64_t *t)
{
  uint64_t label = 0 ;
  size_t i ;
  if (len < 25 || s[0] != '@') return 0 ;
  for (i = 1 ; i < 25 ; i++)
  {
    int v = hexval(s[i]) ;
    if (v < 0) return 0 ;
    if (i <= 16) label = (label << 4) | (unsigned int)v ;
  }
  if (len > 25 && hexval(s[25]) >= 0) return 0 ;
  /* the last 8 digits are nanoseconds: read for validity, not needed */
  if (label < (UINT64_C(1) << 62) + 10) return 0 ;
  label -= (UINT64_C(1) << 62) + 10 ;
  if (label > (uint64_t)TIME_MAX) return 0 ;
  *t = (int64_t)label ;
  return 25 ;
}

static char const months[12][3] =
{
  { 'J', 'a', 'n' }, { 'F', 'e', 'b' }, { 'M', 'a', 'r' }, { 'A', 'p', 'r' },
  { 'M', 'a', 'y' }, { 'J', 'u', 'n' }, { 'J', 'u', 'l' }, { 'A', 'u', 'g' },
  { 'S', 'e', 'p' }, { 'O', 'c', 't' }, { 'N', 'o', 'v' }, { 'D', 'e', 'c' }
} ;

/* "hh:mm:ss" at s, ranges checked */
static int hms (char const *s, int *h, int *m, int *sec)
{
  return dec(s, 2, h) && s[2] == ':' && dec(s + 3, 2, m) && s[5] == ':' && dec(s + 6, 2, sec)
    && *h <= 23 && *m <= 59 && *sec <= 59 ;
}

/* ".digits" at s: how many bytes, 0 if there is none, -1 if it is broken */
static long fraction (char const *s, size_t len)
{
  size_t n = 1 ;
  if (!len || s[0] != '.') return 0 ;
  while (n < len && isdigit_(s[n])) n++ ;
  return n > 1 ? (long)n : -1 ;
}

size_t rfc3164_scan (char const *s, size_t len, int64_t now, int64_t *t)
{
  int mon, mday, h, m, sec, year ;
  size_t d, n ;
  long f ;
  time_t tnow = (time_t)now ;
  struct tm tm ;
  if (len < 14) return 0 ;
  for (mon = 0 ; mon < 12 ; mon++) if (s[0] == months[mon][0] && s[1] == months[mon][1] && s[2] == months[mon][2]) break ;
  if (mon == 12 || s[3] != ' ') return 0 ;
  mon++ ;
  /* "Dec  3" (syslogd), "Dec 03" (journalctl, Dovecot), "Jun 1" (copied logs) */
  if (s[4] == ' ') { if (!dec(s + 5, 1, &mday)) return 0 ; d = 6 ; }
  else if (s[5] == ' ') { if (!dec(s + 4, 1, &mday)) return 0 ; d = 5 ; }
  else { if (!dec(s + 4, 2, &mday)) return 0 ; d = 6 ; }
  n = d + 9 ;
  if (len < n || mday < 1 || mday > 31 || s[d] != ' ' || !hms(s + d + 1, &h, &m, &sec)) return 0 ;
  f = fraction(s + n, len - n) ;  /* journalctl -o short-precise */
  if (f < 0) return 0 ;
  n += (size_t)f ;
  if (n < len && isdigit_(s[n])) return 0 ;

  /* the cache (above): the last stamp at this now, and now's year */
  if (now == cache.stampnow && mon == cache.mon && mday == cache.mday && h == cache.h && m == cache.m && sec == cache.sec)
  {
    if (cache.stamp < 0) return 0 ;
    *t = cache.stamp ;
    return n ;
  }
  cache.stampnow = now ; cache.mon = mon ; cache.mday = mday ; cache.h = h ; cache.m = m ; cache.sec = sec ; cache.stamp = -1 ;
  if (now != cache.yearnow)
  {
    if (!localtime_r(&tnow, &tm)) return 0 ;
    cache.yearnow = now ; cache.year = tm.tm_year + 1900 ;
  }
  /*
   * No year in the stamp.  Take the latest year that does not put it more
   * than a day after now: "Dec 31 23:59:59" read on Jan 1 is last year's,
   * "Jan 1 00:00:01" read a few seconds before midnight on Dec 31 (clocks
   * drift) is next year's.  Going back up to 8 years finds a Feb 29.
   */
  for (year = cache.year + 1 ; year >= cache.year - 8 ; year--)
  {
    int64_t x = localtime_to_unix(year, mon, mday, h, m, sec) ;
    if (x >= 0 && x <= now + 86400)
    {
      *t = cache.stamp = x ;
      return n ;
    }
  }
  return 0 ;
}

/* "Z", "+hh:mm", "+hhmm", "+hh" (or '-'), as seconds east of UTC */
static size_t zone (char const *s, size_t len, int *off)
{
  int h, m = 0 ;
  size_t n ;
  if (!len) return 0 ;
  if (s[0] == 'Z' || s[0] == 'z') { *off = 0 ; return 1 ; }
  if (s[0] != '+' && s[0] != '-') return 0 ;
  if (len < 3 || !dec(s + 1, 2, &h)) return 0 ;
  n = 3 ;
  if (len >= 4 && s[3] == ':')
  {
    if (len < 6 || !dec(s + 4, 2, &m)) return 0 ;
    n = 6 ;
  }
  else if (len >= 5 && isdigit_(s[3]))
  {
    if (!dec(s + 3, 2, &m)) return 0 ;
    n = 5 ;
  }
  if (h > 23 || m > 59) return 0 ;
  *off = (h * 60 + m) * 60 * (s[0] == '-' ? -1 : 1) ;
  return n ;
}

size_t iso8601_scan (char const *s, size_t len, int64_t *t)
{
  int year, mon, mday, h, m, sec, off ;
  size_t n = 19, z ;
  if (len < 19 || !dec(s, 4, &year) || s[4] != '-' || !dec(s + 5, 2, &mon) || s[7] != '-'
   || !dec(s + 8, 2, &mday) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
   || !hms(s + 11, &h, &m, &sec)) return 0 ;
  if (!validtime(year, mon, mday, h, m, sec)) return 0 ;
  if (n < len && s[n] == '.')
  {
    size_t start = ++n ;
    while (n < len && isdigit_(s[n])) n++ ;
    if (n == start) return 0 ;
  }
  z = zone(s + n, len - n, &off) ;
  if (!z && n < len && (s[n] == '+' || s[n] == '-')) return 0 ;  /* a broken zone */
  n += z ;
  if (n < len && isdigit_(s[n])) return 0 ;
  if (z)
  {
    int64_t x = days_from_civil(year, mon, mday) * 86400 + h * 3600 + m * 60 + sec - off ;
    if (x < 0 || x > TIME_MAX) return 0 ;
    *t = x ;
  }
  else
  {
    int64_t x = localtime_to_unix(year, mon, mday, h, m, sec) ;
    if (x < 0) return 0 ;
    *t = x ;
  }
  return n ;
}

size_t svlogd_scan (char const *s, size_t len, int64_t *t)
{
  int year, mon, mday, h, m, sec, frac ;
  if (len < 25 || !dec(s, 4, &year) || s[4] != '-' || !dec(s + 5, 2, &mon) || s[7] != '-'
   || !dec(s + 8, 2, &mday) || (s[10] != '_' && s[10] != 'T')
   || !hms(s + 11, &h, &m, &sec) || s[19] != '.' || !dec(s + 20, 5, &frac)
   || (len > 25 && isdigit_(s[25]))) return 0 ;
  if (!validtime(year, mon, mday, h, m, sec)) return 0 ;
  *t = days_from_civil(year, mon, mday) * 86400 + h * 3600 + m * 60 + sec ;
  return 25 ;
}
