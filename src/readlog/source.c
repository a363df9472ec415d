/* ISC license. */

#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/direntry.h>
#include "crc32.h"
#include "cursor.h"
#include "timescan.h"
#include "source.h"

#define MLNAME 27   /* "@" 24 hex digits ".s" or ".u" */

int source_abspath (stralloc *sa, char const *name)
{
  if (name[0] != '/' && (sagetcwd(sa) < 0 || !stralloc_catb(sa, "/", 1))) return -1 ;
  if (!stralloc_cats(sa, name)) return -1 ;
  while (sa->len > 1 && sa->s[sa->len - 1] == '/') sa->len-- ;
  return stralloc_0(sa) ? 0 : -1 ;
}

int source_init (source *src, char const *name)
{
  struct stat st ;
  size_t i ;
  src->name = name ;
  src->fd = -1 ; src->ino = 0 ; src->rpos = 0 ; src->len = 0 ;
  src->mlname[0] = 0 ; src->skipping = 0 ; src->cont = 0 ; src->stamped = 0 ;
  src->eof = 0 ; src->dirty = 0 ; src->fpend = 0 ;
  src->status = SOURCE_OK ; src->err = 0 ; src->broken = 0 ; src->why = SOURCE_OK ;
  src->cur = (cursor)CURSOR_ZERO ;
  src->path = stralloc_zero ; src->dir = stralloc_zero ;
  src->jargs = stralloc_zero ; src->jbuf = stralloc_zero ; src->jcur = stralloc_zero ;
  src->jpid = 0 ; src->jmode = JOURNAL_FROMTOP ; src->jcheck = 0 ; src->jexec = 0 ;
  src->jonce = 0 ; src->jdone = 0 ; src->lost = 0 ; src->jstarted = 0 ; src->jnext = 0 ; src->jbackoff = 1 ;
  if (!strncmp(name, "journal:", 8)) return journal_init(src, name) ;
  if (!strcmp(name, "-"))
  {
    src->kind = SOURCE_STDIN ;
    return stralloc_copys(&src->path, "-") && stralloc_0(&src->path) ? 0 : -1 ;
  }
  if (source_abspath(&src->path, name) < 0) return -1 ;
  src->kind = stat(src->path.s, &st) == 0 && S_ISDIR(st.st_mode) ? SOURCE_MULTILOG : SOURCE_FILE ;
  if (src->kind == SOURCE_MULTILOG) return stralloc_copy(&src->dir, &src->path) ? 0 : -1 ;
  i = src->path.len - 1 ;
  while (src->path.s[i] != '/') i-- ;
  if (!stralloc_catb(&src->dir, src->path.s, i ? i : 1) || !stralloc_0(&src->dir)) return -1 ;
  return 0 ;
}

void source_close (source *src)
{
  if (src->kind == SOURCE_JOURNAL) { journal_close(src) ; return ; }
  if (src->fd >= 0 && src->kind != SOURCE_STDIN) fd_close(src->fd) ;
  src->fd = -1 ; src->len = 0 ; src->skipping = 0 ; src->fpend = 0 ;
}

/* the handler's calls: a failure of the handler is told from the source's own */
static int hline (source *src, source_handler const *h, char const *s, size_t len, int what)
{
  if ((*h->line)(src, s, len, what, h->data) >= 0) return 0 ;
  src->why = -1 ;
  return -1 ;
}

static int hraw (source *src, source_handler const *h, char const *s, size_t len)
{
  if (!h->raw || (*h->raw)(src, s, len, h->data) >= 0) return 0 ;
  src->why = -1 ;
  return -1 ;
}

static void note (source *src, source_handler const *h, char const *what, char const *file)
{
  if (h->note) (*h->note)(src, what, file, h->data) ;
}

/*
 * The position after buf[0..end) is now processed: move the cursor
 * there.  Its fingerprint is computed only when it is needed (a save,
 * or before those bytes leave the buffer), not for every line.
 */
