#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Redis commands of N SMS lookups' records, in RESP, for
bench/keyspace-cost.sh: what the keyspace's shape costs Redis.

    keyspace.py FORM N > stream.resp

Every form writes, per MO, what every lookup writes whatever the shape:
the MO's and the reply's records (HSET of their packs, PEXPIREAT), the
reply's outcome (HSET), and its phone's profile (round trip 1's HGETALL,
the reply counted by HINCRBY; PHONES phones, each MO another's in turn).
Then, by FORM:

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
  fpph    the fingerprint a field of the phone's profile (read with it
          in round trip 1, no GET; HGET and HSET in the commit, the
          field of the MO that left the window deleted there: the
          window is WINDOW_MOS MOs, from the environment, default
          3,000,000, 2 minutes at 25,000 MO/s, so that a profile holds
          as many as in bench/run's loop); the mapping a key

Shards, ids and values have the shapes and lengths of the daemon's
(16 shards, 32 hex digits of fingerprint, an MO id and its ".r");
the records live for days, the fingerprints for the window.
"""
import hashlib
import os
import sys

FORMS = ("key", "fphash", "hash", "nomap", "fpph")
PHONES = 100000             # bench/run's 60 s loop's citizens
WINDOW_MOS = int(os.environ.get("WINDOW_MOS", 25000 * 120))
AT = 1896700000000          # expiries far ahead: nothing expires in a run
WINDOW = 120000


def cmd(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def mo_commands(form, i):
    phone = b"849%08d" % (i % PHONES)
    s = i % PHONES % 16         # the phone's shard
    tag = b"cgw:{s%d}:" % s
    ph = tag + b"ph:" + phone
    fp = hashlib.sha1(b"%d" % i).hexdigest()[:32].encode()
    mark = b"m,1796700000123,1a253d%07x-vm.1691-%d" % (i, i % 10)
    mo = tag + b"mo:1a253d%07x-vm.1691-%d" % (i, i % 10)
    mt = tag + b"mt:1a253d%07x-vm.1691-%d.r" % (i, i % 10)
    out = [
        cmd(b"HGETALL", ph),
        cmd(b"HINCRBY", ph, b"rln", 1),
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
    elif form == "fpph":
        # a field per MO of the phone within the window, the one that
        # left it deleted with this one's write: at 25,000 MO/s the
        # window (2 minutes) is WINDOW_MOS MOs, the phone's
        # WINDOW_MOS / PHONES last ones (30 at bench/run's pace, where
        # each citizen sends 15 MOs a minute; a real citizen a few); with
        # the default, N = 2,000,000 deletes none: 20 a phone by the end
        f = b"f:" + fp
        out += [cmd(b"HGET", ph, f), cmd(b"HSET", ph, f, mark)]
        if i >= WINDOW_MOS:
            old = hashlib.sha1(b"%d" % (i - WINDOW_MOS)).hexdigest()[:32].encode()
            out.append(cmd(b"HDEL", ph, b"f:" + old))
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
    out = sys.stdout.buffer
    buf = []
    for i in range(n):
        buf += mo_commands(form, i)
        if len(buf) > 5000:
            out.write(b"".join(buf))
            buf = []
    out.write(b"".join(buf))


if __name__ == "__main__":
    main()
