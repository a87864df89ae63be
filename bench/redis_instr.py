#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Redis's instructions per call, one SMS lookup's calls (issue 13).

    redis_instr.py REPLAY_DIR SCRIPTS_DIR REDIS_SERVER PORT [NAME=FILE]...

REPLAY_DIR is what bench/replay.py wrote (phases, NN.resp, each call of
one lookup as COPIES distinct MOs); SCRIPTS_DIR holds NAME.lua for each
of the store's scripts, as `citizengw-ctl script NAME` prints it (the
text the daemon loads: some hold the configuration's values), loaded
byte for byte. For each phase, redis-server runs under
callgrind twice: the phases before it replayed whole, then that phase's
first third of its copies, or all of them; the difference of the two
totals over the copies between is what one call costs Redis, in
instructions, start-up and earlier phases cancelled out. Unlike CPU time
on a shared machine, the count does not move from run to run (a few
tenths of a percent), so a change to a script shows at once. NAME=FILE
runs FILE in place of script NAME (an experiment; the calls keep their
arguments). Prints a line per phase: phase, call, arguments,
instructions per call.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

from replay import resp  # bench/replay.py: the RESP the replay writes


def read_reply(f):
    line = f.readline()
    kind = line[:1]
    if kind in b'+-:':
        return line
    if kind == b'$':
        n = int(line[1:])
        return None if n < 0 else f.read(n + 2)[:-2]
    if kind == b'*':
        return [read_reply(f) for _ in range(max(int(line[1:]), 0))]
    raise ValueError('not a RESP reply: %r' % line)


def commands(path, ncmds):
    """The calls of a replay file, each as its bytes and its number of
    commands, ncmds (replay.py's phases: a transaction, MULTI to EXEC, is
    one call)."""
    data = open(path, 'rb').read()
    out, i = [], 0
    while i < len(data):
        start = i
        for _ in range(ncmds):
            j = data.index(b'\r\n', i)
            k = j + 2
            for _ in range(int(data[i + 1:j])):
                e = data.index(b'\r\n', k)
                k = e + 2 + int(data[k + 1:e]) + 2
            i = k
        out.append((data[start:i], ncmds))
    return out


def scripts(sdir):
    """name -> the script's text as the daemon sends it."""
    return {f[:-4]: open(os.path.join(sdir, f), 'rb').read()
            for f in sorted(os.listdir(sdir)) if f.endswith('.lua')}


def run(server, port, texts, swap, before, last, tmp):
    """Total instructions of a redis-server that loads the scripts,
    replays the `before` commands, then `last`."""
    out = os.path.join(tmp, 'cg.out')
    p = subprocess.Popen(
        ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out,
         server, '--port', str(port), '--bind', '127.0.0.1', '--save', '',
         '--appendonly', 'no', '--hash-max-listpack-value', '256'],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            s = socket.create_connection(('127.0.0.1', port))
            break
        except OSError:
            time.sleep(0.1)
    else:
        p.kill()
        sys.exit('redis-server under valgrind did not start')
    f = s.makefile('rb')
    sha = {}
    for name, text in texts.items():
        s.sendall(resp([b'SCRIPT', b'LOAD', text]))
        orig = read_reply(f)
        if name in swap:
            s.sendall(resp([b'SCRIPT', b'LOAD', swap[name]]))
            sha[orig] = read_reply(f)
    for cmds in before + [last]:
        data = b''.join(c for c, _ in cmds)
        for a, b in sha.items():
            data = data.replace(a, b)
        s.sendall(data)
        for _ in range(sum(n for _, n in cmds)):
            r = read_reply(f)
            if isinstance(r, list) and r and isinstance(r[-1], bytes) and \
                    r[-1].startswith(b'-'):
                r = r[-1]	# EXEC's: the script's, last
            if isinstance(r, bytes) and r.startswith(b'-'):
                sys.exit('replay: %s' % r.decode(errors='replace').strip())
    s.sendall(resp([b'SHUTDOWN', b'NOSAVE']))
    p.wait()
    for line in open(out):
        if line.startswith('totals:') or line.startswith('summary:'):
            return int(line.split()[1])
    sys.exit('no totals in callgrind output')


def main():
    rdir, sdir, server, port = sys.argv[1:5]
    swap = {}
    for a in sys.argv[5:]:
        name, path = a.split('=', 1)
        swap[name] = open(path, 'rb').read()
    texts = scripts(sdir)
    phases = [l.split() for l in open(os.path.join(rdir, 'phases'))]
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, what, argc, ncmds in phases:
            cmds = commands(os.path.join(rdir, n + '.resp'), int(ncmds))
            third = len(cmds) // 3
            a = run(server, int(port), texts, swap, done, cmds[:third], tmp)
            b = run(server, int(port), texts, swap, done, cmds, tmp)
            print(n, what, argc, (b - a) // (len(cmds) - third))
            sys.stdout.flush()
            done.append(cmds)


if __name__ == '__main__':
    main()
