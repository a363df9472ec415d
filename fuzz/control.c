/* ISC license. */

/*
 * The control files: the first byte says which one the rest is.
 * grace and journalmax are one decimal number between blanks, or
 * invalid; allow is all valid (and each network listed matches its own
 * address) or invalid at the same line for state_allow_list and
 * state_allow_match.
 */

#include <errno.h>
#include "fuzzdir.h"
#include "addr.h"
#include "net.h"
#include "state.h"

static int blank (char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' ; }

/* the number the text holds, the slow way: 1, or 0 if it is not one number below max */
static int number (char const *s, size_t len, uint64_t max, uint64_t *u)
{
  size_t i = 0, j ;
  uint64_t v = 0 ;
  while (i < len && blank(s[i])) i++ ;
  for (j = i ; j < len && s[j] >= '0' && s[j] <= '9' ; j++)
  {
    if (v > (max - (s[j] - '0')) / 10) return 0 ;
    v = v * 10 + (s[j] - '0') ;
  }
  if (j == i) return 0 ;
  while (j < len && blank(s[j])) j++ ;
  if (j < len) return 0 ;
  *u = v ;
  return 1 ;
}

struct nets_s { char const *dir ; char const *s ; size_t len ; unsigned int n ; } ;

static int onenet (net const *n, unsigned int listline, void *data)
{
  struct nets_s *x = data ;
  net m ;
  unsigned int line = 0 ;
  CHECK(state_allow_match(x->dir, &n->a, &m, &line) == 1, "a listed network does not match its own address", x->s, x->len) ;
  CHECK(line && line <= listline, "the first match is after the network's own line", x->s, x->len) ;
  x->n++ ;
  return 0 ;
}

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data + 1 ;
  char const *dir = fuzzdir_get() ;
  size_t len ;
  uint64_t u = 0 ;
  if (!size) return 0 ;
  len = size - 1 ;
  switch (data[0] % 3)
  {
    case 0 :
    {
      uint32_t g = 0 ;
      int r ;
      fuzzdir_put("grace", s, len) ;
      r = state_grace(dir, &g) ;
      CHECK(r >= 0, "state_grace fails to read", s, len) ;
      if (len > 64) CHECK(r == 0, "a grace file over 64 bytes accepted", s, len) ;
      else CHECK(r == number(s, len, GRANT_MAX, &u) && (!r || u == g), "state_grace reads another number", s, len) ;
      break ;
    }
    case 1 :
    {
      uint64_t m = 0 ;
      int r ;
      fuzzdir_put("journalmax", s, len) ;
      r = state_journalmax(dir, &m) ;
      CHECK(r >= 0, "state_journalmax fails to read", s, len) ;
      if (len > 64) CHECK(r == 0, "a journalmax file over 64 bytes accepted", s, len) ;
      else CHECK(r == number(s, len, UINT64_MAX, &u) && (!r || u == m), "state_journalmax reads another number", s, len) ;
      break ;
    }
    case 2 :
    {
      struct nets_s x = { .dir = dir, .s = s, .len = len, .n = 0 } ;
      unsigned int line = 0, line2 = 0 ;
      addr a ;
      net n ;
      int r, r2 ;
      fuzzdir_put("allow", s, len) ;
      r = state_allow_list(dir, &onenet, &x, &line) ;
      addr_parse("192.0.2.7", 9, &a) ;
      r2 = state_allow_match(dir, &a, &n, &line2) ;
      if (r < 0)
      {
        CHECK(errno == EINVAL, "state_allow_list fails, not with EINVAL", s, len) ;
        CHECK(r2 < 0 && errno == EINVAL && line2 == line, "state_allow_match and state_allow_list disagree on the bad line", s, len) ;
      }
      else
      {
        CHECK((unsigned int)r == x.n, "state_allow_list's count is not its calls", s, len) ;
        CHECK(r2 >= 0, "state_allow_match refuses a file state_allow_list reads", s, len) ;
        if (r2 == 1) CHECK(net_match(&n, &a), "state_allow_match's network does not hold the address", s, len) ;
      }
      break ;
    }
  }
  return 0 ;
}
