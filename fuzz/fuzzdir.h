/* ISC license. */

#ifndef POPLOCK_FUZZDIR_H
#define POPLOCK_FUZZDIR_H

/*
 * The state targets work on files: one private state directory per
 * process, under $TMPDIR (or /dev/shm, faster, when it is there),
 * emptied before each input.
 */

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "fuzz.h"

static char fuzzdir[256] ;

static void fuzzdir_clean (void)
{
  static char const *const names[] = { "journal", "journal.old", "snapshot.cdb", "snapshot.tmp", "lock", "grace", "journalmax", "allow", 0 } ;
  char path[300] ;
  for (unsigned int i = 0 ; names[i] ; i++)
  {
    snprintf(path, sizeof(path), "%s/%s", fuzzdir, names[i]) ;
    unlink(path) ;
  }
}

static void fuzzdir_rm (void)
{
  fuzzdir_clean() ;
  rmdir(fuzzdir) ;
}

static char const *fuzzdir_get (void)
{
  if (!fuzzdir[0])
  {
    char const *t = getenv("TMPDIR") ;
    struct stat st ;
    if (!t) t = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp" ;
    snprintf(fuzzdir, sizeof(fuzzdir), "%s/poplock-fuzz.XXXXXX", t) ;
    if (!mkdtemp(fuzzdir)) { perror("mkdtemp") ; abort() ; }
    chmod(fuzzdir, 0755) ;
    atexit(&fuzzdir_rm) ;
  }
  fuzzdir_clean() ;
  return fuzzdir ;
}

static void fuzzdir_put (char const *name, char const *s, size_t len)
{
  char path[300] ;
  int fd ;
  snprintf(path, sizeof(path), "%s/%s", fuzzdir, name) ;
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) ;
  if (fd < 0) { perror(path) ; abort() ; }
  while (len)
  {
    ssize_t w = write(fd, s, len) ;
    if (w <= 0) { perror(path) ; abort() ; }
    s += w ; len -= w ;
  }
  close(fd) ;
}

#endif
