/* ISC license. */

/* logline_split: every part it gives is inside the line, in order. */

#include <string.h>
#include "login.h"
#include "fuzz.h"

#define IN(p, n) ((p) >= s && (p) + (n) <= s + len)

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t len)
{
  char const *s = (char const *)data ;
  logline l ;
  int r = logline_split(s, len, FUZZ_NOW, &l) ;
  CHECK(r == 0 || r == 1, "logline_split's answer is out of range", s, len) ;
  if (!r) return 0 ;
  CHECK(l.tag && l.taglen && IN(l.tag, l.taglen), "the tag is not in the line", s, len) ;
  CHECK(!memchr(l.tag, ' ', l.taglen) && !memchr(l.tag, '[', l.taglen), "the tag holds a space or a [", s, len) ;
  if (l.host) CHECK(IN(l.host, l.hostlen) && l.host + l.hostlen <= l.tag, "the host is not before the tag", s, len) ;
  CHECK(l.msg && IN(l.msg, l.msglen) && l.msg >= l.tag + l.taglen, "the message is not after the tag", s, len) ;
  CHECK(l.msg + l.msglen == s + len, "the message does not run to the end of the line", s, len) ;
  CHECK(l.time >= -1, "a time before 1970", s, len) ;
  CHECK(l.haspid || !l.pid, "a pid without one", s, len) ;
  return 0 ;
}
