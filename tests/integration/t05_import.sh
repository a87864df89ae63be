#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# citizengw-ctl import: good rows land in Redis, bad rows are reported with
# their line number and reason, a re-import updates a dossier in place.
. "$(dirname "$0")/lib.sh"

start_redis
SIM_PORT=1
write_config

printf '\357\273\277' >"$T/d.csv"	# a UTF-8 BOM, as spreadsheets write it
cat >>"$T/d.csv" <<'CSV'
code,phone,status,procedure,agency,received_at,due_at,id_last4
000.00.19.H56-250806-0001,0912345678,4,Cấp bản sao trích lục khai sinh,UBND xã Phúc Xuân,2025-08-06,2025-08-20,1234
000.00.19.H56-250806-0002,091234,4,Đăng ký kết hôn,UBND,2025-08-06,2025-08-20,1234
000.00.19.H56-250806-0003,0912345678,11,Đăng ký kết hôn,UBND,2025-08-06,2025-08-20,1234
BAD-CODE,0912345678,4,x,UBND,2025-08-06,2025-08-20,1234
000.00.19.H56-250806-0004,0912345678,4,"Cấp giấy phép, xây dựng",UBND,2025-02-30,2025-08-20,1234
000.00.19.H56-250806-0005,0912345678,4,x,UBND,2025-08-06
000.00.19.H56-250806-0006,0912345678,2,"Nhiều dòng
trong một ô",UBND,2025-08-06,,
CSV
rc=0
"$CTL" -c "$T/gw.cfg" import "$T/d.csv" >"$T/imp.out" 2>"$T/imp.err" || rc=$?
[ "$rc" = 1 ] || fail "exit status $rc, want 1 (some rows rejected)"
grep -qF "d.csv: imported 2 dossiers, rejected 5 rows" "$T/imp.out" ||
	fail "summary: $(cat "$T/imp.out")"
grep -qF "d.csv:3: rejected: phone '091234'" "$T/imp.err" || fail "phone"
grep -qF "d.csv:4: rejected: status '11'" "$T/imp.err" || fail "status"
grep -qF "d.csv:5: rejected: code 'BAD-CODE'" "$T/imp.err" || fail "code"
grep -qF "d.csv:6: rejected: received_at '2025-02-30'" "$T/imp.err" || fail "date"
grep -qF "d.csv:7: rejected: 6 fields, the header has 8" "$T/imp.err" || fail "fields"

# a dossier lives in the shard of its key: cgw:{sN}:dossier:<key>
key=$(redis --scan --pattern 'cgw:{s*}:dossier:0000019H56-250806-0001')
[ -n "$key" ] || fail "dossier -0001 not stored"
[ "$(redis HGET $key phone)" = 84912345678 ] || fail "phone not normalised"
[ "$(redis HGET $key status)" = 4 ] || fail "status not stored"
[ "$(redis HGET $key procedure)" = "Cấp bản sao trích lục khai sinh" ] ||
	fail "procedure not stored as UTF-8"
key6=$(redis --scan --pattern 'cgw:{s*}:dossier:0000019H56-250806-0006')
[ "$(redis HGET "$key6" procedure)" = "Nhiều dòng
trong một ô" ] || fail "multi-line field"

# re-import: the same code with a new status updates it in place
cat >"$T/d2.csv" <<'CSV'
code,phone,status,procedure,agency,received_at,due_at,id_last4
000.00.19.H56-250806-0001,0912345678,9,Cấp bản sao trích lục khai sinh,UBND xã Phúc Xuân,2025-08-06,2025-08-20,1234
CSV
"$CTL" -c "$T/gw.cfg" import "$T/d2.csv" >"$T/imp2.out" 2>&1 || fail "re-import"
[ "$(redis HGET $key status)" = 9 ] || fail "re-import did not update"
[ "$(redis --scan --pattern 'cgw:{s*}:dossier:*' | wc -l)" = 2 ] ||
	fail "re-import created a second record"
"$CTL" -c "$T/gw.cfg" dossier 000.00.19.h56-250806-0001 >"$T/show.out" ||
	fail "ctl dossier"
grep -q "^Status: *9" "$T/show.out" || fail "ctl dossier output"

# not UTF-8 (a legacy Windows-1258 export): refused with the reason
printf 'code,phone,status,procedure,agency,received_at,due_at,id_last4\n000.00.19.H56-250806-0007,0912345678,4,C\341p,UBND,2025-08-06,,\n' >"$T/legacy.csv"
"$CTL" -c "$T/gw.cfg" import "$T/legacy.csv" >/dev/null 2>"$T/leg.err" && fail "legacy accepted"
grep -qF "legacy.csv:2: rejected: not UTF-8" "$T/leg.err" || fail "legacy reason"

# a header without a required column
printf 'code,phone,status\n' >"$T/h.csv"
"$CTL" -c "$T/gw.cfg" import "$T/h.csv" >/dev/null 2>"$T/h.err" && fail "bad header accepted"
grep -qF "h.csv:1: header has no column 'procedure'" "$T/h.err" || fail "header reason"
pass
