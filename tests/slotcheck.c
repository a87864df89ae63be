/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * slotcheck: reads the output of `redis-cli MONITOR` on stdin and checks
 * the Redis Cluster rule every script call of citizengw must keep: the
 * keys declared in KEYS, and every key the script's own commands touch,
 * hash to one slot (CRC16 of the key, or of its {hash tag}, modulo 16384).
 * Commands outside scripts that name several keys are held to the same
 * rule, and so is a transaction (MULTI ... EXEC) as a whole: its
 * commands, a script's declared keys and the script's own commands, all
 * in the slot of the transaction's first key.
 *
 * Prints one line per violation and a summary; exits 1 when there is any
 * violation or when no script call was seen at all (a test that watched
 * nothing proves nothing), 2 on an unknown command (its key positions
 * must be added here).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ARGS 512

static unsigned crc16(const char *buf, size_t len)
{
	uint16_t crc = 0;

	for (size_t i = 0; i < len; i++) {
		crc ^= (uint16_t)((uint8_t)buf[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021
						      : crc << 1);
	}
	return crc;
}

/* The cluster slot of a key, with Redis's hash tag rule. */
static unsigned slot_of(const char *key)
{
	const char *open = strchr(key, '{'), *close;

	if (open && (close = strchr(open + 1, '}')) && close > open + 1)
		return crc16(open + 1, (size_t)(close - open - 1)) & 16383;
	return crc16(key, strlen(key)) & 16383;
}

/* Splits the quoted arguments of a MONITOR line (after the "]"). */
static int parse_args(char *p, char **argv)
{
	int n = 0;

	while ((p = strchr(p, '"')) && n < MAX_ARGS) {
		char *out = ++p;

		argv[n++] = out;
		while (*p && *p != '"') {
			if (*p == '\\' && p[1] == 'x' && p[2] && p[3]) {
				char hex[3] = { p[2], p[3], 0 };

				*out++ = (char)strtol(hex, NULL, 16);
				p += 4;
			} else if (*p == '\\' && p[1]) {
				char c = p[1];

				*out++ = c == 'n' ? '\n' : c == 'r' ? '\r'
					 : c == 't' ? '\t' : c;
				p += 2;
			} else {
				*out++ = *p++;
			}
		}
		if (*p)
			p++;
		*out = '\0';
	}
	return n;
}

/* Commands whose only key is their first argument. */
static const char *const first_key[] = {
	"GET", "SET", "HSET", "HGET", "HGETALL", "HSETNX", "HINCRBY", "HKEYS",
	"HDEL", "EXPIRE", "PEXPIRE", "ZADD", "ZREM", "ZSCORE", "ZCARD",
	"ZRANGEBYSCORE", "ZRANGE", "ZCOUNT", "XADD", "XRANGE", "XLEN", "XTRIM",
	"INCR", "INCRBY", "TTL", "PTTL", "TYPE", "HMGET", "HLEN", "LPUSH",
	"RPUSH", "LRANGE", "LLEN", "SADD", "SREM", "SCARD", "SISMEMBER",
	"SMEMBERS", "HEXISTS", "SETNX", "GETDEL", "ZREMRANGEBYSCORE",
	"ZINCRBY", "ZPOPMIN", "DECRBY", "DECR", "PEXPIREAT", "EXPIREAT",
	"SPOP", "LPOP", "RPOP", "ZREVRANGEBYSCORE",
};
/* Commands whose every argument is a key. */
static const char *const all_keys[] = { "DEL", "EXISTS", "UNLINK", "MGET" };
/* Commands without keys. */
static const char *const no_key[] = {
	"PING", "SELECT", "AUTH", "SCRIPT", "CLIENT", "INFO", "COMMAND",
	"HELLO", "MONITOR", "TIME", "DBSIZE", "FLUSHALL", "SCAN", "CONFIG",
	"KEYS", "ECHO", "QUIT", "WAIT",
};

static bool in(const char *const *list, size_t n, const char *cmd)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(list[i], cmd) == 0)
			return true;
	return false;
}

#define IN(list, cmd) in(list, sizeof(list) / sizeof(list[0]), cmd)

