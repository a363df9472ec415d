/* ISC license. */

/*
 * relaycheck: whether relaying works, and why not.  Reads the state
 * directory, its control files as relaylock reads them, and readlog's
 * positions in its sources; one line per finding on stdout, a keyword
 * first (ok, warning, critical); exit 0, 1 or 2, the worst one.
 */

#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/direntry.h>

#include "usage.h"
#include "record.h"
#include "state.h"
#include "relay.h"
#include "cursor.h"
#include "source.h"
#include "jtrust.h"
#include "login.h"
#include "statefile.h"

#define USAGE "relaycheck [ -d dir ] [ -S servicedir ] [ -F formats ] [ -w seconds ] [ source... ]"

#define OK 0
#define WARNING 1
#define CRITICAL 2
#define SETTLE 10            /* seconds readlog may take to read what was just written */
#define COMPACT_LATE 900     /* readlog compacts a journal every 300 seconds, checking each 60 */
#define CATCHUP 16           /* readlog lets the journal grow to this many journalmax, catching up */
#define DISK_MIN 65536       /* bytes below which appends soon fail */
#define INODES_MIN 16
#define MLNAME 27
#define SECONDS_(n) #n
#define SECONDS(n) SECONDS_(n)

static char const *const word[3] = { "ok ", "warning ", "critical " } ;
static int worst = OK ;
static char const *dir ;
static int64_t now ;

