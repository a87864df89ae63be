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
		.name = "citizengw_bind_up", .type = METRIC_GAUGE,
		.help = "1 when the bind is bound to its SMS centre, 0 otherwise.",
		.labels = { "bind", "role", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_STATE] = {
		.name = "citizengw_bind_state", .type = METRIC_GAUGE,
		.help = "1 for the state the bind is in (IDLE, CONNECTING, BINDING, "
		"BOUND, UNBINDING, BACKOFF).",
		.labels = { "bind", "state", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_WINDOW] = {
		.name = "citizengw_bind_window", .type = METRIC_GAUGE,
		.help = "Requests the bind may have outstanding (its window).",
		.labels = { "bind", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_IN_FLIGHT] = {
		.name = "citizengw_bind_in_flight", .type = METRIC_GAUGE,
		.help = "Submits sent on the bind and not yet answered (window "
		"occupancy).",
		.labels = { "bind", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_TPS] = {
		.name = "citizengw_bind_tps_limit", .type = METRIC_GAUGE,
		.help = "Submits a second the bind may send (smsc tps; 0 = no cap).",
		.labels = { "bind", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_CONNECTS] = {
		.name = "citizengw_bind_connects_total", .type = METRIC_COUNTER,
		.help = "TCP connections the bind opened to its SMS centre.",
		.labels = { "bind", NULL }, .max_series = 64,
	},
	[CGW_M_BIND_BACKOFFS] = {
		.name = "citizengw_bind_backoffs_total", .type = METRIC_COUNTER,
		.help = "Times the bind lost or failed its connection or bind and "
		"waited to reconnect (back-off).",
		.labels = { "bind", NULL }, .max_series = 64,
	},
	[CGW_M_THROTTLED] = {
		.name = "citizengw_bind_throttled_total", .type = METRIC_COUNTER,
		.help = "Times the SMS centre throttled the bind (ESME_RTHROTTLED or "
		"ESME_RMSGQFUL) and submits paused.",
		.labels = { "bind", NULL }, .max_series = 64,
	},
	[CGW_M_PDUS] = {
		.name = "citizengw_pdus_total", .type = METRIC_COUNTER,
		.help = "SMPP PDUs by bind, command, command_status (hex) and "
		"direction (in: from the SMS centre, out: to it).",
		.labels = { "bind", "command", "status", "direction" },
		.max_series = 256,
	},
	[CGW_M_MO] = {
		.name = "citizengw_mo_total", .type = METRIC_COUNTER,
		.help = "MOs received and recorded (a multipart MO counts once, "
		"re-deliveries not at all).",
		.labels = { "bind", "channel", NULL }, .max_series = 64,
	},
	[CGW_M_MO_REDELIVERED] = {
		.name = "citizengw_mo_redelivered_total", .type = METRIC_COUNTER,
		.help = "MOs the SMS centre delivered again that were recognised and "
		"not answered twice.",
		.labels = { "bind", NULL }, .max_series = 64,
	},
	[CGW_M_MT] = {
		.name = "citizengw_mt_total", .type = METRIC_COUNTER,
		.help = "MTs this process finished, by kind (reply, broadcast, other) "
		"and result (sent: every part accepted; failed; expired).",
		.labels = { "kind", "result", NULL },
	},
	[CGW_M_RECEIPTS] = {
		.name = "citizengw_receipts_total", .type = METRIC_COUNTER,
		.help = "Delivery receipts received, by bind and state (delivered, "
		"undeliverable, expired, deleted, rejected, accepted, "
		"unknown, enroute; unparsable).",
		.labels = { "bind", "state", NULL }, .max_series = 128,
	},
	[CGW_M_QUEUE_DEPTH] = {
		.name = "citizengw_queue_depth", .type = METRIC_GAUGE,
		.help = "Entries waiting in Redis, over every shard, read at scrape "
		"time: replies (MT priority 0), broadcast (MT priority 1), "
		"open_mos (acknowledged, not yet answered), notices.",
		.labels = { "queue", NULL },
	},
	[CGW_M_SESSIONS] = {
		.name = "citizengw_mo_in_progress", .type = METRIC_GAUGE,
		.help = "MOs this process is working on now (received, reply not yet "
		"committed): the live sessions it is stepping.",
		.labels = { NULL },
	},
	[CGW_M_REDIS_UP] = {
		.name = "citizengw_redis_up", .type = METRIC_GAUGE,
		.help = "1 when this process's connection to Redis is ready.",
		.labels = { NULL },
	},
	[CGW_M_REDIS_SECONDS] = {
		.name = "citizengw_redis_request_seconds", .type = METRIC_HISTOGRAM,
		.help = "Round trip of a Redis request (one or more pipelined "
		"commands) that was answered.",
		.labels = { NULL }, BUCKETS(redis_buckets),
	},
	[CGW_M_REDIS_ERRORS] = {
		.name = "citizengw_redis_errors_total", .type = METRIC_COUNTER,
		.help = "Redis requests sent that failed: timeout, or error (an "
		"error reply, the connection lost while waiting).",
		.labels = { "kind", NULL },
	},
	[CGW_M_MO_MT_SECONDS] = {
		.name = "citizengw_mo_reply_seconds", .type = METRIC_HISTOGRAM,
		.help = "From an MO received to the submit_sm_resp that accepted the "
		"last part of its reply (replies sent by the process that "
		"received the MO).",
		.labels = { "channel", NULL }, BUCKETS(mo_mt_buckets),
	},
	[CGW_M_BCAST_RECIPIENTS] = {
		.name = "citizengw_broadcast_recipients", .type = METRIC_GAUGE,
		.help = "Recipients of each loading, running or paused broadcast, by "
		"state (total; pending, queued, sent, delivered, failed, "
		"expired, opted_out, cancelled), read at scrape time.",
		.labels = { "broadcast", "state", NULL }, .max_series = 256,
	},
	[CGW_M_SCRAPE_ERRORS] = {
		.name = "citizengw_scrape_errors_total", .type = METRIC_COUNTER,
		.help = "Parts of a scrape that could not be read (queues, "
		"broadcasts: Redis away); their gauges are left out.",
		.labels = { "part", NULL },
	},
};
