#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mo_commit.lua against the states it can meet, replayed with the exact
# arguments the daemon sent for one SMS lookup (watched with MONITOR):
# an MO whose session changed meanwhile is left open in the inbound queue
# (leased as its reply would have been) with nothing written, and the
# script says 'conflict'; committed again once the session is as
# expected, it leaves the queue and says 'ok'; a third time, no longer
# open, it says 'gone' and writes nothing. (One daemon serialises a
# phone's MOs, so only two daemons or a staff change meet the conflict.)
# The same call in record mode (the one-call MO, what the daemon sends
# for an SMS lookup): the fingerprint judged, the MO stored closed.
# Then the fingerprint's mark taken back by the commit (an acknowledgement
# late, a recovered MO), by fp_unmark.lua, and put by fp_ack.lua (a copy
# answered in time); a copy judged by its connection's key.
. "$(dirname "$0")/lib.sh"

A=84912345678
cat >"$T/run.sim" <<SIM
wait-bind timeout=15
mo from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=$A contains="Dang xu ly"
SIM

start_redis
start_monitor
start_sim "$T/run.sim"
# the lookup committed by mo_commit.lua, not lean (store_mo.c): the
# reply limit kept exact, a script's work (t21d: the lean commit)
write_config 'protect = { replies_exact = true; };'
import_samples
start_gw
wait_sim 30
stop_gw || fail "citizengw exited with an error"
sleep 0.3
kill "$MON"

# the client's commit of the lookup, a transaction (store_mo.c): MULTI,
# the records written before the script (PRE), the mo_commit call (its
# keys as the script declares them, the second the inbound queue), EXEC
python3 - "$T/monitor.out" "$CGW_SRCDIR/src/store/lua/mo_commit.lua" \
	>"$T/call.env" <<'PY' || fail "no mo_commit transaction in MONITOR's output"
import re, shlex, sys
head = open(sys.argv[2]).read()
names = head.split('--! ARGV', 1)[1].split('\n', 1)[0].split()
knames = head.split('--! KEYS', 1)[1].split('\n', 1)[0].split()
# the optional keys (?name) a call may leave out
kmin = len([k for k in knames if not k.startswith('?')])
knames = [k.lstrip('?') for k in knames]
argv = pre = block = None
for line in open(sys.argv[1], errors='replace'):
    if ' lua] ' in line:
        continue
    c = re.findall(r'"((?:[^"\\]|\\.)*)"', line)	# ASCII, no escapes here
    if not c:
        continue
    if c[0] == 'MULTI':
        block = []
    elif c[0] == 'EXEC':
        block = None
    elif block is not None and c[0] == 'EVALSHA' and \
            kmin <= int(c[2]) <= len(knames) and c[4].endswith(':inq'):
        argv, pre = c, block
    elif block is not None:
        block.append(c)
if argv is None:
    sys.exit(1)
# a lookup makes no request and no SMS copy: none of their keys
if int(argv[2]) != kmin:
    sys.exit('the lookup gave %s keys, not %d: %r' % (argv[2], kmin, argv))
B = 3 + int(argv[2])	# where ARGV starts
keys = dict(zip(knames, argv[3:B]))
vals = dict(zip(names, argv[B:B + len(names)]))
def call(a):
    return shlex.quote(' '.join(shlex.quote(x) for x in a))
# an SMS lookup is a one-call MO: its commit is in record mode, its
# records written before the script
if vals['flags'][4] != '1' or [c[0] for c in pre] != ['HSET', 'PEXPIREAT'] * 2:
    sys.exit('the lookup was not committed in record mode: %r' % pre)
print('CALL_REC=%s' % call(argv))
print('pre_rec() {')
for c in pre:
    print('\tredis %s >/dev/null' % ' '.join(shlex.quote(x) for x in c))
print('}')
# flags (mo_commit.lua): op, failed, counts, mode, record; a flag set
F = B + names.index('flags')
def flag(a, i, c):
    a[F] = a[F][:i] + c + a[F][i + 1:]