static void advance (source *src, size_t end)
{
  src->cur.ino = src->ino ;
  src->cur.off = src->rpos + end ;
  src->fpend = end ;
  src->dirty = 1 ;
}

void source_fingerprint (source *src)
{
  size_t n = src->fpend < CURSOR_FPMAX ? src->fpend : CURSOR_FPMAX ;
  if (!src->fpend) return ;
  src->cur.fplen = n ;
  src->cur.crc = crc32_buf(src->buf + src->fpend - n, n) ;
  src->fpend = 0 ;
}

/* multilog t's "@" TAI64N and a space */
static int hasstamp (char const *s, size_t len)
{
  int64_t t ;
  size_t n = tai64n_scan(s, len, &t) ;
  return n && n < len && s[n] == ' ' ;
}

/*
 * In a directory whose lines carry stamps, multilog stamps every line it
 * begins: a line without one is the rest of a line cut across files.
 */
static int unstamped (source *src, char const *s, size_t len)
{
  if (src->kind != SOURCE_MULTILOG) return 0 ;
  if (hasstamp(s, len)) { src->stamped = 1 ; return 0 ; }
  return src->stamped ;
}

/* hands every complete line in buf to the handler; keeps the tail */
static int lines (source *src, source_handler const *h)
{
  size_t start = 0 ;
  for (;;)
  {
    char *nl = memchr(src->buf + start, '\n', src->len - start) ;
    size_t end ;
    int r ;
    if (!nl) break ;
    end = nl - src->buf ;
    if (src->cont) src->skipping = SOURCE_CUT ;
    else if (!src->skipping && end - start > SOURCE_LINEMAX) src->skipping = SOURCE_TOOLONG ;
    else if (!src->skipping && unstamped(src, src->buf + start, end - start)) src->skipping = SOURCE_CUT ;
    if (src->skipping)
      r = hline(src, h, 0, 0, src->skipping) ;
    else
      r = hline(src, h, src->buf + start, end - start, 0) ;
    if (r < 0) return -1 ;
    src->skipping = 0 ; src->cont = 0 ;
    advance(src, end + 1) ;
    start = end + 1 ;
  }
  source_fingerprint(src) ;
  if (src->cont && src->len > start) { src->skipping = SOURCE_CUT ; src->cont = 0 ; }
  if (!src->skipping && src->len - start > SOURCE_LINEMAX) src->skipping = SOURCE_TOOLONG ;
  if (src->skipping) start = src->len ;  /* the text of a line not read is never kept */
  memmove(src->buf, src->buf + start, src->len - start) ;
  src->len -= start ;
  src->rpos += start ;
  return 0 ;
}

/*
 * The end of a file that will not grow any more, or of standard input:
 * a tail with no LF is not a line, readlog did not see all of it.  The
 * cursor moves past it all the same, so that it is not read again; its
 * text may be gone (a long line's is not kept), so the fingerprint is
 * read back from the file.
 */
static int flushtail (source *src, source_handler const *h)
{
  uint64_t end = src->rpos + src->len ;
  if (!src->len && !src->skipping) return 0 ;
  if (hline(src, h, 0, 0, SOURCE_CUT) < 0) return -1 ;
  src->len = 0 ; src->skipping = 0 ; src->rpos = end ;
  if (src->kind != SOURCE_STDIN)
  {
    size_t n = end < CURSOR_FPMAX ? end : CURSOR_FPMAX ;
    ssize_t r = pread(src->fd, src->buf, n, end - n) ;
    if (r < 0) return -1 ;
    if ((size_t)r < n) return 0 ;  /* shortened meanwhile: the cursor stays before it */
    src->rpos = end - n ;
    advance(src, n) ;
    source_fingerprint(src) ;
    src->rpos = end ;
  }
  return 0 ;
}