struct state {
	bool in_script;
	bool in_tx, tx_slot;	/* inside MULTI; its slot known */
	unsigned slot;
	char script[48];
	long calls, commands, violations;
};

static void check_key(struct state *st, const char *key, const char *cmd)
{
	unsigned s = slot_of(key);

	if (s == st->slot)
		return;
	st->violations++;
	printf("slot violation: script %.12s declared slot %u, %s \"%s\" is "
	       "in slot %u\n", st->script, st->slot, cmd, key, s);
}

/* A command from a client: a script call starts a new group. */
static int client_command(struct state *st, int argc, char **argv)
{
	const char *cmd = argv[0];

	st->in_script = false;
	if (strcasecmp(cmd, "MULTI") == 0) {
		st->in_tx = true;
		st->tx_slot = false;
		st->calls++;
		snprintf(st->script, sizeof(st->script), "(MULTI)");
		return 0;
	}
	if (strcasecmp(cmd, "EXEC") == 0 || strcasecmp(cmd, "DISCARD") == 0) {
		st->in_tx = false;
		return 0;
	}
	if (st->in_tx) {
		/* every key of the transaction, its scripts' commands' too,
		 * in the slot of its first: the keys argv[from..to) */
		int from = 1, to = 0;

		if (strcasecmp(cmd, "EVALSHA") == 0 ||
		    strcasecmp(cmd, "EVAL") == 0) {
			from = 3;
			to = 3 + (argc > 2 ? atoi(argv[2]) : 0);
		} else if (IN(all_keys, cmd)) {
			to = argc;
		} else if (IN(first_key, cmd)) {
			to = 2;
		}
		for (int i = from; i < to && i < argc; i++) {
			if (!st->tx_slot) {
				st->slot = slot_of(argv[i]);
				st->tx_slot = true;
			} else {
				check_key(st, argv[i], cmd);
			}
		}
		st->in_script = st->tx_slot;
		return 0;
	}
	if (strcasecmp(cmd, "EVALSHA") == 0 || strcasecmp(cmd, "EVAL") == 0) {
		long nkeys = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

		st->calls++;
		st->in_script = true;
		snprintf(st->script, sizeof(st->script), "%s", argv[1]);
		if (nkeys < 1)
			return 0;
		st->slot = slot_of(argv[3]);
		for (long i = 1; i < nkeys && 3 + i < argc; i++)
			check_key(st, argv[3 + i], "KEYS entry");
		return 0;
	}
	if (IN(all_keys, cmd) && argc > 2) {
		st->slot = slot_of(argv[1]);
		snprintf(st->script, sizeof(st->script), "(%s)", cmd);
		for (int i = 2; i < argc; i++)
			check_key(st, argv[i], cmd);
	}
	return 0;
}

/* A command a script ran: its keys must be in the call's slot. */
static int script_command(struct state *st, int argc, char **argv)
{
	const char *cmd = argv[0];

	st->commands++;
	if (!st->in_script)
		return 0;
	if (IN(first_key, cmd)) {
		if (argc > 1)
			check_key(st, argv[1], cmd);
	} else if (IN(all_keys, cmd)) {
		for (int i = 1; i < argc; i++)
			check_key(st, argv[i], cmd);
	} else if (!IN(no_key, cmd)) {
		printf("unknown command in a script: %s (add its key "
		       "positions to tests/slotcheck.c)\n", cmd);
		return 2;
	}
	return 0;
}

int main(void)
{
	static char line[1 << 20];
	static char *argv[MAX_ARGS];
	struct state st = { 0 };
	int rc = 0;

	while (fgets(line, sizeof(line), stdin)) {
		char *br = strchr(line, ']');
		bool lua = strstr(line, " lua]") != NULL;
		int argc;

		if (!br)
			continue;
		argc = parse_args(br, argv);
		if (argc == 0)
			continue;
		if (lua) {
			if (script_command(&st, argc, argv))
				rc = 2;
		} else {
			client_command(&st, argc, argv);
		}
	}
	printf("%ld script calls, %ld commands inside them, %ld slot "
	       "violations\n", st.calls, st.commands, st.violations);
	if (rc)
		return rc;
	return st.violations || st.calls == 0 ? 1 : 0;
}
