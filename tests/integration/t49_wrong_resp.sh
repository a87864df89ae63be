#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A response whose command id does not match its request: an SMS centre
# (a small scripted one here, in Python: citizengw-sim always answers
# correctly) answers the daemon's submit_sm with a deliver_sm_resp of the
# same sequence number. The daemon names the mismatch in its log, does not
# take it as the submit's answer (the reply is not counted as sent), neither
# crashes nor drops the bind (under ASan+UBSan: no undefined behaviour),
# and the next MO on the same bind is answered as usual.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }

cat >"$T/smsc.py" <<'PY'
import socket, struct, sys, time
port_file, log = sys.argv[1], open(sys.argv[2], "w")
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(1)
open(port_file + ".tmp", "w").write(str(srv.getsockname()[1]))
import os; os.rename(port_file + ".tmp", port_file)
srv.settimeout(60)
c, _ = srv.accept(); c.settimeout(60)
buf = b""
def pdu():
    global buf
    while True:
        if len(buf) >= 4:
            n = struct.unpack(">I", buf[:4])[0]
            if len(buf) >= n:
                p, buf = buf[:n], buf[n:]
                return struct.unpack(">IIII", p[:16]) + (p[16:],)
        d = c.recv(4096)
        if not d: raise SystemExit("connection closed")
        buf += d
def send(cmd, status, seq, body=b""):
    c.sendall(struct.pack(">IIII", 16 + len(body), cmd, status, seq) + body)
    log.write("sent 0x%08x seq=%d\n" % (cmd, seq)); log.flush()
def mo(seq, frm, text):
    body = (b"\0" + bytes([1, 1]) + frm + b"\0" + bytes([0, 0]) + b"8088\0" +
            bytes([0, 0, 0]) + b"\0\0" + bytes([0, 0, 0, 0, len(text)]) + text)
    send(0x00000005, 0, seq, body)
def wait_for(cmd):
    while True:
        _, c_id, st, seq, body = pdu()
        log.write("got 0x%08x status=%d seq=%d\n" % (c_id, st, seq)); log.flush()
        if c_id == 0x00000015:                  # enquire_link
            send(0x80000015, 0, seq); continue
        if c_id == cmd: return seq, st, body
_, c_id, _, seq, _ = pdu()
assert c_id == 0x00000009, hex(c_id)            # bind_transceiver
send(0x80000009, 0, seq, b"fake\0")
mo(1, b"84912345678", b"TRACUU 000.00.19.H56-250806-0001")
s, st, _ = wait_for(0x80000005); assert st == 0, st
s, _, _ = wait_for(0x00000004)                  # the reply: submit_sm
send(0x80000005, 0, s)                          # ... answered wrongly
log.write("WRONG-RESP-SENT\n"); log.flush()
time.sleep(0.5)
mo(2, b"84977000111", b"xin chao")
s, st, _ = wait_for(0x80000005); assert st == 0, st
s, _, body = wait_for(0x00000004)
assert b"84977000111" in body, body
send(0x80000004, 0, s, b"m2\0")
log.write("SECOND-ANSWERED\n"); log.flush()
time.sleep(1)
c.close()
PY
python3 "$T/smsc.py" "$T/smsc.port" "$T/smsc.log" 2>"$T/smsc.err" &
SMSC_PID=$!
PIDS="$PIDS $SMSC_PID"
wait_for 10 test -s "$T/smsc.port" || fail "the scripted SMS centre did not start"
SIM_PORT=$(cat "$T/smsc.port")

start_redis
write_config
import_samples
start_gw
_rc=0
for _ in $(seq $(( 400 * SLOW ))); do
	kill -0 "$SMSC_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$SMSC_PID" 2>/dev/null && fail "the scripted SMS centre is still waiting"
wait "$SMSC_PID" || _rc=$?
[ "$_rc" = 0 ] || fail "the scripted SMS centre failed: $(cat "$T/smsc.err")"
grep -q "WRONG-RESP-SENT" "$T/smsc.log" || fail "no wrong response sent"
grep -q "SECOND-ANSWERED" "$T/smsc.log" || fail "the next MO was not answered"
grep -q "answered by deliver_sm_resp, expected submit_sm_resp: ignored" "$T/gw.log" ||
	fail "the daemon did not name the mismatch"
# the wrongly answered reply was not taken as sent
grep -q "MT .*\.r to 84912\*\*\*78 sent as" "$T/gw.log" &&
	fail "a reply answered by another command's response counted as sent"
# one bind only: the mismatch did not cost the link
[ "$(count_in "$T/smsc.log" "sent 0x80000009")" = 1 ] || fail "bound more than once"
kill -0 "$GW_PID" 2>/dev/null || fail "the daemon died"
stop_gw || fail "citizengw exited with an error"
pass
