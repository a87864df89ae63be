#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs a built citizengw .deb into a Debian 12 container and boots it
# with systemd (systemd-nspawn), as a new operator would: the package
# creates its user, enables and starts citizengw.service with the sample
# configuration against the container's redis-server and a test SMS centre
# (citizengw-sim on 127.0.0.1:2775); then checks the service runs as
# citizengw without capabilities under seccomp, binds, sends a queued SMS,
# serves HTTP (/healthz, /metrics), reloads and stops with status 0, and
# logs through syslog(3) with log.target = "syslog". Needs root, debootstrap
# and systemd-container; the root file system is made once from Debian's
# mirror and reused.
#
#   scripts/check-package.sh ../citizengw_0.1.0_amd64.deb [ROOTFS]
set -eu
deb=$(readlink -f "$1")
R=${2:-/var/tmp/cgw-rootfs}
[ -f "$deb" ] || { echo "usage: $0 PACKAGE.deb [ROOTFS]" >&2; exit 2; }

if [ ! -x "$R/lib/systemd/systemd" ]; then
	debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,redis-server,adduser,libconfig9,libevent-2.1-7,libhiredis0.14,libjansson4,libsmpp34-1,curl,procps \
		bookworm "$R" http://deb.debian.org/debian
fi
cp "$deb" "$R/root/citizengw.deb"
chroot "$R" dpkg -i /root/citizengw.deb

cat >"$R/etc/systemd/system/cgw-sim.service" <<'EOF'
[Unit]
Description=test SMS centre for the package check
Before=citizengw.service
[Service]
ExecStart=/usr/bin/citizengw-sim -l 127.0.0.1:2775 -L /root/sim.log
EOF
cat >"$R/etc/systemd/system/cgw-probe.service" <<'EOF'
[Unit]
After=citizengw.service redis-server.service cgw-sim.service
[Service]
Type=oneshot
ExecStart=/root/probe.sh
EOF
cat >"$R/root/probe.sh" <<'EOF'
#!/bin/sh
exec >/root/probe.out 2>&1
for i in $(seq 60); do
	journalctl -u citizengw --no-pager | grep -q "BINDING -> BOUND" && break
	sleep 1
done
echo "== show"; systemctl show citizengw -p ActiveState -p SubState -p User
pid=$(systemctl show citizengw -p MainPID --value)
echo "== ps"; ps -o user=,cmd= -p "$pid"
grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/"$pid"/status
echo "== analyze"; systemd-analyze security citizengw.service --no-pager | tail -n 1
echo "== send"; citizengw-ctl -c /etc/citizengw/citizengw.cfg send 84912345678 "package check"
sleep 2; echo "submits: $(grep -c 'RX submit_sm ' /root/sim.log)"
echo "== http $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8088/)"
echo "== healthz $(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer change-me' http://127.0.0.1:8088/healthz)"
curl -s -H 'Authorization: Bearer change-me' http://127.0.0.1:8088/metrics | grep -c '^citizengw_' | sed 's/^/metrics samples: /'
systemctl reload citizengw; sleep 1
echo "== after reload"; systemctl show citizengw -p ActiveState
systemctl stop citizengw
echo "== stopped"; systemctl show citizengw -p Result -p ExecMainStatus
echo "== journal"; journalctl -u citizengw --no-pager | tail -n 30
# the same service logging to syslog(3) (/dev/log inside the sandbox)
sed -i 's/^log = {/log = { target = "syslog";/' /etc/citizengw/citizengw.cfg
systemctl start citizengw; sleep 3
echo "syslog lines: $(journalctl -u citizengw _TRANSPORT=syslog --no-pager -o cat | grep -c 'bind state')"
systemctl stop citizengw
systemctl poweroff
EOF
chmod +x "$R/root/probe.sh"
w=$R/etc/systemd/system/multi-user.target.wants
ln -sf /etc/systemd/system/cgw-sim.service "$w/"
ln -sf /etc/systemd/system/cgw-probe.service "$w/"
rm -f "$R/root/probe.out" "$R/root/sim.log"

# --keep-unit and --register=no: no systemd or D-Bus needed on the host
timeout 300 systemd-nspawn -q -D "$R" --register=no --keep-unit \
	--private-network -b >/dev/null 2>&1 || :
rm -f "$w/cgw-sim.service" "$w/cgw-probe.service"
chroot "$R" dpkg --purge citizengw >/dev/null 2>&1 || :
[ -f "$R/root/probe.out" ] || { echo "FAIL: the container did not run the probe" >&2; exit 1; }
cat "$R/root/probe.out"
p=$R/root/probe.out
ok=1
grep -q '^ActiveState=active' "$p" || { echo "FAIL: not active" >&2; ok=0; }
grep -q '^User=citizengw' "$p" || { echo "FAIL: not User=citizengw" >&2; ok=0; }
grep -q '^CapEff:[[:space:]]*0*$' "$p" || { echo "FAIL: capabilities" >&2; ok=0; }
grep -q '^Seccomp:[[:space:]]*2' "$p" || { echo "FAIL: no seccomp filter" >&2; ok=0; }
grep -q 'BINDING -> BOUND' "$p" || { echo "FAIL: never bound" >&2; ok=0; }
grep -q '^submits: [1-9]' "$p" || { echo "FAIL: the queued SMS was not sent" >&2; ok=0; }
grep -q '^== http 200' "$p" || { echo "FAIL: HTTP" >&2; ok=0; }
grep -q '^Result=success' "$p" || { echo "FAIL: the stop" >&2; ok=0; }
grep -q '^== healthz 200' "$p" || { echo "FAIL: /healthz" >&2; ok=0; }
grep -q '^metrics samples: [1-9]' "$p" || { echo "FAIL: /metrics" >&2; ok=0; }
grep -q '^syslog lines: [1-9]' "$p" || { echo "FAIL: log.target = syslog" >&2; ok=0; }
[ $ok = 1 ] && echo "PASS: the package installs, starts and stops under systemd"
[ $ok = 1 ]
