#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Redis commands of N SMS lookups' records, in RESP, for
bench/keyspace-cost.sh: what the keyspace's shape costs Redis.

    keyspace.py FORM N > stream.resp

Every form writes, per MO, what every lookup writes whatever the shape:
the MO's and the reply's records (HSET of their packs, PEXPIREAT) and
the reply's outcome (HSET). Then, by FORM:

  key     the fingerprint a key of its own, as the daemon writes it:
          round trip 1's GET, the commit's SET ... PXAT ... GET; the
          receipt's mapping a key of its own (SET ... PXAT ... GET)
  fphash  the fingerprint a field of its shard's bucket of the window
          (2 minutes): round trip 1's HGET of this bucket and of the
          last, the commit's HGET and HSET (SET ... GET's reply, in a
          transaction); the mapping a key
  hash    fphash, and the mapping a field of its shard's bucket of the
          day (HGET and HSET)
  nomap   key without the mapping: what the mapping costs

Shards, ids and values have the shapes and lengths of the daemon's
(16 shards, 32 hex digits of fingerprint, an MO id and its ".r");
the records live for days, the fingerprints for the window.
"""
import hashlib
import random
import sys

FORMS = ("key", "fphash", "hash", "nomap")
AT = 1896700000000          # expiries far ahead: nothing expires in a run
WINDOW = 120000


def cmd(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def mo_commands(form, i, rnd):
    s = rnd.randrange(16)
    tag = b"cgw:{s%d}:" % s
    fp = hashlib.sha1(b"%d" % i).hexdigest()[:32].encode()
    mark = b"m,1796700000123,1a253d%07x-vm.1691-%d" % (i, i % 10)
    mo = tag + b"mo:1a253d%07x-vm.1691-%d" % (i, i % 10)
    mt = tag + b"mt:1a253d%07x-vm.1691-%d.r" % (i, i % 10)
    out = [
        cmd(b"HSET", mo, b"m", b"849%08d,8088,1,1,3,0,main1,sms,,,1796700000123" % i,
            b"s", b"c", b"t", b"TRACUU 000.00.19.H56-250806-0001"),
        cmd(b"PEXPIREAT", mo, AT),
        cmd(b"HSET", mt, b"a", b"849%08d,8088,3,1796700000125" % i, b"s", b"q",
            b"t", b"Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc "
            b"khai sinh): Dang xu ly. Hen tra 20/08/2025."),
        cmd(b"PEXPIREAT", mt, AT),
        cmd(b"HSET", mt, b"s", b"sent", b"i", b"%d" % (1000000 + i)),
    ]
    if form in ("key", "nomap"):
        k = tag + b"fp:" + fp
        out += [cmd(b"GET", k), cmd(b"SET", k, mark, b"PXAT", AT + WINDOW, b"GET")]
    else:
        now, last = tag + b"fpb:100", tag + b"fpb:99"
        out += [cmd(b"HGET", now, fp), cmd(b"HGET", last, fp),
                cmd(b"HGET", now, fp), cmd(b"HSET", now, fp, mark)]
    msgid = b"%d" % (1000000 + i)
    if form in ("key", "fphash"):
        out.append(cmd(b"SET", b"cgw:msgid:main1:" + msgid, mt[len(tag) + 3:],
                       b"PXAT", AT, b"GET"))
    elif form == "hash":
        day = tag + b"msgid:main1:20261208"
        out += [cmd(b"HGET", day, msgid), cmd(b"HSET", day, msgid, mt[len(tag) + 3:])]
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in FORMS:
        sys.exit("usage: keyspace.py {%s} N" % "|".join(FORMS))
    form, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(1)
    out = sys.stdout.buffer
    buf = []
    for i in range(n):
        buf += mo_commands(form, i, rnd)
        if len(buf) > 5000:
            out.write(b"".join(buf))
            buf = []
    out.write(b"".join(buf))


if __name__ == "__main__":
    main()