static void put (char const *s)
{
  if (buffer_puts(buffer_1, s) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

/* one finding: LEVEL TOPIC: the pieces */
static void findv (int level, char const *topic, char const *const *v, unsigned int n)
{
  if (level > worst) worst = level ;
  put(word[level]) ; put(topic) ; put(": ") ;
  for (unsigned int i = 0 ; i < n ; i++) put(v[i]) ;
  put("\n") ;
}

#define find(level, topic, ...) do { char const *v_[] = { __VA_ARGS__ } ; findv(level, topic, v_, sizeof(v_) / sizeof(*v_)) ; } while (0)

/* the state library's warnings, word for word, as findings */
struct as_s { int level ; char const *topic ; } ;
static void asfinding (char const *const *v, unsigned int n, void *data)
{
  struct as_s *a = data ;
  findv(a->level, a->topic, v, n) ;
}

static struct as_s as ;
static void say (int level, char const *topic) { as.level = level ; as.topic = topic ; }

static char const *u64 (char *s, uint64_t u) { s[uint64_fmt(s, u)] = 0 ; return s ; }
static char const *ago (char *s, int64_t t)
{
  if (!t) { memcpy(s, "never", 6) ; return s ; }
  size_t n = int64_fmt(s, now > t ? now - t : 0) ;
  memcpy(s + n, "s ago", 6) ;
  return s ;
}

static int nonet (net const *n, unsigned int line, void *data)
{
  (void)n ; (void)line ; (void)data ;
  return 0 ;
}

/* 1 if the directory can be read */
static int checkdir (void)
{
  struct stat st ;
  struct passwd *pw ;
  char mode[8], uid[UINT64_FMT] ;
  state_failreset() ;
  if (state_checkdir(dir, 0, 0) < 0 || (stat(dir, &st) < 0 && state_fail("read", 0, 0, errno) < 0))
  {
    say(CRITICAL, "state") ;
    state_warn_effect(dir, "relaylock lets nobody relay") ;
    return 0 ;
  }
  mode[0] = '0' ; mode[1 + uint_ofmt(mode + 1, st.st_mode & 07777)] = 0 ;
  pw = getpwuid(st.st_uid) ;
  u64(uid, st.st_uid) ;
  if (!(st.st_mode & S_IWUSR))
    find(WARNING, "state", dir, " owned by ", pw ? pw->pw_name : uid, ", mode ", mode, ": its owner may not write to it, readlog cannot record") ;
  else if (!(st.st_mode & S_IXOTH) && !(st.st_mode & S_IXGRP))
    find(WARNING, "state", dir, " owned by ", pw ? pw->pw_name : uid, ", mode ", mode, ": only its owner may read it, relaylock run as another account lets nobody relay") ;
  else find(OK, "state", dir, " owned by ", pw ? pw->pw_name : uid, ", mode ", mode) ;
  return 1 ;
}

/* the grace and allow files as relaylock reads them: 1 if relaying can work */
static char const *broken = 0 ;   /* the control file that stops relaying */
static uint32_t smax = 0 ;        /* sessionmax, as relaylock reads it */
static int checkcontrol (uint32_t *grace, uint64_t *max)
{
  char fmt[UINT64_FMT] ;
  int r = relay_ready(dir, 0, grace, &smax), ready = r > 0 ;
  if (!ready)
  {
    broken = state_failed.file ? state_failed.file : "" ;
    say(CRITICAL, broken[0] ? broken : "state") ;
    state_warn_effect(dir, "relaylock lets nobody relay until it is fixed") ;
  }
  else
  {
    find(OK, "grace", u64(fmt, *grace), " seconds") ;
    say(WARNING, "grace") ; state_warn_grace(dir, *grace) ;
    if (smax) find(OK, "sessionmax", u64(fmt, smax), " seconds") ;
    else find(OK, "sessionmax", "0: sessions are not followed") ;
    r = state_allow_list(dir, &nonet, 0, 0) ;
    if (r >= 0) find(OK, "allow", u64(fmt, r), r == 1 ? " network" : " networks") ;
    say(WARNING, "allow") ; state_warn_allow(dir) ;
  }
  r = state_journalmax(dir, max) ;
  if (r > 0) find(OK, "journalmax", u64(fmt, *max), " bytes") ;
  else
  {
    *max = STATE_JOURNALMAX_DEFAULT ;
    say(WARNING, "journalmax") ;
    state_warn_effect(dir, r ? 0 : "the journal is not compacted until it is fixed") ;
  }
  return ready ;
}

static uint64_t filesize (char const *name)
{
  struct stat st ;
  char path[STATE_PATH(dir, name)] ;
  return stat(state_path(path, dir, name), &st) < 0 ? 0 : (uint64_t)st.st_size ;
}

static void checkjournal (uint64_t max)
{
  char a[UINT64_FMT], b[UINT64_FMT], c[UINT64_FMT + 8] ;
  uint64_t size = filesize("journal") ;
  int64_t last = 0 ;
  int r ;
  if (size > CATCHUP * max)
    find(WARNING, "journal", u64(a, size), " bytes, more than " SECONDS(CATCHUP) " times journalmax (", u64(b, max), "): it is not compacted") ;
  else find(OK, "journal", u64(a, size), " bytes") ;
  r = state_compact_last(dir, &last) ;
  if (r < 0) { say(WARNING, "compaction") ; state_warn(dir) ; return ; }
  if (!r) last = 0 ;
  if (size && (!last || now - last >= COMPACT_LATE))
    find(WARNING, "compaction", last ? "last " : "", ago(c, last), ", with ", a, " bytes in the journal: readlog compacts every 300 seconds while it runs") ;
  else find(OK, "compaction", last ? "last " : "", ago(c, last)) ;
}

static void checkdisk (uint64_t max)
{
  struct statvfs sv ;
  char a[UINT64_FMT], b[UINT64_FMT], c[UINT64_FMT] ;
  uint64_t avail, inodes, need ;
  if (statvfs(dir, &sv) < 0) { find(WARNING, "disk", "unable to statvfs ", dir, ": ", strerror(errno)) ; return ; }
  avail = (uint64_t)sv.f_bavail * sv.f_frsize ;
  inodes = sv.f_files ? (uint64_t)sv.f_favail : UINT64_MAX ;
  /* a compaction writes a new snapshot beside the old one */
  need = filesize("snapshot.cdb") + filesize("journal") + max ;
  u64(a, avail) ;
  if (avail < DISK_MIN || inodes < INODES_MIN)
    find(CRITICAL, "disk", a, " bytes and ", inodes == UINT64_MAX ? "unlimited" : u64(b, inodes), " inodes free for ", dir, ": readlog cannot record logins") ;
  else if (avail < need)
    find(WARNING, "disk", a, " bytes free for ", dir, ", less than a compaction needs (", u64(c, need), ")") ;
  else find(OK, "disk", a, " bytes free") ;
}

struct count_s { uint32_t grace ; uint64_t n ; } ;
static int countone (entry const *e, void *data)
{
  struct count_s *c = data ;
  record const *why ;
  int64_t until ;
  if (entry_allowed(e, now, c->grace, smax, &why, &until)) c->n++ ;
  return 0 ;
}

static void checkrelay (int ready, uint32_t grace)
{
  struct count_s c = { .grace = grace, .n = 0 } ;
  char fmt[UINT64_FMT] ;
  if (!ready) { find(CRITICAL, "relay", "nobody may relay until ", dir, broken[0] ? "/" : "", broken, " is fixed") ; return ; }
  if (state_scan(dir, &countone, &c) < 0)
  {
    say(CRITICAL, "relay") ;
    state_warn_effect(dir, "relaylock lets no login relay") ;
    return ;
  }
  find(OK, "relay", u64(fmt, c.n), c.n == 1 ? " address may relay now" : " addresses may relay now") ;
}


/* sources */

static stralloc formats = STRALLOC_ZERO ;   /* the formats readlog tries, for the message */

static void setformats (char const *list)
{
  formats.len = 0 ;
  while (*list)
  {
    size_t n = strcspn(list, ",") ;
    if (n)
    {
      if (login_format_index(list, n) < 0)
      {
        char name[n + 1] ; memcpy(name, list, n) ; name[n] = 0 ;
        strerr_dief2x(100, "unknown format: ", name) ;
      }
      if ((formats.len && !stralloc_catb(&formats, ",", 1)) || !stralloc_catb(&formats, list, n)) strerr_diefu1sys(111, "allocate") ;
    }
    list += n ;
    if (*list) list++ ;
  }
  if (!stralloc_0(&formats)) strerr_diefu1sys(111, "allocate") ;
}

/*
 * How much of the source readlog has not read: 1 and *behind, 0 if its
 * position is in no file of the source any more, -1 on error.  *mtime:
 * when the source was last written.
 */
static int behind_file (char const *path, cursor const *c, uint64_t *behind, int64_t *mtime)
{
  struct stat st ;
  if (stat(path, &st) < 0) return -1 ;
  *mtime = st.st_mtime ;
  if ((uint64_t)st.st_ino != c->ino) { *behind = st.st_size ; return 0 ; }
  *behind = (uint64_t)st.st_size > c->off ? st.st_size - c->off : 0 ;
  return 1 ;
}

/* a multilog directory: the rest of the file holding the position, and every later one */
static int behind_multilog (char const *path, cursor const *c, uint64_t *behind, int64_t *mtime)
{
  stralloc fn = STRALLOC_ZERO ;
  struct stat st ;
  uint64_t after = 0 ;
  int found = 0 ;
  DIR *d ;
  if (!stralloc_cats(&fn, path) || !stralloc_cats(&fn, "/current") || !stralloc_0(&fn)) return -1 ;
  if (stat(fn.s, &st) < 0) { stralloc_free(&fn) ; return -1 ; }
  *mtime = st.st_mtime ;
  if ((uint64_t)st.st_ino == c->ino)
  {
    stralloc_free(&fn) ;
    *behind = (uint64_t)st.st_size > c->off ? st.st_size - c->off : 0 ;
    return 1 ;
  }
  after = st.st_size ;
  /* the @ files newer than the one holding the position are behind too: found first, then summed */
  d = opendir(path) ;
  if (!d) { stralloc_free(&fn) ; return -1 ; }
  {
    char mine[MLNAME + 1] = "" ;
    for (int pass = 0 ; pass < 2 ; pass++)
    {
      direntry *de ;
      rewinddir(d) ;
      while ((de = readdir(d)))
      {
        if (de->d_name[0] != '@' || strlen(de->d_name) != MLNAME) continue ;
        if (pass && found && memcmp(de->d_name, mine, MLNAME) <= 0) continue ;
        fn.len = 0 ;
        if (!stralloc_cats(&fn, path) || !stralloc_catb(&fn, "/", 1) || !stralloc_cats(&fn, de->d_name) || !stralloc_0(&fn)) { dir_close(d) ; stralloc_free(&fn) ; return -1 ; }
        if (stat(fn.s, &st) < 0) continue ;
        if (!pass && (uint64_t)st.st_ino == c->ino)
        {
          memcpy(mine, de->d_name, MLNAME + 1) ;
          after += (uint64_t)st.st_size > c->off ? st.st_size - c->off : 0 ;
          found = 1 ;
        }
        else if (pass) after += st.st_size ;
      }
    }
    dir_close(d) ;
  }
  stralloc_free(&fn) ;
  *behind = after ;
  return found ;
}

/*
 * A journal source: its position is the journal's cursor; how far
 * behind it is, only journalctl could say.  The times are checked as a
 * file's.
 */
static void checkjsource (char const *name, char const *topic, unsigned int *readable, uint32_t window)
{
  stralloc jc = STRALLOC_ZERO ;
  cursor c = CURSOR_ZERO ;
  char t1[UINT64_FMT + 8], t2[UINT64_FMT + 8] ;
  int r = jcursor_load(dir, name, &jc, &c) ;
  (*readable)++ ;
  stralloc_free(&jc) ;
  if (r < 0)
  {
    find(WARNING, topic, "unable to read readlog's position in ", dir, ": ", errno == EPROTO ? "it is not a valid cursor" : strerror(errno)) ;
    return ;
  }
  if (!r)
  {
    find(WARNING, topic, "readlog has no position in it: it has read none of it (is it one of readlog's sources?)") ;
    return ;
  }
  ago(t1, c.line) ; ago(t2, c.login) ;
  if (c.line && now - c.line < (int64_t)window && (!c.login || now - c.login >= (int64_t)window))
    find(WARNING, topic, "lines read ", t1, " but no login recognised ", c.login ? "since " : "", c.login ? t2 : "ever", ", with the formats ", formats.s) ;
  else find(OK, topic, "a journal: last entry read ", t1, ", last login ", t2) ;
}

static void checksource (char const *name, unsigned int *readable, uint32_t window)
{
  stralloc path = STRALLOC_ZERO ;
  struct stat st ;
  cursor c = CURSOR_ZERO ;
  uint64_t behind = 0 ;
  int64_t mtime = 0 ;
  int ml, r, level = OK ;
  char topic[8 + strlen(name)] ;
  char bfmt[UINT64_FMT], t1[UINT64_FMT + 8], t2[UINT64_FMT + 8], t3[UINT64_FMT + 8] ;
  memcpy(topic, "source ", 7) ; strcpy(topic + 7, name) ;
  if (!strcmp(name, "-")) { find(OK, topic, "standard input: no position to check") ; (*readable)++ ; return ; }
  if (!strncmp(name, "journal:", 8)) { checkjsource(name, topic, readable, window) ; return ; }
  if (!strncmp(name, "rsyslog:", 8))
  {
    /* its file, under whose path readlog keeps the position */
    size_t n = jtrust_rsyslogname(name) ;
    char file[n + 1] ;
    if (!n) strerr_dief2x(100, "invalid rsyslog source: ", name) ;
    memcpy(file, name + 8, n) ; file[n] = 0 ;
    if (!strcmp(file, "-")) { find(OK, topic, "standard input: no position to check") ; (*readable)++ ; return ; }
    if (source_abspath(&path, file) < 0) strerr_diefu1sys(111, "allocate") ;
  }
  else if (source_abspath(&path, name) < 0) strerr_diefu1sys(111, "allocate") ;

  if (stat(path.s, &st) < 0)
  {
    find(WARNING, topic, "unable to read it: ", strerror(errno), ": readlog records no login from it") ;
    goto end ;
  }
  ml = S_ISDIR(st.st_mode) ;
  if (!ml && !S_ISREG(st.st_mode))
  {
    find(WARNING, topic, "it is not a regular file or a multilog directory: readlog records no login from it") ;
    goto end ;
  }
  {
    size_t n = path.len ;
    int fd ;
    if (ml && !stralloc_insertb(&path, n - 1, "/current", 8)) strerr_diefu1sys(111, "allocate") ;
    fd = open(path.s, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
    if (fd < 0)
    {
      find(WARNING, topic, "unable to read ", ml ? "its file current" : "it", ": ", strerror(errno), ": readlog records no login from it") ;
      goto end ;
    }
    fd_close(fd) ;
    path.len = n ; path.s[n - 1] = 0 ;
  }
  (*readable)++ ;

  r = cursor_load(dir, path.s, &c) ;
  if (r < 0)
  {
    find(WARNING, topic, "unable to read readlog's position in ", dir, ": ", errno == EPROTO ? "it is not a valid cursor" : strerror(errno)) ;
    goto end ;
  }
  if (!r)
  {
    find(WARNING, topic, "readlog has no position in it: it has read none of it (is it one of readlog's sources?)") ;
    goto end ;
  }
  r = ml ? behind_multilog(path.s, &c, &behind, &mtime) : behind_file(path.s, &c, &behind, &mtime) ;
  if (r < 0)
  {
    find(WARNING, topic, "unable to read it: ", strerror(errno)) ;
    goto end ;
  }
  u64(bfmt, behind) ;
  ago(t1, c.line) ; ago(t2, c.login) ; ago(t3, mtime) ;
  if (behind && now - mtime >= SETTLE)
  {
    level = WARNING ;
    if (r) find(WARNING, topic, "behind by ", bfmt, " bytes, written ", t3, ": is readlog running?") ;
    else find(WARNING, topic, "behind by at least ", bfmt, " bytes, written ", t3, ": readlog's position is in a file it no longer has") ;
  }
  if (c.line && now - c.line < (int64_t)window && (!c.login || now - c.login >= (int64_t)window))
  {
    level = WARNING ;
    find(WARNING, topic, "lines read ", t1, " but no login recognised ", c.login ? "since " : "", c.login ? t2 : "ever", ", with the formats ", formats.s) ;
  }
  if (level == OK)
    find(OK, topic, behind ? "behind by " : "read to its end", behind ? bfmt : "", behind ? " bytes written less than " SECONDS(SETTLE) " seconds ago" : "",
      ", last line read ", t1, ", last login ", t2) ;
 end:
  stralloc_free(&path) ;
}

/* -S: what the service directory gives readlog (service/readlog's run reads conf/: -d STATEDIR, then the words of SOURCES) */
static void confline (stralloc *sa, char const *sd, char const *name)
{
  stralloc fn = STRALLOC_ZERO ;
  if (!stralloc_cats(&fn, sd) || !stralloc_cats(&fn, "/conf/") || !stralloc_cats(&fn, name) || !stralloc_0(&fn)) strerr_diefu1sys(111, "allocate") ;
  if (!openslurpclose(sa, fn.s)) strerr_diefu2sys(111, "read ", fn.s) ;
  stralloc_free(&fn) ;
}

int main (int argc, char const *const *argv)
{
  char const *servicedir = 0 ;
  stralloc confdir = STRALLOC_ZERO, confsrc = STRALLOC_ZERO ;
  uint32_t grace = 0, window = 86400 ;
  uint64_t journalmax = STATE_JOURNALMAX_DEFAULT ;
  unsigned int nsrc = 0, readable = 0 ;
  int ready ;
  PROG = "relaycheck" ;
  dir = 0 ;
  setformats("") ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "d:S:F:w:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'd' : dir = l.arg ; break ;
        case 'S' : servicedir = l.arg ; break ;
        case 'F' : setformats(l.arg) ; break ;
        case 'w' : if (!l.arg[0] || l.arg[uint320_scan(l.arg, &window)] || !window) usage_badvalue(USAGE, 'w', l.arg) ; break ;
        default : strerr_dieusage(100, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!formats.s[0])
  {
    formats.len = 0 ;
    for (unsigned int i = 0 ; i < login_nformats ; i++)
      if ((i && !stralloc_catb(&formats, ",", 1)) || !stralloc_cats(&formats, login_formats[i].name)) strerr_diefu1sys(111, "allocate") ;
    if (!stralloc_0(&formats)) strerr_diefu1sys(111, "allocate") ;
  }
  if (servicedir)
  {
    if (!dir)
    {
      confline(&confdir, servicedir, "STATEDIR") ;
      /* openslurpclose leaves no NUL: the first line is found within len */
      {
        char const *nl = confdir.len ? memchr(confdir.s, '\n', confdir.len) : 0 ;
        if (nl) confdir.len = nl - confdir.s ;
      }
      if (!confdir.len) strerr_dief3x(100, "empty ", servicedir, "/conf/STATEDIR") ;
      if (!stralloc_0(&confdir)) strerr_diefu1sys(111, "allocate") ;
      dir = confdir.s ;
    }
    confline(&confsrc, servicedir, "SOURCES") ;
    if (!stralloc_0(&confsrc)) strerr_diefu1sys(111, "allocate") ;
  }
  if (!dir) dir = auto_state ;
  now = time(0) ;
  state_warn_to(&asfinding, &as) ;

  if (checkdir())
  {
    ready = checkcontrol(&grace, &journalmax) ;
    checkjournal(journalmax) ;
    checkdisk(journalmax) ;
    checkrelay(ready, grace) ;
  }
  else find(CRITICAL, "relay", "nobody may relay: the state directory cannot be read") ;

  /* the shell's word splitting of $SOURCES: blanks, tabs, newlines */
  if (servicedir)
  {
    char *s = confsrc.s ;
    for (;;)
    {
      size_t n ;
      s += strspn(s, " \t\n") ;
      if (!*s) break ;
      n = strcspn(s, " \t\n") ;
      if (s[n]) s[n++] = 0 ;
      checksource(s, &readable, window) ; nsrc++ ;
      s += n ;
    }
  }
  for (int i = 0 ; i < argc ; i++) { checksource(argv[i], &readable, window) ; nsrc++ ; }
  if (nsrc && !readable)
  {
    char a[UINT_FMT] ;
    a[uint_fmt(a, nsrc)] = 0 ;
    find(CRITICAL, "sources", "none of the ", a, nsrc == 1 ? " source" : " sources", " can be read: readlog records no login") ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return worst ;
}
