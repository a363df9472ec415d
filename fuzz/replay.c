/* ISC license. */

/*
 * replay FILE...: runs each file through the target it is linked with,
 * as libFuzzer would; a check that fails aborts.  Prints how many
 * inputs passed.  Plain C and stdio: it builds with the project's
 * compile script, no clang needed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include "fuzz.h"

static char const *current = "" ;

/* a failed check aborts: say which input it was */
static void onabort (int sig)
{
  (void)sig ;
  write(2, "replay: failed on ", 18) ;
  write(2, current, strlen(current)) ;
  write(2, "\n", 1) ;
  signal(SIGABRT, SIG_DFL) ;
}

int main (int argc, char **argv)
{
  unsigned long n = 0 ;
  signal(SIGABRT, &onabort) ;
  for (int i = 1 ; i < argc ; i++)
  {
    FILE *f = fopen(argv[i], "rb") ;
    char *s = 0 ;
    size_t len = 0, cap = 0 ;
    if (!f) { perror(argv[i]) ; return 111 ; }
    for (;;)
    {
      size_t r ;
      if (len == cap)
      {
        cap = cap ? cap * 2 : 4096 ;
        s = realloc(s, cap) ;
        if (!s) { perror("realloc") ; return 111 ; }
      }
      r = fread(s + len, 1, cap - len, f) ;
      if (!r) break ;
      len += r ;
    }
    if (ferror(f)) { perror(argv[i]) ; return 111 ; }
    fclose(f) ;
    current = argv[i] ;
    LLVMFuzzerTestOneInput((uint8_t const *)s, len) ;
    free(s) ;
    n++ ;
  }
  printf("replayed %lu\n", n) ;
  return 0 ;
}
