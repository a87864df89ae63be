#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The lean step (store_mo.c, commit_lean): a USSD answer steps its session
# with plain commands in its commit's transaction, no script:
#  (a) what Redis receives for a walk's answers: MULTI, the reply's
#      record, the fingerprint (SET ... GET), HGETALL of the session (what
#      the step replaces), DEL, HSET of the next version, its expiry, the
#      reply queued, EXEC; the session it leaves is the one mo_commit.lua
#      leaves (a third process with ussd.sessions_exact = true walks the
#      same menu: field for field the same, but for the phone);
#  (b) two gateway processes, Redis's writes paused, the same answer on
#      both binds at once, the session at the main menu: both step it from
#      version 1. The second EXEC finds version 2 (RACED): its step is
#      taken back (sess_restore.lua puts back the first's, version 3), and
#      the script commits it: a conflict, stepped again from the first's
#      screen ("1" is no dossier code there), answered. Two replies, and
#      the session's next answer (the code of a dossier B does not own)
#      walks on from there: version 5, the last four ID digits asked;
#  (c) a step a command of which fails (the shard's outbound queue not a
#      sorted set: ZADD refused) is taken back as a race is: while the MO
#      waits for its records to go (the queue still poisoned), its session
#      is already back at the main menu (version 3); then it is refused,
#      and delivered again it is answered from there (version 4);
#  (d) two different answers of one phone ("1", and "8": no choice) on
#      the two lean processes at once, Redis's writes paused and scripts
#      refused on session keys (an ACL selector): the loser's takeback
#      fails at sess_restore, so its MO waits with its step in the
#      session (version 2) and its process retries; once scripts are
#      allowed again the retry puts the winner's screen back (version 3),
#      the MO is refused, and delivered again it is answered from the
#      winner's screen (version 4, the code asked either way).
. "$(dirname "$0")/lib.sh"

A=84912345678
B=84987654321
C=84955500011
D=84955500022
E=84955500033
ASK="Nhap ma ho so (vi du 000.00.19.H56-250806-0001):"
CODE=000.00.19.H56-250806-0001
cat >"$T/run.sim" <<SIM
wait-file path=$T/all-bound timeout=40
ussd name=a0 from=$A to=8088 text="*8088#" op=1 its=0x0a00 conn=1
expect-submit to=$A ussd_op=2 contains="1. Tra cuu ho so"
ussd name=a1 from=$A to=8088 text="1" op=18 its=0x0a00 conn=1
expect-submit to=$A ussd_op=2 text="$ASK"
wait-file path=$T/a1-seen timeout=30
ussd name=a2 from=$A to=8088 text="$CODE" op=18 its=0x0a00 conn=1
expect-submit to=$A ussd_op=17 contains="Trang thai: Dang xu ly"
ussd name=s0 from=$D to=8088 text="*8088#" op=1 its=0x0d00 conn=3
expect-submit to=$D ussd_op=2 contains="1. Tra cuu ho so"
ussd name=s1 from=$D to=8088 text="1" op=18 its=0x0d00 conn=3
expect-submit to=$D ussd_op=2 text="$ASK"
wait-file path=$T/s1-seen timeout=30
ussd name=b0 from=$B to=8088 text="*8088#" op=1 its=0x0b00 conn=1
expect-submit to=$B ussd_op=2 contains="1. Tra cuu ho so"
wait-file path=$T/paused timeout=30
ussd name=b1 from=$B to=8088 text="1" op=18 its=0x0b00 conn=1
ussd name=b1x from=$B to=8088 text="1" op=18 its=0x0b00 conn=2
expect-resp mo=b1 status=0x00 timeout=20
expect-resp mo=b1x status=0x00 timeout=20
expect-submit to=$B ussd_op=2 text="$ASK"
expect-submit to=$B ussd_op=2 text="Du lieu khong hop le.\n$ASK"
expect-quiet ms=1000
ussd name=b2 from=$B to=8088 text="$CODE" op=18 its=0x0b00 conn=1
expect-submit to=$B ussd_op=2 text="Nhap 4 so cuoi CCCD cua nguoi nop ho so:"
ussd name=c0 from=$C to=8088 text="*8088#" op=1 its=0x0c00 conn=1
expect-submit to=$C ussd_op=2 contains="1. Tra cuu ho so"
wait-file path=$T/poisoned timeout=30
ussd name=c1 from=$C to=8088 text="1" op=18 its=0x0c00 conn=1
expect-resp mo=c1 status=0x64 timeout=30
expect-acked mo=c1 timeout=30
expect-submit to=$C ussd_op=2 text="$ASK"
expect-quiet ms=1000
ussd name=e0 from=$E to=8088 text="*8088#" op=1 its=0x0e00 conn=1
expect-submit to=$E ussd_op=2 contains="1. Tra cuu ho so"
wait-file path=$T/denied timeout=30
ussd name=e1 from=$E to=8088 text="1" op=18 its=0x0e00 conn=1
ussd name=e8 from=$E to=8088 text="8" op=18 its=0x0e00 conn=2
expect-acked mo=e1 timeout=40
expect-acked mo=e8 timeout=40
expect-submit to=$E ussd_op=2
expect-submit to=$E ussd_op=2
expect-quiet ms=1000
SIM

