# SPDX-License-Identifier: GPL-3.0-or-later
"""Replays one MO's Redis commands as many distinct MOs (bench/script-cost.sh).

    python3 bench/replay.py MONITOR_LOG COPIES OUTDIR

MONITOR_LOG holds what Redis received while the daemon handled one MO,
or a few of one phone (a USSD dial and its answer; redis-cli MONITOR).
The calls the daemon made (not the commands its scripts ran) are taken
in order, a transaction (MULTI ... EXEC) as one; for each,
OUTDIR/NN.resp holds COPIES of it in RESP, for `redis-cli --pipe`, each
copy made a different MO: the MO ids, the fingerprints, the SMS
centre's message ids (each distinct one) and the phone are replaced by
copy-specific ones, so that each copy writes its own keys as a new MO
would. OUTDIR/phases lists, one a line, NN, the call (EVALSHA:<the
first 8 digits of the SHA1>; MULTI+EVALSHA:... for a transaction that
calls a script), its argument count (a transaction's, all its
commands') and its number of commands (1 but for a transaction).
"""
import os
import re
import sys

LINE = re.compile(r'^[0-9.]+ \[\d+ ([^\]]+)\] (.*)$')
ARG = re.compile(r'"((?:[^"\\]|\\.)*)"')
ESC = re.compile(rb'\\(x[0-9a-fA-F]{2}|.)')


def unquote(s):
    """An argument as MONITOR prints it (sdscatrepr) back to bytes."""
    def one(m):
        e = m.group(1)
        if e[:1] == b'x':
            return bytes([int(e[1:], 16)])
        return {b'n': b'\n', b'r': b'\r', b't': b'\t', b'a': b'\a',
                b'b': b'\b'}.get(e, e)
    return ESC.sub(one, s.encode('latin-1'))


def commands(path):
    """The client calls of a MONITOR log, each a list of commands (one,
    but for a transaction: MULTI to EXEC), each a list of bytes."""
    out, tx = [], None
    with open(path, encoding='latin-1') as f:
        for line in f:
            m = LINE.match(line.rstrip('\n'))
            if not m or m.group(1).startswith('lua') or \
                    m.group(1).startswith('unix'):
                continue
            args = [unquote(a) for a in ARG.findall(m.group(2))]
            name = args[0].upper() if args else b''
            if tx is not None:
                tx.append(args)
                if name in (b'EXEC', b'DISCARD'):
                    out.append(tx)
                    tx = None
            elif name == b'MULTI':
                tx = [args]
            elif args and name not in (b'MONITOR', b'SMEMBERS', b'CLIENT',
                                       b'INFO'):
                out.append([args])
    return out


# what makes the MO itself, and where a command names it
TOKENS = (('id', rb':mo:([^\0]+)'), ('fp', rb':fp:([0-9a-f]{16,})'),
          ('phone', rb':ph:(\d{6,})'), ('msgid', rb'msgid:[^:\0]+:([^\0]+)'))


def tokens(cmds):
    """What makes the MOs themselves, as found: {(name, k): token}, k
    counting the distinct tokens of a name (the log of a USSD dial and
    its answer holds two MOs, two fingerprints, two message ids; one
    phone)."""
    blob = b'\0'.join(b'\0'.join(c) for call in cmds for c in call)
    found = {}
    for name, pattern in TOKENS:
        seen = []
        for m in re.finditer(pattern, blob):
            t = m.group(1)
            if t not in seen and not any(t in s for s in seen):
                seen = [s for s in seen if s not in t] + [t]
        for k, t in enumerate(seen):
            found[(name, k)] = t
    return found


def variant(tok, name, i, k=0):
    """tok made the i-th copy's, of the same length (k: the k-th token
    of its name, told apart)."""
    if name == 'fp':
        return tok[:-8] + b'%07x%x' % (i, k)
    if name == 'id':
        # "<time>-<instance>-<counter>": the counter becomes the copy's
        head, _, _ = tok.rpartition(b'-')
        return head + b'-c%d' % i + (b'k%d' % k if k else b'')
    digits = b'%d' % i + (b'%d' % k if k else b'')
    return tok[:-len(digits)] + digits if len(digits) < len(tok) else digits


def resp(args):
    out = [b'*%d\r\n' % len(args)]
    for a in args:
        out.append(b'$%d\r\n%s\r\n' % (len(a), a))
    return b''.join(out)


def mine(cmds, toks):
    """The MO's own commands: those naming it, and its dossier's read (the
    daemon's timers, claims and heartbeats, ran meanwhile too)."""
    out = []
    for call in cmds:
        c = call[0]
        if any(t in a for c in call for a in c for t in toks.values()) or \
                (c[0].upper() == b'HGETALL' and b':dossier:' in c[1]):
            out.append(call)
    return out


def main():
    path, copies, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cmds = commands(path)
    toks = tokens(cmds)
    cmds = mine(cmds, toks)
    missing = {'id', 'fp', 'phone'} - {name for name, _ in toks}
    if missing:
        sys.exit('replay.py: no %s in %s' % (', '.join(sorted(missing)),
                                               path))
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'phases'), 'w') as ph:
        for n, call in enumerate(cmds):
            what = call[0][0].decode().upper()
            for c in call:
                if c[0].upper() == b'EVALSHA':
                    what = ('MULTI+' if len(call) > 1 else '') + \
                        'EVALSHA:' + c[1][:8].decode()
            ph.write('%02d %s %d %d\n' % (n, what, sum(len(c) for c in call),
                                          len(call)))
            with open(os.path.join(outdir, '%02d.resp' % n), 'wb') as f:
                for i in range(copies):
                    for args in call:
                        # longest first: the id is part of the MT's id
                        for (name, k), tok in sorted(
                                toks.items(), key=lambda t: -len(t[1])):
                            v = variant(tok, name, i, k)
                            args = [a.replace(tok, v) for a in args]
                        f.write(resp(args))


if __name__ == '__main__':
    main()
