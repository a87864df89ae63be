/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The gateway's metrics: one entry per enum cgw_metric, the only place a
 * metric's name, type, help and labels are written (docs/metrics.md
 * explains each; conf/citizengw-alerts.yml and conf/grafana-dashboard.json
 * use these names, and tests/integration/t41_metrics.sh checks that they
 * exist in a real scrape).
 */
#include "config.h"

#include "common/metrics.h"

/* seconds: a Redis round trip on a LAN is well under a millisecond; the
 * top buckets catch a Redis that stalls (redis.timeout is 2 s) */
static const double redis_buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5,
};
/* seconds from an MO received to its reply accepted by the SMS centre:
 * USSD needs a screen within a few seconds, SMS is less pressed */
static const double mo_mt_buckets[] = {
	0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60,
};

#define BUCKETS(b) .buckets = (b), .nbuckets = (int)(sizeof(b) / sizeof((b)[0]))

const struct metric_def cgw_metrics[CGW_M_COUNT] = {
	[CGW_M_BIND_UP] = {
		"citizengw_bind_up", METRIC_GAUGE,
		"1 when the bind is bound to its SMS centre, 0 otherwise.",
		{ "bind", "role", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_STATE] = {
		"citizengw_bind_state", METRIC_GAUGE,
		"1 for the state the bind is in (IDLE, CONNECTING, BINDING, "
		"BOUND, UNBINDING, BACKOFF).",
		{ "bind", "state", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_WINDOW] = {
		"citizengw_bind_window", METRIC_GAUGE,
		"Requests the bind may have outstanding (its window).",
		{ "bind", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_IN_FLIGHT] = {
		"citizengw_bind_in_flight", METRIC_GAUGE,
		"Submits sent on the bind and not yet answered (window "
		"occupancy).",
		{ "bind", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_TPS] = {
		"citizengw_bind_tps_limit", METRIC_GAUGE,
		"Submits a second the bind may send (smsc tps; 0 = no cap).",
		{ "bind", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_CONNECTS] = {
		"citizengw_bind_connects_total", METRIC_COUNTER,
		"TCP connections the bind opened to its SMS centre.",
		{ "bind", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_BACKOFFS] = {
		"citizengw_bind_backoffs_total", METRIC_COUNTER,
		"Times the bind lost or failed its connection or bind and "
		"waited to reconnect (back-off).",
		{ "bind", NULL }, .max_series = 64,
	},
	[CGW_M_THROTTLED] = {
		"citizengw_bind_throttled_total", METRIC_COUNTER,
		"Times the SMS centre throttled the bind (ESME_RTHROTTLED or "
		"ESME_RMSGQFUL) and submits paused.",
		{ "bind", NULL }, .max_series = 64,
	},
	[CGW_M_PDUS] = {
		"citizengw_pdus_total", METRIC_COUNTER,
		"SMPP PDUs by bind, command, command_status (hex) and "
		"direction (in: from the SMS centre, out: to it).",
		{ "bind", "command", "status", "direction" },
		.max_series = 256,
	},
	[CGW_M_MO] = {
		"citizengw_mo_total", METRIC_COUNTER,
		"MOs received and recorded (a multipart MO counts once, "
		"re-deliveries not at all).",
		{ "bind", "channel", NULL }, .max_series = 64,
	},
	[CGW_M_MO_REDELIVERED] = {
		"citizengw_mo_redelivered_total", METRIC_COUNTER,
		"MOs the SMS centre delivered again that were recognised and "
		"not answered twice.",
		{ "bind", NULL }, .max_series = 64,
	},
	[CGW_M_MT] = {
		"citizengw_mt_total", METRIC_COUNTER,
		"MTs this process finished, by kind (reply, broadcast, other) "
		"and result (sent: every part accepted; failed; expired).",
		{ "kind", "result", NULL },
	},
	[CGW_M_RECEIPTS] = {
		"citizengw_receipts_total", METRIC_COUNTER,
		"Delivery receipts received, by bind and state (delivered, "
		"undeliverable, expired, deleted, rejected, accepted, "
		"unknown, enroute; unparsable).",
		{ "bind", "state", NULL }, .max_series = 128,
	},
	[CGW_M_QUEUE_DEPTH] = {
		"citizengw_queue_depth", METRIC_GAUGE,
		"Entries waiting in Redis, over every shard, read at scrape "
		"time: replies (MT priority 0), broadcast (MT priority 1), "
		"open_mos (acknowledged, not yet answered), notices.",
		{ "queue", NULL },
	},
	[CGW_M_SESSIONS] = {
		"citizengw_mo_in_progress", METRIC_GAUGE,
		"MOs this process is working on now (received, reply not yet "
		"committed): the live sessions it is stepping.",
		{ NULL },
	},
	[CGW_M_REDIS_UP] = {
		"citizengw_redis_up", METRIC_GAUGE,
		"1 when this process's connection to Redis is ready.",
		{ NULL },
	},
	[CGW_M_REDIS_SECONDS] = {
		"citizengw_redis_request_seconds", METRIC_HISTOGRAM,
		"Round trip of a Redis request (one or more pipelined "
		"commands) that was answered.",
		{ NULL }, BUCKETS(redis_buckets),
	},
	[CGW_M_REDIS_ERRORS] = {
		"citizengw_redis_errors_total", METRIC_COUNTER,
		"Redis requests sent that failed: timeout, or error (an "
		"error reply, the connection lost while waiting).",
		{ "kind", NULL },
	},
	[CGW_M_MO_MT_SECONDS] = {
		"citizengw_mo_reply_seconds", METRIC_HISTOGRAM,
		"From an MO received to the submit_sm_resp that accepted the "
		"last part of its reply (replies sent by the process that "
		"received the MO).",
		{ "channel", NULL }, BUCKETS(mo_mt_buckets),
	},
	[CGW_M_BCAST_RECIPIENTS] = {
		"citizengw_broadcast_recipients", METRIC_GAUGE,
		"Recipients of each loading, running or paused broadcast, by "
		"state (total; pending, queued, sent, delivered, failed, "
		"expired, opted_out, cancelled), read at scrape time.",
		{ "broadcast", "state", NULL }, .max_series = 256,
	},
	[CGW_M_SCRAPE_ERRORS] = {
		"citizengw_scrape_errors_total", METRIC_COUNTER,
		"Parts of a scrape that could not be read (queues, "
		"broadcasts: Redis away); their gauges are left out.",
		{ "part", NULL },
	},
};
