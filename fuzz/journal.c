/* ISC license. */

/*
 * The journal reader: any bytes as the journal (the first byte says
 * how many of them go to journal.old instead, as after a compactor's
 * crash).  Damaged bytes are skipped, never an error; see stateprobe.h
 * for what must hold.
 */

#include "fuzzdir.h"
#include "stateprobe.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char const *s = (char const *)data ;
  char const *dir = fuzzdir_get() ;
  size_t cut ;
  if (!size) return 0 ;
  cut = (size_t)data[0] * (size - 1) / 255 ;
  fuzzdir_put("journal.old", s + 1, cut) ;
  fuzzdir_put("journal", s + 1 + cut, size - 1 - cut) ;
  probe_state(dir, s, size, 0) ;
  return 0 ;
}