start_redis
start_monitor
start_sim "$T/run.sim" --redeliver-ms 1000 --timeout 120
write_config
import_samples
start_gw_k 1
start_gw_k 2
start_gw_k 3 's/^ussd = {/ussd = { sessions_exact = true;/'
grep -q "sessions_exact = true" "$T/gw3.cfg" || fail "daemon 3's configuration"
: >"$T/all-bound"

# (a) A's walk on the first process (lean), D's on the third (the script)
sess_of() {
	redis --scan --pattern "cgw:*:sess:$1:u"
}
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 2 ]" ||
	fail "a0, a1 not answered"
sleep 0.3
redis HGETALL "$(sess_of $A)" >"$T/sess-a.out"
ttl_a=$(redis PTTL "$(sess_of $A)")
: >"$T/a1-seen"
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 5 ]" ||
	fail "a2, s0, s1 not answered"
sleep 0.3
redis HGETALL "$(sess_of $D)" >"$T/sess-d.out"
ttl_d=$(redis PTTL "$(sess_of $D)")
: >"$T/s1-seen"
cmp -s "$T/sess-a.out" "$T/sess-d.out" ||
	fail "the lean step's session ($(tr '\n' ' ' <"$T/sess-a.out")) is not the script's ($(tr '\n' ' ' <"$T/sess-d.out"))"
grep -qx 2 "$T/sess-a.out" || fail "session not at version 2: $(tr '\n' ' ' <"$T/sess-a.out")"
# both live ussd.session_ttl (180 s) from their step
for t in "$ttl_a" "$ttl_d"; do
	[ "$t" -gt 170000 ] && [ "$t" -le 180000 ] || fail "session PTTL $t"
done

# (b) the same answer on both lean processes, Redis's writes paused
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 6 ]" ||
	fail "b0 not answered"
sleep 0.3
redis CLIENT PAUSE 1500 WRITE >/dev/null
: >"$T/paused"
wait_for 30 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 9 ]" ||
	fail "b1, b1x, b2 not answered"
[ "$(cat "$T/gw1.log" "$T/gw2.log" | grep -c "fingerprint or session changed meanwhile")" = 1 ] ||
	fail "not one step raced: $(cat "$T/gw1.log" "$T/gw2.log" | grep "meanwhile")"
cat "$T/gw1.log" "$T/gw2.log" | grep -q "session changed under us" ||
	fail "the raced step not stepped again from the first's session"
restore=$("$CTL" -c "$T/gw1.cfg" script --sha sess_restore)
[ "$(grep -c "\"EVALSHA\" \"$restore\" \"1\" \"$(sess_of $B)\"" "$T/monitor.out")" = 1 ] ||
	fail "sess_restore.lua not called once for B's session"
# its version: 1 the dial, 2 the first step, 3 put back, 4 the second
# step, 5 the code's
sb=$(sess_of $B)
[ "$(redis HGET "$sb" v)" = 5 ] && [ "$(redis HGET "$sb" node)" = ask_last4 ] ||
	fail "B's session: $(redis HGETALL "$sb" | tr '\n' ' ')"

# (c) C's step refused by Redis: its shard's outbound queue a string
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 10 ]" ||
	fail "c0 not answered"