/* -1 error, 0 end of file, 1 budget spent, 2 nothing more for now */
static int readall (source *src, source_handler const *h, size_t *budget)
{
  for (;;)
  {
    ssize_t r ;
    if (!*budget) return 1 ;
    r = read(src->fd, src->buf + src->len, SOURCE_BUFSIZE - src->len) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      return errno == EAGAIN || errno == EWOULDBLOCK ? 2 : -1 ;
    }
    if (!r) return 0 ;
    if (hraw(src, h, src->buf + src->len, r) < 0) return -1 ;
    *budget = (size_t)r < *budget ? *budget - r : 0 ;
    src->len += r ;
    if (lines(src, h) < 0) return -1 ;
  }
}

/*
 * opens file (absolute) at offset off; 1 if open, 0 if it does not
 * exist, -1 if it cannot be read or is not a regular file (then
 * src->why SOURCE_NOTFILE, src->err its type)
 */
static int openat_off (source *src, char const *file, uint64_t off)
{
  struct stat st ;
  int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) return errno == ENOENT ? 0 : -1 ;
  if (fstat(fd, &st) < 0 || (off && lseek(fd, off, SEEK_SET) < 0))
  {
    int e = errno ; fd_close(fd) ; errno = e ; return -1 ;
  }
  if (!S_ISREG(st.st_mode))
  {
    fd_close(fd) ;
    src->why = SOURCE_NOTFILE ; src->err = st.st_mode & S_IFMT ;
    errno = EINVAL ;
    return -1 ;
  }
  src->fd = fd ; src->ino = st.st_ino ; src->rpos = off ; src->len = 0 ; src->skipping = 0 ; src->cont = 0 ;
  return 1 ;
}

static int cat3 (stralloc *sa, char const *a, char const *b)
{
  sa->len = 0 ;
  return stralloc_cats(sa, a) && stralloc_catb(sa, "/", 1) && stralloc_cats(sa, b) && stralloc_0(sa) ;
}


/* multilog */