# the same as a USSD answer's (mode 'i', input)
a = list(argv)
flag(a, 3, 'i')
print('CALL_INPUT=%s' % call(a))
# The same call not in record mode, with no mark and no judgement, and
# the reply as its group (the fields its record got, but for state and
# owner): the commit of an MO mo_in.lua recorded.
classic = list(argv)
for n, v in (('ack_conn', ''), ('live', '')):
    classic[B + names.index(n)] = v
flag(classic, 4, '0')
mt = [c for c in pre if c[0] == 'HSET' and c[1] == keys['mt']][0][6:]
classic += mt + ['mt', str(len(mt))]
print('CALL=%s' % call(classic))
# the same call putting back the fingerprint's mark: for an
# acknowledgement late on connection 00c0ffee00c0ffee, and for a
# recovered MO (any connection), both of an MO received at 1700000000000
for name, conn in (('LATE', '00c0ffee00c0ffee'), ('RECOVERED', '*')):
    a = list(classic)
    a[B + names.index('ack_at')] = '1700000000000'
    a[B + names.index('ack_conn')] = conn
    print('CALL_%s=%s' % (name, call(a)))
for k in ('sess', 'inq', 'mo', 'mt', 'fp', 'up', 'ph'):
    print('K_%s=%s' % (k, shlex.quote(keys[k])))
for k in ('mo_id', 'expect_v', 'mt_score', 'ack_at', 'ack_conn', 'now'):
    print('V_%s=%s' % (k, shlex.quote(vals[k])))
# the session's op, the flags' first
print('V_op=%s' % {'k': 'keep', 's': 'set', 'e': 'end'}[vals['flags'][0]])
PY
. "$T/call.env"
[ "$V_op" != keep ] || fail "the lookup kept its session (op keep)"

# commit [CALL]: the replayed call's reply, one element a line
commit() {
	eval "redis ${1:-$CALL}" >"$T/reply.out" 2>&1
	head -n 1 "$T/reply.out"
}
# commit_rec CALL: a record-mode call after the records it follows (in
# the daemon's transaction; one after the other here)
commit_rec() {
	pre_rec
	commit "$1"
}
# line N of the last reply
reply_line() {
	sed -n "${1}p" "$T/reply.out"
}

# conflict: the MO open again, the session a version on
redis ZADD "$K_inq" 1 "$V_mo_id" >/dev/null
redis HSET "$K_sess" v $(( V_expect_v + 7 )) >/dev/null
redis HSET "$K_mo" state acked >/dev/null
got=$(commit)
[ "$got" = conflict ] || fail "changed session: '$got', not conflict: $(cat "$T/reply.out")"
[ "$(redis ZSCORE "$K_inq" "$V_mo_id")" = "$V_mt_score" ] ||
	fail "after a conflict the MO is not open, leased until $V_mt_score: $(redis ZSCORE "$K_inq" "$V_mo_id")"
[ "$(redis HGET "$K_mo" state)" = acked ] ||
	fail "a conflict wrote the MO: $(redis HGET "$K_mo" state)"
[ "$(redis HGET "$K_sess" v)" = $(( V_expect_v + 7 )) ] ||
	fail "a conflict wrote the session"

# the session as the MO read it: committed, out of the queue
if [ "$V_expect_v" = 0 ]; then
	redis DEL "$K_sess" >/dev/null
else
	redis HSET "$K_sess" v "$V_expect_v" >/dev/null
fi
redis DEL "$K_mt" >/dev/null
got=$(commit)
[ "$got" = ok ] || fail "expected session: '$got', not ok: $(cat "$T/reply.out")"
[ -z "$(redis ZSCORE "$K_inq" "$V_mo_id")" ] || fail "a committed MO is still open"
[ "$(redis HGET "$K_mo" state)" = answered ] ||
	fail "the MO's state after the commit: $(redis HGET "$K_mo" state)"