sleep 0.3
sc=$(sess_of $C)
q="$(echo "$sc" | sed 's/^\(cgw:{s[0-9]*}\):.*/\1/'):outq"
[ "$(redis ZCARD "$q")" = 0 ] || fail "$q not empty"
redis SET "$q" poison >/dev/null
: >"$T/poisoned"
wait_for 20 grep -q "lean commit not taken back" "$T/gw1.log" ||
	fail "C's step not taken back"
sleep 1
[ "$(redis HGET "$sc" v)" = 3 ] && [ "$(redis HGET "$sc" node)" = main ] ||
	fail "C's session not put back while its MO waits: $(redis HGETALL "$sc" | tr '\n' ' ')"
grep -q "MO-RESP c1" "$T/sim.log" && fail "c1 answered before its records went"
redis DEL "$q" >/dev/null
c_again() {
	[ "$(redis HGET "$sc" v)" = 4 ]
}
wait_for 30 c_again ||
	fail "C's MO not answered again"
[ "$(redis HGET "$sc" node)" = ask_code ] ||
	fail "C's session: $(redis HGETALL "$sc" | tr '\n' ' ')"

# (d) E's answers "1" (daemon 1) and "8" (daemon 2) at once, scripts on
# session keys refused: the loser's sess_restore fails
wait_for 30 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 12 ]" ||
	fail "e0 not answered"
sleep 0.3
se=$(sess_of $E)
failed() {
	cat "$T/gw1.log" "$T/gw2.log" | grep -c "lean commit not taken back"
}
failed_since() {
	[ "$(failed)" -gt "$before" ]
}
before=$(failed)
redis ACL SETUSER default -evalsha '(+evalsha ~cgw:{s*}:[^s]* ~cgw:[^{]*)' \
	>/dev/null || fail "ACL selector"
redis CLIENT PAUSE 1500 WRITE >/dev/null
: >"$T/denied"
wait_for 20 failed_since ||
	fail "E's raced step not refused its takeback"
# the loser: "1" on daemon 1 is answered by "8"'s screen (the main menu),
# or "8" on daemon 2 by "1"'s (the code asked: "8" is no code)
if [ "$(grep -c "lean commit not taken back" "$T/gw1.log")" -gt 1 ]; then
	loser=1 again="$ASK"
else
	loser=2 again="Du lieu khong hop le.\\n$ASK"	# as sim.log writes it
fi
echo "(d): daemon $loser lost E's race"
sleep 2.5
[ "$(redis HGET "$se" v)" = 2 ] ||
	fail "E's session changed while scripts were refused: $(redis HGETALL "$se" | tr '\n' ' ')"
id=$(grep "lean commit not taken back" "$T/gw$loser.log" | tail -n 1 |
	sed 's/.* MO \([^:]*\): .*/\1/')
grep -q "MO $id: the records of its failed commit not deleted (.*); trying again" \
	"$T/gw$loser.log" ||
	fail "daemon $loser not retrying the takeback"
redis ACL SETUSER default +evalsha clearselectors >/dev/null
wait_sim 60
[ "$(redis HGET "$se" v)" = 4 ] && [ "$(redis HGET "$se" node)" = ask_code ] ||
	fail "E's session (daemon $loser lost): $(redis HGETALL "$se" | tr '\n' ' ')"
last=$(grep " SUBMIT #.* to=$E " "$T/sim.log" | tail -n 1 | sed 's/.* text="//; s/"$//')
[ "$last" = "$again" ] ||
	fail "E's MO delivered again (daemon $loser lost) answered \"$last\""

kill "$MON"
# the answers' commits as MONITOR saw them: a1's (the lean step) and s1's
# (the script's, on daemon 3)
monitor_tx "$T/monitor.out" >"$T/tx.out" || fail "reading MONITOR's output"
grep -qx "HSET PEXPIREAT SET HGETALL DEL HSET PEXPIREAT ZADD" "$T/tx.out" ||
	fail "no lean step: $(sort "$T/tx.out" | uniq -c)"
grep -q "^HSET PEXPIREAT EVALSHA lua:" "$T/tx.out" ||
	fail "no step by the script (daemon 3): $(sort "$T/tx.out" | uniq -c)"
pass