static int ml_isname (char const *s)
{
  size_t i ;
  if (strlen(s) != MLNAME || s[0] != '@' || s[25] != '.' || (s[26] != 's' && s[26] != 'u')) return 0 ;
  for (i = 1 ; i < 25 ; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0 ;
  return 1 ;
}

static int ml_cmp (void const *a, void const *b)
{
  return memcmp(a, b, MLNAME) ;
}

/* the @ files of the directory, MLNAME bytes each, oldest first */
static int ml_list (source *src, stralloc *names)
{
  DIR *d = opendir(src->path.s) ;
  names->len = 0 ;
  if (!d) return -1 ;
  for (;;)
  {
    direntry *de ;
    errno = 0 ;
    de = readdir(d) ;
    if (!de) break ;
    if (ml_isname(de->d_name) && !stralloc_catb(names, de->d_name, MLNAME)) { dir_close(d) ; return -1 ; }
  }
  if (errno) { int e = errno ; dir_close(d) ; errno = e ; return -1 ; }
  dir_close(d) ;
  if (names->len) qsort(names->s, names->len / MLNAME, MLNAME, &ml_cmp) ;
  return 0 ;
}

/* opens DIR/name on the source, in place of the file it had; 1, or 0 if name is gone */
static int ml_switch (source *src, source_handler const *h, stralloc *fn, char const *name, int isat)
{
  int fd = src->fd, r ;
  if (!cat3(fn, src->path.s, name)) return -1 ;
  src->fd = -1 ;
  r = openat_off(src, fn->s, 0) ;
  if (r <= 0) { int e = errno ; src->fd = fd ; errno = e ; return r ; }
  if (fd >= 0) fd_close(fd) ;
  if (isat) memcpy(src->mlname, name, MLNAME + 1) ; else src->mlname[0] = 0 ;
  note(src, h, "reading", name) ;
  return 1 ;
}

/*
 * Whether the file open on fd, which will not grow any more, ends inside
 * a line, whose rest then begins the next file.  Asked of the file
 * itself, not of what was read: after a restart at its very end, the
 * answer is the same.  1, 0, or -1 (errno).
 */
static int ml_endscut (source *src)
{
  struct stat st ;
  char c ;
  if (fstat(src->fd, &st) < 0) return -1 ;
  if (!st.st_size) return src->cont ;  /* empty: a piece begun before goes on after it */
  if (pread(src->fd, &c, 1, st.st_size - 1) != 1) return -1 ;
  return c != '\n' ;
}

/*
 * The file after the one open on fd (or the first one if none is open).
 * multilog rotates by renaming current to previous, then linking
 * previous to @stamp.s and unlinking previous, and removes the oldest @
 * files; so the order is: @ files by name, then previous, then current.
 * The open file is found by its inode (it cannot be reused while it is
 * open); if it has been removed, every @ file left is newer.  current
 * and previous are looked at before the directory is listed, so a file
 * renamed in between shows up under its later name.  1 if it moved on,
 * 0 if there is nothing new yet.
 *
 * The new file's first piece is dropped (src->cont) if the old one ended
 * inside a line; with no file before it, if it is a rotated file (its
 * predecessor may be one multilog removed, ended inside a line): only a
 * current that was never rotated surely begins with a line.
 */
static int ml_next (source *src, source_handler const *h)
{
  stralloc names = STRALLOC_ZERO, fn = STRALLOC_ZERO ;
  struct stat cst ;
  int r = -1, cfd = -1 ;
  int cont = src->fd < 0 ? 1 : ml_endscut(src), rotated = 0 ;
  if (cont < 0) return -1 ;
  for (;;)
  {
    struct stat st ;
    size_t i, n ;
    uint64_t pino = 0 ;
    int ours = src->fd >= 0 && !src->mlname[0] ;  /* open, name unknown */
    if (!cat3(&fn, src->path.s, "current")) goto end ;
    if (cfd >= 0) fd_close(cfd) ;
    cfd = open(fn.s, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
    if (cfd < 0 && errno != ENOENT) goto end ;
    if (cfd >= 0 && fstat(cfd, &cst) < 0) goto end ;
    if (!cat3(&fn, src->path.s, "previous")) goto end ;
    if (stat(fn.s, &st) == 0) pino = st.st_ino ; else if (errno != ENOENT) goto end ;
    if (ml_list(src, &names) < 0) goto end ;
    n = names.len / MLNAME ;
    if (n || pino) rotated = 1 ;
    if (ours && pino == src->ino) i = n ;  /* the newest rotated file: previous */
    else
    {
      if (ours)
        for (i = 0 ; i < n ; i++)
        {
          char name[MLNAME + 1] ;
          memcpy(name, names.s + i * MLNAME, MLNAME) ; name[MLNAME] = 0 ;
          if (!cat3(&fn, src->path.s, name)) goto end ;
          if (stat(fn.s, &st) == 0 && (uint64_t)st.st_ino == src->ino) { memcpy(src->mlname, name, MLNAME + 1) ; break ; }
        }
      for (i = 0 ; i < n ; i++)
        if (!src->mlname[0] || memcmp(names.s + i * MLNAME, src->mlname, MLNAME) > 0) break ;
      if (i < n)
      {
        char name[MLNAME + 1] ;
        memcpy(name, names.s + i * MLNAME, MLNAME) ; name[MLNAME] = 0 ;
        r = ml_switch(src, h, &fn, name, 1) ;
        if (r < 0) goto end ;
        if (r) goto end ;
        /* removed meanwhile: what follows it is newer still */
        memcpy(src->mlname, name, MLNAME + 1) ;
        continue ;
      }
      /* previous, not yet linked to its @ name */
      if (pino && pino != src->ino)
      {
        r = ml_switch(src, h, &fn, "previous", 0) ;
        if (r) goto end ;
        continue ;
      }
    }
    /* current, as it was when opened: a later rotation shows up above */
    if (cfd < 0 || (src->fd >= 0 && (uint64_t)cst.st_ino == src->ino))
    {
      /* nothing to read at all: a multilog directory always has current */
      if (cfd < 0 && src->fd < 0) src->why = SOURCE_NOCURRENT ;
      r = 0 ; goto end ;
    }
    if (src->fd >= 0) fd_close(src->fd) ; else if (!rotated) cont = 0 ;
    src->fd = cfd ; cfd = -1 ;
    src->ino = cst.st_ino ; src->rpos = 0 ; src->len = 0 ; src->skipping = 0 ;
    src->mlname[0] = 0 ;
    note(src, h, "reading", "current") ;
    r = 1 ; goto end ;
  }
 end:
  if (r == 1) src->cont = cont ;
  if (cfd >= 0) { int e = errno ; fd_close(cfd) ; errno = e ; }
  stralloc_free(&names) ; stralloc_free(&fn) ;
  return r ;
}

/*
 * After a restart, whether the lines carry stamps is known from the
 * lines just before the cursor, in the file: those of a buffer's worth
 * that are whole in it.  1, 0, or -1 (errno).
 */
static int ml_stampedbefore (source *src, uint64_t off)
{
  size_t n = off < SOURCE_BUFSIZE ? off : SOURCE_BUFSIZE, i = 0 ;
  ssize_t r = pread(src->fd, src->buf, n, off - n) ;
  if (r < 0) return -1 ;
  if ((size_t)r < n) return 0 ;
  if (off > n)
  {
    char *nl = memchr(src->buf, '\n', n) ;
    if (!nl) return 0 ;
    i = nl - src->buf + 1 ;
  }
  while (i < n)
  {
    char *nl = memchr(src->buf + i, '\n', n - i) ;
    if (!nl) break ;
    if (hasstamp(src->buf + i, nl - src->buf - i)) return 1 ;
    i = nl - src->buf + 1 ;
  }
  return 0 ;
}

/* finds the file and offset of src->cur among current and the @ files */
static int ml_start (source *src, source_handler const *h)
{
  stralloc names = STRALLOC_ZERO, fn = STRALLOC_ZERO ;
  size_t i, n ;
  int r ;
  src->fd = -1 ; src->mlname[0] = 0 ; src->cont = 0 ; src->stamped = 0 ;
  if (src->cur.off)
  {
    /*
     * In the order a file moves (current, previous, @stamp), the @ files
     * listed only after the other two were looked at: a file rotated
     * meanwhile is seen under its later name.
     */
    n = 0 ;
    for (i = 0 ; ; i++)
    {
      char name[MLNAME + 1] = "current" ;
      if (i == 1) strcpy(name, "previous") ;
      else if (i)
      {
        if (i == 2)
        {
          if (ml_list(src, &names) < 0) goto err ;
          n = names.len / MLNAME ;
        }
        if (i - 2 >= n) break ;
        memcpy(name, names.s + (n + 1 - i) * MLNAME, MLNAME) ; name[MLNAME] = 0 ;
      }
      if (!cat3(&fn, src->path.s, name)) goto err ;
      r = openat_off(src, fn.s, 0) ;
      if (r < 0) goto err ;
      if (!r) continue ;
      r = cursor_match(src->fd, &src->cur, 0) ;
      if (r < 0) goto err ;
      if (r)
      {
        r = ml_stampedbefore(src, src->cur.off) ;
        if (r < 0) goto err ;
        src->stamped = r ;
        if (lseek(src->fd, src->cur.off, SEEK_SET) < 0) goto err ;
        src->rpos = src->cur.off ;
        if (i > 1) memcpy(src->mlname, name, MLNAME + 1) ;
        note(src, h, "resuming in", name) ;
        stralloc_free(&names) ; stralloc_free(&fn) ;
        return 0 ;
      }
      source_close(src) ;
    }
    note(src, h, "position lost, reading all of", src->path.s) ;
  }
  stralloc_free(&names) ; stralloc_free(&fn) ;
  return ml_next(src, h) < 0 ? -1 : 0 ;
 err:
  { int e = errno ; source_close(src) ; stralloc_free(&names) ; stralloc_free(&fn) ; errno = e ; }
  return -1 ;
}

static int ml_step (source *src, source_handler const *h)
{
  size_t budget = SOURCE_BUDGET ;
  if (src->fd < 0)
  {
    int r = ml_next(src, h) ;
    if (r <= 0) return r ;
  }
  for (;;)
  {
    struct stat st ;
    int r = readall(src, h, &budget) ;
    if (r == 1 || r < 0) return r ;
    if (!src->mlname[0])
    {
      stralloc fn = STRALLOC_ZERO ;
      if (!cat3(&fn, src->path.s, "current")) return -1 ;
      r = stat(fn.s, &st) ;
      stralloc_free(&fn) ;
      if (r < 0 && errno != ENOENT) return -1 ;
      if (!r && (uint64_t)st.st_ino == src->ino) return 0 ;
      /* multilog finishes current before renaming it: read to its very end */
      r = readall(src, h, &budget) ;
      if (r == 1 || r < 0) return r ;
    }
    if (flushtail(src, h) < 0) return -1 ;
    r = ml_next(src, h) ;
    if (r <= 0) return r ;
  }
}


/* plain files */

static int compressed (char const *s)
{
  static char const *const suf[] = { ".gz", ".bz2", ".xz", ".zst", ".Z", ".lz4", 0 } ;
  size_t n = strlen(s) ;
  for (char const *const *p = suf ; *p ; p++)
  {
    size_t m = strlen(*p) ;
    if (n > m && !strcmp(s + n - m, *p)) return 1 ;
  }
  return 0 ;
}

/*
 * After a restart, the file at cur may have been rotated away: look for
 * it (or for copytruncate's copy of it) among the uncompressed siblings
 * NAME.*, NAME-*, NAME_*.  1 if found and open at cur, 0 if not.
 */
static int file_sibling (source *src)
{
  char const *base = strrchr(src->path.s, '/') + 1 ;
  size_t blen = strlen(base) ;
  stralloc fn = STRALLOC_ZERO ;
  DIR *d ;
  int r = 0 ;
  d = opendir(src->dir.s) ;
  if (!d) return errno == ENOENT ? 0 : -1 ;
  for (;;)
  {
    direntry *de = readdir(d) ;
    int anyino ;
    if (!de) break ;
    if (strncmp(de->d_name, base, blen) || !strchr(".-_", de->d_name[blen]) || !de->d_name[blen] || compressed(de->d_name)) continue ;
    if (!cat3(&fn, src->dir.s, de->d_name)) { r = -1 ; break ; }
    for (anyino = 0 ; anyino < 2 ; anyino++)
    {
      r = openat_off(src, fn.s, 0) ;
      /* a sibling that cannot be read is not looked into */
      if (r < 0) { src->why = SOURCE_OK ; r = 0 ; }
      if (!r) break ;
      r = cursor_match(src->fd, &src->cur, anyino) ;
      if (r) break ;
      source_close(src) ;
    }
    if (r) break ;
  }
  dir_close(d) ;
  stralloc_free(&fn) ;
  if (r > 0)
  {
    if (lseek(src->fd, src->cur.off, SEEK_SET) < 0) { source_close(src) ; return -1 ; }
    src->rpos = src->cur.off ;
  }
  return r ;
}

static int file_start (source *src, source_handler const *h)
{
  int r = openat_off(src, src->path.s, 0) ;
  if (r < 0) return -1 ;
  if (!r) src->why = SOURCE_MISSING ;
  if (!src->cur.off) return 0 ;
  if (r)
  {
    r = cursor_match(src->fd, &src->cur, 0) ;
    if (r < 0) return -1 ;
    if (r)
    {
      if (lseek(src->fd, src->cur.off, SEEK_SET) < 0) return -1 ;
      src->rpos = src->cur.off ;
      note(src, h, "resuming in", src->path.s) ;
      return 0 ;
    }
    source_close(src) ;
  }
  r = file_sibling(src) ;
  if (r < 0) return -1 ;
  if (r) { note(src, h, "resuming in a rotated file of", src->path.s) ; return 0 ; }
  note(src, h, "position lost, reading all of", src->path.s) ;
  r = openat_off(src, src->path.s, 0) ;
  if (r < 0) return -1 ;
  if (!r) src->why = SOURCE_MISSING ;
  return 0 ;
}

static int file_step (source *src, source_handler const *h)
{
  size_t budget = SOURCE_BUDGET ;
  if (src->fd < 0)
  {
    int r = openat_off(src, src->path.s, 0) ;
    if (!r) src->why = SOURCE_MISSING ;
    if (r <= 0) return r ;
    note(src, h, "reading", src->path.s) ;
  }
  for (;;)
  {
    struct stat st ;
    int r = readall(src, h, &budget) ;
    if (r == 1 || r < 0) return r ;
    if (fstat(src->fd, &st) < 0) return -1 ;
    if ((uint64_t)st.st_size < src->rpos + src->len)
    {
      /*
       * copytruncate: the file starts again.  An unfinished line is
       * cut, and its rest may begin the new contents.
       */
      int cut = src->len || src->skipping ;
      if (cut && hline(src, h, 0, 0, SOURCE_CUT) < 0) return -1 ;
      if (lseek(src->fd, 0, SEEK_SET) < 0) return -1 ;
      src->rpos = 0 ; src->len = 0 ; src->skipping = 0 ; src->cont = cut ;
      note(src, h, "truncated, reading from the start", src->path.s) ;
      continue ;
    }
    if (stat(src->path.s, &st) < 0)
    {
      if (errno != ENOENT) return -1 ;
      src->why = SOURCE_MISSING ;  /* gone: what was written to it is read all the same */
      return 0 ;
    }
    if ((uint64_t)st.st_ino == src->ino) return 0 ;
    /*
     * Renamed or removed: the writer may go on writing the old file
     * until it reopens (syslogd before its HUP), so the old file is
     * read until the new one has its first byte.
     */
    if (!st.st_size) return 0 ;
    r = readall(src, h, &budget) ;
    if (r == 1 || r < 0) return r ;
    if (flushtail(src, h) < 0) return -1 ;
    source_close(src) ;
    r = openat_off(src, src->path.s, 0) ;
    if (!r) src->why = SOURCE_MISSING ;
    if (r <= 0) return r ;
    note(src, h, "rotated, reading", src->path.s) ;
  }
}


static int kind_start (source *src, source_handler const *h)
{
  switch (src->kind)
  {
    case SOURCE_STDIN :
      /*
       * Not made non-blocking: the pipe may be shared with the next
       * logger of the service.  readlog reads it once per readiness.
       */
      src->fd = 0 ; src->len = 0 ; src->skipping = 0 ;
      return 0 ;
    case SOURCE_MULTILOG : return ml_start(src, h) ;
    case SOURCE_JOURNAL : return journal_start(src, h) ;
    default : return file_start(src, h) ;
  }
}

static int kind_step (source *src, source_handler const *h)
{
  if (src->broken)
  {
    if (kind_start(src, h) < 0) return -1 ;
    src->broken = 0 ;
    if (src->why != SOURCE_OK) return 0 ;
  }
  switch (src->kind)
  {
    case SOURCE_STDIN :
    {
      ssize_t r ;
      if (src->eof) return 0 ;
      r = read(0, src->buf + src->len, SOURCE_BUFSIZE - src->len) ;
      if (r < 0) return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1 ;
      if (!r) { src->eof = 1 ; return flushtail(src, h) ; }
      if (hraw(src, h, src->buf + src->len, r) < 0) return -1 ;
      src->len += r ;
      return lines(src, h) ;
    }
    case SOURCE_MULTILOG : return ml_step(src, h) ;
    case SOURCE_JOURNAL : return journal_step(src, h) ;
    default : return file_step(src, h) ;
  }
}

/*
 * What a step found becomes the source's status.  A failure to read a
 * file is the source's, not the caller's: the source is closed at its
 * cursor (whose fingerprint is taken first) and started again there at
 * the next step.  The handler's failures and standard input's are the
 * caller's.
 */
static int status (source *src, int r)
{
  if (r >= 0)
  {
    src->status = src->why ;
    src->err = src->why == SOURCE_MISSING || src->why == SOURCE_NOCURRENT ? ENOENT : src->why == SOURCE_NOTFILE || src->why == SOURCE_CHILD ? src->err : 0 ;
    return r ;
  }
  if (src->why < 0 || src->kind == SOURCE_STDIN) return -1 ;
  if (src->why == SOURCE_NOTFILE) src->status = SOURCE_NOTFILE ;
  else
  {
    src->status = errno == ENOENT ? SOURCE_MISSING : SOURCE_UNREADABLE ;
    src->err = errno ;
  }
  source_fingerprint(src) ;
  source_close(src) ;
  src->broken = 1 ;
  return 0 ;
}

/* a directory where a file was expected: a multilog directory made since */
static int becomesdir (source *src, source_handler const *h, int r)
{
  if (r >= 0 || src->kind != SOURCE_FILE || src->why != SOURCE_NOTFILE || src->err != S_IFDIR) return r ;
  if (!stralloc_copy(&src->dir, &src->path)) { src->why = -1 ; return -1 ; }
  src->kind = SOURCE_MULTILOG ;
  src->cur = (cursor)CURSOR_ZERO ;
  src->why = SOURCE_OK ; src->err = 0 ; src->broken = 0 ;
  note(src, h, "a directory now, reading it as a multilog directory:", src->path.s) ;
  return kind_start(src, h) ;
}

int source_start (source *src, source_handler const *h)
{
  src->why = SOURCE_OK ;
  src->broken = 0 ;
  return status(src, becomesdir(src, h, kind_start(src, h))) ;
}

int source_step (source *src, source_handler const *h)
{
  src->why = SOURCE_OK ;
  return status(src, becomesdir(src, h, kind_step(src, h))) ;
}

char const *source_why (source const *src)
{
  if (src->status == SOURCE_NOCURRENT) return "it has no file current: not a multilog directory, or not yet" ;
  if (src->status == SOURCE_CHILD) return journal_why(src) ;
  if (src->status != SOURCE_NOTFILE) return strerror(src->err) ;
  switch (src->err)
  {
    case S_IFDIR : return "it is a directory, not a regular file" ;
    case S_IFIFO : return "it is a FIFO, not a regular file" ;
    case S_IFSOCK : return "it is a socket, not a regular file" ;
    case S_IFCHR : case S_IFBLK : return "it is a device, not a regular file" ;
    default : return "it is not a regular file" ;
  }
}

/*
 * Standard input cannot be read again: before exiting, the line begun is
 * read to its end, one byte at a time so that nothing after it is taken
 * from the pipe, which the next reader gets whole.
 */
int source_finishline (source *src, source_handler const *h)
{
  if (src->kind != SOURCE_STDIN || src->eof) return 0 ;
  while (src->len || src->skipping)
  {
    char c ;
    ssize_t r = read(0, &c, 1) ;
    if (r < 0) { if (errno == EINTR) continue ; return -1 ; }
    if (!r) { src->eof = 1 ; return flushtail(src, h) ; }
    if (hraw(src, h, &c, 1) < 0) return -1 ;
    src->buf[src->len++] = c ;
    if (lines(src, h) < 0) return -1 ;
  }
  return 0 ;
}