[ "$(redis HGET "$K_mt" state)" = queued ] || fail "no reply queued"

# no longer open: gone, nothing written
redis DEL "$K_mt" >/dev/null
got=$(commit)
[ "$got" = gone ] || fail "a closed MO: '$got', not gone: $(cat "$T/reply.out")"
[ "$(redis EXISTS "$K_mt")" = 0 ] || fail "a gone MO queued a reply"

# Record mode, the one-call MO (nothing recorded before it): a changed
# session writes nothing (the records the transaction wrote before the
# script taken back); a copy of an MO not acknowledged in time, or
# acknowledged on a connection not live here, or still open, is a
# re-delivery and writes nothing (the same), the fingerprint left as it was; after
# one acknowledged in time on a live connection it is a new request: the
# MO stored closed (no holder, no fingerprint in it), its reply queued,
# the fingerprint marked for the acknowledgement about to go out.
[ -n "$V_ack_conn" ] || fail "record mode without the acknowledgement's mark"
fresh() {
	redis DEL "$K_mo" "$K_mt" "$K_fp" >/dev/null
	redis ZREM "$K_inq" "$V_mo_id" orig-1 >/dev/null
	if [ "$V_expect_v" = 0 ]; then
		redis DEL "$K_sess" >/dev/null
	else
		redis HSET "$K_sess" v "$V_expect_v" >/dev/null
	fi
}
nothing_written() {
	[ "$(redis EXISTS "$K_mo")" = 0 ] || fail "$1: the MO recorded"
	[ "$(redis EXISTS "$K_mt")" = 0 ] || fail "$1: a reply queued"
	[ -z "$(redis ZSCORE "$K_inq" "$V_mo_id")" ] || fail "$1: MO open"
}
fresh
redis HSET "$K_sess" v $(( V_expect_v + 7 )) >/dev/null
got=$(commit_rec "$CALL_REC")
[ "$got" = conflict ] || fail "record mode, changed session: '$got'"
nothing_written "record mode, conflict"
[ "$(redis EXISTS "$K_fp")" = 0 ] || fail "a conflict marked the fingerprint"
# after HOLDS: the call in record mode after the fingerprint held HOLDS
after() {
	fresh
	redis SET "$K_fp" "$1" PX 100000 >/dev/null
	got=$(commit_rec "$CALL_REC")
}
# redelivered HOLDS WHY
redelivered() {
	after "$1"
	[ "$got" = dup ] || fail "record mode after '$1': '$got', not dup"
	[ "$(reply_line 2)" = orig-1 ] || fail "dup of '$(reply_line 2)'"
	[ "$(reply_line 3)" = "$2" ] || fail "after '$1': why '$(reply_line 3)', not $2"
	[ "$(reply_line 4)" = "$1" ] || fail "after '$1': held '$(reply_line 4)'"
	nothing_written "record mode, a re-delivery"
	[ "$(redis GET "$K_fp")" = "$1" ] || fail "a re-delivery changed the fingerprint: $(redis GET "$K_fp")"
	p=$(redis PTTL "$K_fp")
	[ "$p" -gt 100000 ] || fail "a re-delivery's window did not start again: $p"
}
redelivered orig-1 unacked
redelivered "a 1700000000000 0123456789abcdef 0 orig-1" link
# a connection not live here, known to have stayed bound by its key
# (gw/acks.c's beat: the MOs received on it up to then and acknowledged
# in time kept it mo_ack_timeout after their response): at or after the
# mark's time, a repeat is new; before it, the connection may have
# dropped in time to lose the response
redis SET "${K_up}0123456789abcdef" 1699999999999 PX 100000 >/dev/null
redelivered "a 1700000000000 0123456789abcdef 0 orig-1" link
# repeated HOLDS: a citizen's repeat, answered and stored
repeated() {
	after "$1"
	[ "$got" = ok ] || fail "record mode after '$1': '$got', not ok"
	[ "$(reply_line 5)" = orig-1 ] || fail "after '$1': repeated '$(reply_line 5)'"
	[ -z "$(reply_line 6)" ] || fail "after '$1': judged '$(reply_line 6)'"
	[ "$(redis HGET "$K_mt" state)" = queued ] || fail "after '$1': no reply"
}
redis SET "${K_up}0123456789abcdef" 1700000000000 PX 100000 >/dev/null
repeated "a 1700000000000 0123456789abcdef 0 orig-1"
redis DEL "${K_up}0123456789abcdef" >/dev/null
# an up-1 mark (a process of before the connection keys): stayed up
repeated "a 1700000000000 0123456789abcdef 1 orig-1"
redis ZADD "$K_inq" 1 orig-1 >/dev/null
redis SET "$K_fp" "a 1700000000000 0123456789abcdef 1 orig-1" PX 100000 >/dev/null
got=$(commit_rec "$CALL_REC")
[ "$got" = dup ] && [ "$(reply_line 3)" = open ] ||
	fail "record mode, the original still open: '$got' $(reply_line 3)"
