#!/bin/bash
# addr_scan/addr_parse/addr_fmt and net_parse/net_match/net_fmt, through
# tests/addrtool: strict literals, RFC 5952 output, mapped addresses
# becoming IPv4, networks with host bits set refused, wide networks.
. "$(dirname "$0")/lib.sh"
A="$TOP/tests/addrtool"

# addr TEXT EXPECTED: the canonical form, or "invalid" with exit 1
addr() {
  local out rc
  out=$("$A" addr "$1" 2>&1); rc=$?
  [ "$2" = invalid ] && [ "$rc" != 1 ] && out="$out (exit $rc)"
  [ "$2" != invalid ] && [ "$rc" != 0 ] && out="$out (exit $rc)"
  check "addr '$1' -> $2" "$2" "$out"
}

# scan TEXT EXPECTED: "LEN canonical" of addr_scan, or invalid
scan() { check "scan '$1' -> $2" "$2" "$("$A" scan "$1" 2>&1)"; }

# net NET EXPECTED: the canonical network, or invalid
net() { check "net '$1' -> $2" "$2" "$("$A" net "$1" 2>&1)"; }

# match NET ADDR EXPECTED
match() { check "'$2' in '$1': $3" "$3" "$("$A" net "$1" "$2" 2>&1)"; }

echo '--- IPv4: dotted quad, four parts, each 0-255, no leading zeros'
addr 1.2.3.4 1.2.3.4
addr 0.0.0.0 0.0.0.0
addr 255.255.255.255 255.255.255.255
addr 10.0.100.9 10.0.100.9
addr 300.1.1.1 invalid
addr 1.2.3.256 invalid
addr 1.2.3 invalid
addr 1.2.3.4.5 invalid
addr 01.2.3.4 invalid
addr 1.2.3.00 invalid
addr 1.2.3.0001 invalid
addr 1.2.3.4a invalid
addr 1.2.3.4. invalid
addr .1.2.3.4 invalid
addr 1..2.3 invalid
addr '' invalid
addr ' 1.2.3.4' invalid
addr '1.2.3.4 ' invalid
addr 4294967297 invalid

echo '--- addr_scan: the whole run of address characters, never a prefix'
scan '1.2.3.4 rest' '7 1.2.3.4'
scan '1.2.3.4]' '7 1.2.3.4'
scan '1.2.3.4,' '7 1.2.3.4'
scan '1.2.3.45a' invalid
scan '1.2.3.4.5' invalid
scan 'fe80::1%eth0' '7 fe80::1'
scan '::ffff:127.0.0.1]:110' '16 127.0.0.1'
scan '::1]:110' '3 ::1'
# the run includes a ':port': callers split host and port themselves
scan '1.2.3.4:110' invalid
scan '[::1]' invalid
scan 'x1.2.3.4' invalid

echo '--- IPv6 text (RFC 4291) to RFC 5952 form'
addr 2001:DB8:0:0:0:0:2:1 2001:db8::2:1
addr 2001:db8:0:1:1:1:1:1 2001:db8:0:1:1:1:1:1
addr 2001:0:0:1:0:0:0:1 2001:0:0:1::1
addr 2001:db8:0:0:1:0:0:1 2001:db8::1:0:0:1
addr 2001:0db8:0000:0000:0000:0000:0002:0001 2001:db8::2:1
addr 2001:db8::0:1 2001:db8::1
addr 2001:db8::1:1:1:1:1 2001:db8:0:1:1:1:1:1
addr 2001:DB8::ABCD 2001:db8::abcd
addr ::1 ::1
addr :: ::
addr 1:: 1::
addr 0:0:0:0:0:0:0:0 ::
addr 1:2:3:4:5:6:7:8 1:2:3:4:5:6:7:8
addr 1:2:3:4:5:6:7:: 1:2:3:4:5:6:7:0
addr ::2:3:4:5:6:7:8 0:2:3:4:5:6:7:8
addr 1:0:2:3:4:5:6:7 1:0:2:3:4:5:6:7
addr 0:0:1:0:0:0:0:0 0:0:1::
addr fe80::1 fe80::1
addr 1:2:3:4:5:6:1.2.3.4 1:2:3:4:5:6:102:304
addr 64:ff9b::192.0.2.33 64:ff9b::c000:221
addr ::1.2.3.4 ::102:304
addr ::ffff:1.2.3.4 1.2.3.4
addr ::FFFF:1.2.3.4 1.2.3.4
addr ::ffff:0102:0304 1.2.3.4
addr ::ffff:102:304 1.2.3.4
addr 0:0:0:0:0:ffff:1.2.3.4 1.2.3.4
addr 0:0:0:0:0:ffff:7f00:1 127.0.0.1
addr ::fffe:1.2.3.4 ::fffe:102:304
addr ::1:ffff:1.2.3.4 ::1:ffff:102:304
addr fe80::1%eth0 invalid
addr ::: invalid
addr 1:::2 invalid
addr :::1 invalid
addr 1::2::3 invalid
addr ::1:: invalid
addr 12345::1 invalid
addr 1:2:3:4:5:6:7:8:9 invalid
addr 1:2:3:4:5:6:7 invalid
addr 1:2:3:4:5:6:7:8:: invalid
addr ::1:2:3:4:5:6:7:8 invalid
addr 1:2:3:4:5:6:7::8 invalid
addr :1:2:3:4:5:6:7 invalid
addr 1:2:3:4:5:6:7: invalid
addr 1: invalid
addr : invalid
addr 1:2:3:4:5:6:7:1.2.3.4 invalid
addr ::1.2.3.4:1 invalid
addr ::1.2.3 invalid
addr ::ffff:300.1.2.3 invalid
addr ::ffff:01.2.3.4 invalid
addr 1.2.3.4::1 invalid
addr fffff:: invalid

