/* ISC license. */

/*
 * The timestamp scanners.  The first byte picks one; a stamp accepted
 * must be read the same from its own bytes alone, end where a stamp
 * ends, and mean a time its text says (TAI64N written back gives the
 * same label; a syslog stamp is not after now and its time of day is
 * the one written).
 */

#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "timescan.h"
#include "fuzz.h"

static int ready = 0 ;

static int hexlower (char c) { return c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c ; }

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data + 1 ;
  size_t len, n, sd ;
  int64_t t, t2 ;
  if (!ready)
  {
    /* a zone with summer time, so the DST gaps are exercised */
    setenv("TZ", "Europe/Berlin", 1) ;
    tzset() ;
    ready = 1 ;
  }
  if (!size) return 0 ;
  len = size - 1 ;
  switch (data[0] % 4)
  {
    case 0 :
      n = tai64n_scan(s, len, &t) ;
      if (!n) break ;
      CHECK(n == 25 && s[0] == '@', "a TAI64N stamp that is not @ and 24 digits", s, len) ;
      CHECK(tai64n_scan(s, n, &t2) == n && t2 == t, "the stamp alone reads otherwise", s, len) ;
      {
        char buf[20] ;
        snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)((uint64_t)t + 10 + ((uint64_t)1 << 62))) ;
        for (unsigned int i = 0 ; i < 16 ; i++)
          CHECK(hexlower(s[1 + i]) == buf[i], "the label written back differs", s, len) ;
      }
      break ;
    case 1 :
      n = rfc3164_scan(s, len, FUZZ_NOW, &t) ;
      if (!n) break ;
      /* "Mmm dd hh:mm:ss", "Mmm d hh:mm:ss" (a day of one digit after one space), then maybe a fraction */
      sd = s[4] != ' ' && s[5] == ' ' ? 5 : 6 ;
      CHECK(n == sd + 9 || (n > sd + 10 && s[sd + 9] == '.'), "an RFC 3164 stamp not of its 15 (or 14) bytes and a fraction", s, len) ;
      CHECK(rfc3164_scan(s, n, FUZZ_NOW, &t2) == n && t2 == t, "the stamp alone reads otherwise", s, len) ;
      /* a year back, or more for a date that year lacks (Feb 29, a DST gap): never 8 */
      CHECK(t <= FUZZ_NOW + 86400 + 3600 && t > FUZZ_NOW - 8 * 366 * 86400, "a syslog stamp in the future or years back", s, len) ;
      {
        time_t tt = t ;
        struct tm tm ;
        char buf[32] ;
        localtime_r(&tt, &tm) ;
        strftime(buf, sizeof(buf), "%H:%M:%S", &tm) ;
        CHECK(!memcmp(buf, s + sd + 1, 8), "the time of day written back differs", s, len) ;
      }
      break ;
    case 2 :
      n = iso8601_scan(s, len, &t) ;
      if (!n) break ;
      CHECK(n <= len && n >= 19, "an ISO 8601 stamp too short", s, len) ;
      CHECK(iso8601_scan(s, n, &t2) == n && t2 == t, "the stamp alone reads otherwise", s, len) ;
      break ;
    case 3 :
      if (len < 6) break ;
      {
        int y = 1900 + data[1] * 2, mo = data[2] % 14, d = data[3] % 33, h = data[4] % 26, mi = data[5] % 62, se = data[6 < size ? 6 : 5] % 62 ;
        t = localtime_to_unix(y, mo, d, h, mi, se) ;
        if (t == -1) break ;
        {
          time_t tt = t ;
          struct tm tm ;
          localtime_r(&tt, &tm) ;
          CHECK(tm.tm_year + 1900 == y && tm.tm_mon + 1 == mo && tm.tm_mday == d && tm.tm_hour == h && tm.tm_min == mi && tm.tm_sec == se,
            "localtime_to_unix's answer is another local time", (char const *)data, size) ;
        }
      }
      break ;
  }
  return 0 ;
}
