/* ISC license. */

#ifndef POPLOCK_TIMESCAN_H
#define POPLOCK_TIMESCAN_H

#include <stddef.h>
#include <stdint.h>

/*
 * The latest time the suite reads, 9999-12-31 23:59:59 UTC: every
 * scanner here stops at it, and so do the records, the options and the
 * control files, so that adding a grace or a duration to a time never
 * overflows.
 */
#define TIME_MAX INT64_C(253402300799)

/*
 * Every time in the suite is a count of Unix seconds (POSIX time: UTC,
 * no leap seconds), as an int64_t.  Each scanner reads a timestamp at the
 * start of s (at most len bytes) and returns the number of bytes it used,
 * or 0 if s does not start with a valid stamp of that kind.  The
 * returned length never includes the space that follows.
 */

/*
 * multilog's "@" + 24 hex digits (TAI64N label).  daemontools writes
 * 2^62 + 10 + Unix seconds, so that is what is subtracted here, not
 * skalibs' leap-second-aware offset.
 */
extern size_t tai64n_scan (char const *s, size_t len, int64_t *t) ;

/*
 * RFC 3164 "Mmm dd hh:mm:ss" (day space- or zero-padded, or one digit
 * after one space: "Jun 1"), with journalctl's ".ffffff" if it is there;
 * local time.
 * The year is the most recent one that does not put the stamp more than
 * a day after now.
 */
extern size_t rfc3164_scan (char const *s, size_t len, int64_t now, int64_t *t) ;

/*
 * RFC 5424 / ISO 8601: "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)".
 * A space may stand for the T.  Without a zone the stamp is local time.
 */
extern size_t iso8601_scan (char const *s, size_t len, int64_t *t) ;

/*
 * svlogd -tt "YYYY-MM-DD_hh:mm:ss.fffff" and -ttt "YYYY-MM-DDThh:mm:ss.fffff":
 * exactly five digits of fraction, no zone, UTC (svlogd's gmtime).
 */
extern size_t svlogd_scan (char const *s, size_t len, int64_t *t) ;

/* local broken-down time to Unix seconds; -1 if invalid (year as 2026, mon 1-12,
   sec 0-59; a date like Feb 30 or a time skipped by a DST change is invalid) */
extern int64_t localtime_to_unix (int year, int mon, int mday, int hour, int min, int sec) ;

#endif