echo '--- networks'
net 1.2.3.4 1.2.3.4/32
net 192.0.2.0/24 192.0.2.0/24
net 192.0.2.128/25 192.0.2.128/25
net 10.0.0.0/8 10.0.0.0/8
net 0.0.0.0/0 0.0.0.0/0
net 10.1.2.3/32 10.1.2.3/32
net 10.1.2.2/31 10.1.2.2/31
# host bits set: a host or a network? refused, not guessed
net 192.0.2.5/24 hostbits
net 192.0.2.255/25 hostbits
net 10.1.2.3/8 hostbits
net 10.1.2.3/0 hostbits
net 10.1.2.3/31 hostbits
net 2001:db8:1:2:3:4:5:6/64 hostbits
net 2001:db8:ffff::/33 hostbits
net ::1/0 hostbits
net ::ffff:1.2.3.4/120 hostbits
net ::ffff:1.2.3.4/96 hostbits
net ::ffff:10.0.0.0/96 hostbits
net ::ffff:1.2.3.4/80 hostbits
net 10.1.2.3/33 invalid
net 10.1.2.3/ invalid
net 10.1.2.3/-1 invalid
net 10.1.2.3/+8 invalid
net 10.1.2.3/08 invalid
net 10.1.2.3/1000 invalid
net '10.1.2.3/8 ' invalid
net 10.1.2.3/8/8 invalid
net /8 invalid
net 300.1.2.3/8 invalid
net 2001:db8::1 2001:db8::1/128
net 2001:db8:1:2::/64 2001:db8:1:2::/64
net 2001:db8:8000::/33 2001:db8:8000::/33
net 2001:DB8::1/128 2001:db8::1/128
net ::/0 ::/0
net ::1/129 invalid
net 2001:db8::/ invalid
net fe80::1%eth0/64 invalid
net ::ffff:1.2.3.0/120 1.2.3.0/24
net ::ffff:1.2.3.4/128 1.2.3.4/32
net ::ffff:1.2.3.4 1.2.3.4/32
net ::ffff:0.0.0.0/96 0.0.0.0/0
net ::/80 ::/80
net ::ffff:0:0/80 hostbits

echo '--- wide networks: all of IPv4, all of IPv6, wider than /8 or /32'
wide() { check "wide '$1' -> $2" "$2" "$("$A" wide "$1" 2>&1)"; }
wide 0.0.0.0/0 'all4 0.0.0.0 255.255.255.255'
wide ::ffff:0.0.0.0/96 'all4 0.0.0.0 255.255.255.255'
wide 8.0.0.0/7 'bits 8.0.0.0 9.255.255.255'
wide 10.0.0.0/8 'no 10.0.0.0 10.255.255.255'
wide 192.0.2.0/24 'no 192.0.2.0 192.0.2.255'
wide ::/0 'all4 all6 bits :: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'
wide ::/16 'all4 bits :: 0:ffff:ffff:ffff:ffff:ffff:ffff:ffff'
wide ::/80 'all4 :: ::ffff:ffff:ffff'
wide ::/96 'no :: ::ffff:ffff'
wide 2000::/3 'bits 2000:: 3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'
wide 2001:db8::/31 'bits 2001:db8:: 2001:db9:ffff:ffff:ffff:ffff:ffff:ffff'
wide 2001:db8::/32 'no 2001:db8:: 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'

echo '--- matching'
match 192.0.2.0/24 192.0.2.77 match
match 192.0.2.0/24 192.0.3.1 nomatch
match 192.0.2.5/24 192.0.2.200 hostbits
match 10.0.0.0/8 10.255.255.255 match
match 10.0.0.0/8 11.0.0.0 nomatch
match 192.0.2.128/25 192.0.2.127 nomatch
match 192.0.2.128/25 192.0.2.128 match
match 0.0.0.0/0 203.0.113.9 match
match 0.0.0.0/0 2001:db8::1 nomatch
match 1.2.3.4 1.2.3.4 match
match 1.2.3.4/32 1.2.3.5 nomatch
match 1.2.3.4 ::ffff:1.2.3.4 match
match ::ffff:1.2.3.0/120 1.2.3.99 match
match ::ffff:1.2.3.0/120 1.2.4.99 nomatch
match 2001:db8::/32 2001:db8:ffff::1 match
match 2001:db8::/32 2001:db9::1 nomatch
match 2001:db8:1:2::/64 2001:db8:1:2:ffff:ffff:ffff:ffff match
match 2001:db8:1:2::/64 2001:db8:1:3:: nomatch
match 2001:db8::1/128 2001:db8::1 match
match 2001:db8::1/128 2001:db8::2 nomatch
match 2001:db8::/32 1.2.3.4 nomatch
match ::1 ::1 match
match ::1 0.0.0.1 nomatch
# an IPv6 network that contains ::ffff:0:0/96 holds every IPv4 address
match ::/0 1.2.3.4 match
match ::/80 1.2.3.4 match
match ::/96 1.2.3.4 nomatch
match 192.0.2.0/24 192.0.2.300 invalid
match 192.0.2.0/33 192.0.2.1 invalid

echo '--- the driver itself'
checkrun 'addrtool without arguments: usage, exit 100' 100 'addrtool: usage: .*' "$A"