# a USSD answer where a menu waits is new input, whatever the fingerprint
# (unless its original is still open); where none waits, judged alike
fresh
redis HSET "$K_sess" v "$V_expect_v" node m1 >/dev/null
redis SET "$K_fp" orig-1 PX 100000 >/dev/null
got=$(commit_rec "$CALL_INPUT")
[ "$got" = ok ] || fail "record mode, input where a menu waits: '$got'"
[ "$(reply_line 5)" = orig-1 ] || fail "input: the repeated MO '$(reply_line 5)'"
[ "$(reply_line 6)" = unacked ] || fail "input: why it was new '$(reply_line 6)'"
fresh
redis HSET "$K_sess" v "$V_expect_v" node m1 >/dev/null
redis ZADD "$K_inq" 1 orig-1 >/dev/null
redis SET "$K_fp" orig-1 PX 100000 >/dev/null
got=$(commit_rec "$CALL_INPUT")
[ "$got" = dup ] || fail "record mode, input, the original open: '$got'"
fresh
redis SET "$K_fp" orig-1 PX 100000 >/dev/null
got=$(commit_rec "$CALL_INPUT")
[ "$got" = dup ] || fail "record mode, input where no menu waits: '$got'"
after "a 1700000000000 $V_ack_conn 0 orig-1"
[ "$got" = ok ] || fail "record mode, a repeat: '$got': $(cat "$T/reply.out")"
[ "$(reply_line 5)" = orig-1 ] || fail "the repeated MO: '$(reply_line 5)'"
[ -z "$(reply_line 6)" ] || fail "a repeat in time judged '$(reply_line 6)'"
[ "$(redis HGET "$K_mo" state)" = answered ] ||
	fail "record mode: the MO's state '$(redis HGET "$K_mo" state)'"
# the text: the last value of the record's pack (REC_PACK; it holds no ',')
[ "$(redis HGET "$K_mo" m | sed 's/.*,//')" = "TRACUU 000.00.19.H56-250806-0001" ] ||
	fail "record mode: the MO's pack '$(redis HGET "$K_mo" m)'"
for f in owner fp; do
	[ "$(redis HEXISTS "$K_mo" $f)" = 0 ] || fail "a closed MO holds $f"
done
[ "$(redis TTL "$K_mo")" -gt 0 ] || fail "record mode: the MO kept for ever"
[ "$(redis HGET "$K_mt" state)" = queued ] || fail "record mode: no reply queued"
[ -z "$(redis ZSCORE "$K_inq" "$V_mo_id")" ] || fail "record mode: the MO open"
[ "$(redis GET "$K_fp")" = "a $V_ack_at $V_ack_conn 0 $V_mo_id" ] ||
	fail "record mode: the fingerprint '$(redis GET "$K_fp")'"
fresh

# the profile's expiry, written with its period (xd: `now` without its
# last 8 digits, about 28 hours), is renewed only in a new period (or
# when the opt-out changes): one EXPIRE fewer per reply
profile_commit() {
	fresh
	redis HDEL "$K_ph" rlw rln >/dev/null	# the reply limit's minute
	got=$(commit_rec "$CALL_REC")
	[ "$got" = ok ] || fail "profile: '$got': $(cat "$T/reply.out")"
}
# a profile lives 400 days from its last write (record.c, PROFILE_KEEP_S:
# in mo_commit.lua's text, store/script.c)
V_ph_ttl_s=$((400 * 24 * 3600))
redis DEL "$K_ph" >/dev/null
profile_commit
[ "$(redis HGET "$K_ph" xd)" = "${V_now%????????}" ] ||
	fail "the profile's period '$(redis HGET "$K_ph" xd)', not ${V_now%????????}"
[ "$(redis TTL "$K_ph")" -gt $(( V_ph_ttl_s - 60 )) ] ||
	fail "a new profile lives $(redis TTL "$K_ph") s"
redis EXPIRE "$K_ph" 1000 >/dev/null
profile_commit
[ "$(redis TTL "$K_ph")" -le 1000 ] ||
	fail "the profile's expiry renewed within its period"
redis HSET "$K_ph" xd 1 >/dev/null
profile_commit
[ "$(redis TTL "$K_ph")" -gt $(( V_ph_ttl_s - 60 )) ] ||
	fail "the profile's expiry not renewed in a new period: $(redis TTL "$K_ph")"
# the reply limit: a new minute starts at the reply's time; a reply in the
# same minute counts on and leaves its start as it was (not written
# again: MONITOR shows the script's HSET)
[ "$(redis HGET "$K_ph" rlw)" = "$V_now" ] && [ "$(redis HGET "$K_ph" rln)" = 1 ] ||
	fail "the reply limit's minute: $(redis HMGET "$K_ph" rlw rln | tr '\n' ' ')"
redis MONITOR >"$T/rl.mon" 2>&1 &
RLMON=$!
PIDS="$PIDS $RLMON"
sleep 0.2
fresh
got=$(commit_rec "$CALL_REC")
[ "$got" = ok ] || fail "a second reply: '$got'"
sleep 0.2
kill "$RLMON"
[ "$(redis HGET "$K_ph" rlw)" = "$V_now" ] && [ "$(redis HGET "$K_ph" rln)" = 2 ] ||
	fail "a second reply in the minute: $(redis HMGET "$K_ph" rlw rln | tr '\n' ' ')"
grep '"HSET" "'"$K_ph"'"' "$T/rl.mon" | grep -q '"rlw"' &&
	fail "the minute's start written again: $(grep '"HSET" "'"$K_ph"'"' "$T/rl.mon")"
grep '"HSET" "'"$K_ph"'"' "$T/rl.mon" | grep -q '"rln" "2"' ||
	fail "the second reply not counted: $(grep "$K_ph" "$T/rl.mon")"
fresh

# the fingerprint's mark put back, whatever becomes of the commit (here
# gone): the mark mo_in wrote, and only that. unmark HOLDS LATE|RECOVERED
# EXPECTED
unmark() {
	redis SET "$K_fp" "$1" PX 120000 >/dev/null
	eval "CALL=\$CALL_$2"
	commit >/dev/null
	got=$(redis GET "$K_fp")
	[ "$got" = "$3" ] || fail "$2 on '$1': '$got', not '$3'"
	[ "$(redis PTTL "$K_fp")" -gt 0 ] || fail "$2 on '$1': the window lost"
}
M=1700000000000
unmark "a $M 00c0ffee00c0ffee 0 $V_mo_id" LATE "$V_mo_id"
unmark "a $M 00c0ffee00c0ffef 0 $V_mo_id" LATE \
	"a $M 00c0ffee00c0ffef 0 $V_mo_id"		# another connection's
unmark "a $M 0123456789abcdef 0 $V_mo_id" RECOVERED "$V_mo_id"
unmark "a $(( M + 1 )) 0123456789abcdef 0 $V_mo_id" RECOVERED \
	"a $(( M + 1 )) 0123456789abcdef 0 $V_mo_id"	# a re-delivery's
unmark "a $M 0123456789abcdef 1 $V_mo_id" RECOVERED \
	"a $M 0123456789abcdef 1 $V_mo_id"		# known to be up
unmark "a $M 0123456789abcdef 0 ${V_mo_id}x" RECOVERED \
	"a $M 0123456789abcdef 0 ${V_mo_id}x"		# another MO

# fp_ack.lua, as the daemon runs it (its text from the build): a copy
# acknowledged in time marks the fingerprint when it still holds what
# mo_in found (EXPECT), or the plain id because the first copy's commit
# put it back meanwhile (its acknowledgement was late); anything else
# (a newer MO) is left alone. fp_ack HOLDS EXPECT REPLY EXPECTED
script_src fp_ack >"$T/fp_ack.lua" || fail "no fp_ack in the build"
fp_ack() {
	redis SET "$K_fp" "$1" PX 120000 >/dev/null
	got=$(redis EVAL "$(cat "$T/fp_ack.lua")" 1 "$K_fp" "$V_mo_id" \
		1700000000500 fedcba9876543210 "$2")
	[ "$got" = "$3" ] || fail "fp_ack on '$1': $got, not $3"
	got=$(redis GET "$K_fp")
	[ "$got" = "$4" ] || fail "fp_ack on '$1': '$got', not '$4'"
	[ "$(redis PTTL "$K_fp")" -gt 0 ] || fail "fp_ack on '$1': the window lost"
}
COPY="a 1700000000500 fedcba9876543210 0 $V_mo_id"
fp_ack "a $M 00c0ffee00c0ffee 0 $V_mo_id" "a $M 00c0ffee00c0ffee 0 $V_mo_id" 1 "$COPY"
fp_ack "$V_mo_id" "a $M 00c0ffee00c0ffee 0 $V_mo_id" 1 "$COPY"
fp_ack "$V_mo_id" "$V_mo_id" 1 "$COPY"
fp_ack "${V_mo_id}x" "$V_mo_id" 0 "${V_mo_id}x"
fp_ack "a $M 00c0ffee00c0ffee 0 ${V_mo_id}x" "$V_mo_id" 0 \
	"a $M 00c0ffee00c0ffee 0 ${V_mo_id}x"

# fp_unmark.lua: a record-mode commit's mark taken back (its
# acknowledgement late, or the commit's reply lost), and only that mark.
# fp_unmark HOLDS EXPECTED
script_src fp_unmark >"$T/fp_unmark.lua" || fail "no fp_unmark in the build"
fp_unmark() {
	redis SET "$K_fp" "$1" PX 120000 >/dev/null
	redis EVAL "$(cat "$T/fp_unmark.lua")" 1 "$K_fp" "$V_mo_id" "$M" \
		00c0ffee00c0ffee >/dev/null
	got=$(redis GET "$K_fp")
	[ "$got" = "$2" ] || fail "fp_unmark on '$1': '$got', not '$2'"
	[ "$(redis PTTL "$K_fp")" -gt 0 ] || fail "fp_unmark on '$1': the window lost"
}
fp_unmark "a $M 00c0ffee00c0ffee 0 $V_mo_id" "$V_mo_id"
for v in "a $M 00c0ffee00c0ffef 0 $V_mo_id" "a $M 00c0ffee00c0ffee 1 $V_mo_id" \
	"a $(( M + 1 )) 00c0ffee00c0ffee 0 $V_mo_id" \
	"a $M 00c0ffee00c0ffee 0 ${V_mo_id}x" "$V_mo_id"; do
	fp_unmark "$v" "$v"
done

pass
