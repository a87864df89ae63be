/*
 * The Lua scripts of the store, one string each. Internal to store.c.
 * Every key a script writes is passed in KEYS and shares the phone's shard
 * hash tag; the claim scripts also read the per-message hashes of their
 * shard by name (same slot).
 */
#ifndef CGW_STORE_LUA_H
#define CGW_STORE_LUA_H

/* KEYS: fp mo inq sess ph
 * ARGV: id now lease dedup_ms mo_ttl_s mode field value ...
 * mode: new | begin (a USSD dial: never a re-delivery once answered)
 *       | reread (recorded already: just read) */
static const char lua_mo_in[] =
	"local mode = ARGV[6]\n"
	"if mode ~= 'reread' then\n"
	"  if ARGV[4] ~= '0' then\n"
	"    local prev = redis.call('GET', KEYS[1])\n"
	"    if prev then\n"
	/*   the original is still being processed: surely a re-delivery */
	"      if redis.call('ZSCORE', KEYS[3], prev) then\n"
	"        return {'dup', prev}\n"
	"      end\n"
	/*   answered: a repeat is new input only where a menu waits for it */
	"      if mode ~= 'begin' then\n"
	"        local node = redis.call('HGET', KEYS[4], 'node')\n"
	"        if (not node) or node == '' then return {'dup', prev} end\n"
	"      end\n"
	"    end\n"
	"    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])\n"
	"  end\n"
	"  redis.call('HSET', KEYS[2], unpack(ARGV, 7))\n"
	"  redis.call('EXPIRE', KEYS[2], ARGV[5])\n"
	"  redis.call('ZADD', KEYS[3], tonumber(ARGV[2]) + tonumber(ARGV[3]),"
	" ARGV[1])\n"
	"end\n"
	"return {'new', ARGV[1], redis.call('HGETALL', KEYS[4]),"
	" redis.call('HGETALL', KEYS[5])}\n";

/* KEYS: sess inq mo outq mt ph mt2 requests
 * ARGV: 1 mo_id 2 expect_v 3 op(set|end|keep) 4 sess_ttl_ms 5 mt_id ('' none)
 *       6 mt_score 7 mt_ttl_s 8 lookup_failed 9 set_lang 10 optout
 *       11 now 12 lookup_window_ms 13 lookup_limit 14 block_ms
 *       15 n_session_args 16 replies_per_minute (0 none)
 *       17 mt_counts ('1': an SMS, counts towards the limit)
 *       18 mt2_id ('' none) 19 n_mt_args 20 n_mt2_args 21 n_req_args
 *       22 mo state when closed, then the session, MT, MT2 and request
 *       field/value pairs.
 * op keep: the session is neither checked nor touched.
 * Returns {'ok', now_blocked, limited, mt2_queued} | {'gone'} |
 * {'conflict', session}. Over the reply limit the MO is closed with no
 * reply, no session change and no request; an opt-out still applies. */
static const char lua_mo_commit[] =
	"if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then\n"
	"  return {'gone'}\n"
	"end\n"
	"local op = ARGV[3]\n"
	"local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')\n"
	"if op ~= 'keep' and v ~= tonumber(ARGV[2]) then\n"
	"  return {'conflict', redis.call('HGETALL', KEYS[1])}\n"
	"end\n"
	"local now = tonumber(ARGV[11])\n"
	"local ns, nm = tonumber(ARGV[15]), tonumber(ARGV[19])\n"
	"local nm2, nr = tonumber(ARGV[20]), tonumber(ARGV[21])\n"
	"local s0 = 23\n"
	"local m0 = s0 + ns\n"
	"local m20 = m0 + nm\n"
	"local r0 = m20 + nm2\n"
	/* the reply limit: one window of a minute in the profile */
	"local function take()\n"
	"  local lim = tonumber(ARGV[16])\n"
	"  if lim == 0 then return true end\n"
	"  local ws = tonumber(redis.call('HGET', KEYS[6], 'rlw') or '0')\n"
	"  local n = tonumber(redis.call('HGET', KEYS[6], 'rln') or '0')\n"
	"  if now - ws >= 60000 then ws = now; n = 0 end\n"
	"  if n >= lim then return false end\n"
	"  redis.call('HSET', KEYS[6], 'rlw', ws, 'rln', n + 1)\n"
	"  return true\n"
	"end\n"
	"if ARGV[10] ~= '' then\n"
	"  redis.call('HSET', KEYS[6], 'optout', ARGV[10], 'optout_at', now)\n"
	"end\n"
	"if ARGV[5] ~= '' and ARGV[17] == '1' and not take() then\n"
	"  redis.call('ZREM', KEYS[2], ARGV[1])\n"
	"  redis.call('HSET', KEYS[3], 'state', 'limited', 'mt', '')\n"
	"  return {'ok', 0, 1, 0}\n"
	"end\n"
	"if op ~= 'keep' then\n"
	"  redis.call('DEL', KEYS[1])\n"
	"  if op == 'set' then\n"
	"    redis.call('HSET', KEYS[1], 'v', v + 1,"
	" unpack(ARGV, s0, m0 - 1))\n"
	"  else\n"
	"    redis.call('HSET', KEYS[1], 'v', v + 1, 'node', '')\n"
	"  end\n"
	"  redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
	"end\n"
	"if ARGV[5] ~= '' then\n"
	"  redis.call('HSET', KEYS[5], unpack(ARGV, m0, m20 - 1))\n"
	"  redis.call('EXPIRE', KEYS[5], ARGV[7])\n"
	"  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5])\n"
	"end\n"
	"local mt2 = 0\n"
	"if ARGV[18] ~= '' and take() then\n"
	"  redis.call('HSET', KEYS[7], unpack(ARGV, m20, r0 - 1))\n"
	"  redis.call('EXPIRE', KEYS[7], ARGV[7])\n"
	"  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[18])\n"
	"  mt2 = 1\n"
	"end\n"
	"if nr > 0 then\n"
	"  redis.call('XADD', KEYS[8], '*', unpack(ARGV, r0, r0 + nr - 1))\n"
	"end\n"
	"local blocked = 0\n"
	"if ARGV[8] == '1' then\n"
	"  local ws = tonumber(redis.call('HGET', KEYS[6], 'lfw') or '0')\n"
	"  local n = 1\n"
	"  if now - ws > tonumber(ARGV[12]) then\n"
	"    redis.call('HSET', KEYS[6], 'lfw', now, 'lf', 1)\n"
	"  else\n"
	"    n = redis.call('HINCRBY', KEYS[6], 'lf', 1)\n"
	"  end\n"
	"  if n >= tonumber(ARGV[13]) then\n"
	"    redis.call('HSET', KEYS[6], 'lb', now + tonumber(ARGV[14]))\n"
	"    blocked = 1\n"
	"  end\n"
	"end\n"
	"if ARGV[9] ~= '' then redis.call('HSET', KEYS[6], 'lang', ARGV[9])"
	" end\n"
	"redis.call('ZREM', KEYS[2], ARGV[1])\n"
	"redis.call('HSET', KEYS[3], 'state', ARGV[22], 'mt', ARGV[5])\n"
	"return {'ok', blocked, 0, mt2}\n";

/* KEYS: queue   ARGV: now lease max key_prefix
 * Returns kind, hash, kind, hash ... (kind 'c' claimed, 'x' expired). */
static const char lua_claim[] =
	"local now = tonumber(ARGV[1])\n"
	"local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now,"
	" 'LIMIT', 0, tonumber(ARGV[3]))\n"
	"local out = {}\n"
	"for _, id in ipairs(ids) do\n"
	"  local k = ARGV[4] .. id\n"
	"  local h = redis.call('HGETALL', k)\n"
	"  if #h == 0 then\n"
	"    redis.call('ZREM', KEYS[1], id)\n"
	"  else\n"
	"    local exp = tonumber(redis.call('HGET', k, 'expires') or '0')\n"
	"    if exp > 0 and exp <= now then\n"
	"      redis.call('ZREM', KEYS[1], id)\n"
	"      redis.call('HSET', k, 'state', 'expired')\n"
	"      table.insert(out, 'x')\n"
	"    else\n"
	"      redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), id)\n"
	"      redis.call('HINCRBY', k, 'claims', 1)\n"
	"      table.insert(out, 'c')\n"
	"    end\n"
	"    table.insert(out, h)\n"
	"  end\n"
	"end\n"
	"return out\n";

/* KEYS: outq mt   ARGV: id state bind msgid status now
 * "sent" never overwrites what receipts said already (a fast SMS centre
 * delivers a part before the last part's response). */
static const char lua_mt_done[] =
	"redis.call('ZREM', KEYS[1], ARGV[1])\n"
	"if redis.call('EXISTS', KEYS[2]) == 1 then\n"
	"  local state = ARGV[2]\n"
	"  local cur = redis.call('HGET', KEYS[2], 'state')\n"
	"  if state == 'sent' and (cur == 'delivered' or cur == 'failed')"
	" then state = cur end\n"
	"  redis.call('HSET', KEYS[2], 'state', state, 'bind', ARGV[3],"
	" 'msgid', ARGV[4], 'status', ARGV[5], 'done_at', ARGV[6])\n"
	"end\n"
	"return 1\n";

/* KEYS: mt   ARGV: part state stat err now
 * Records a receipt for one part; the message is delivered when every
 * part is, failed as soon as one part failed. */
static const char lua_dlr[] =
	"if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone', ''} end\n"
	"redis.call('HSET', KEYS[1], 'p' .. ARGV[1], ARGV[2], 'dlr_stat',"
	" ARGV[3], 'dlr_err', ARGV[4], 'dlr_at', ARGV[5])\n"
	"local parts = tonumber(redis.call('HGET', KEYS[1], 'parts') or '1')\n"
	"local delivered, failed = 0, 0\n"
	"for i = 1, parts do\n"
	"  local s = redis.call('HGET', KEYS[1], 'p' .. i)\n"
	"  if s == 'delivered' then delivered = delivered + 1\n"
	"  elseif s == 'failed' then failed = failed + 1 end\n"
	"end\n"
	"local state = redis.call('HGET', KEYS[1], 'state') or 'sent'\n"
	"if failed > 0 then state = 'failed'\n"
	"elseif delivered == parts then state = 'delivered' end\n"
	"redis.call('HSET', KEYS[1], 'state', state)\n"
	"return {'ok', state}\n";

/* KEYS: parts hash, queue, done marker
 * ARGV: seq part deadline ttl_s member total [meta field value ...] */
static const char lua_part_in[] =
	"if redis.call('EXISTS', KEYS[3]) == 1 then return {'dup'} end\n"
	"local f = 'p' .. ARGV[1]\n"
	"if redis.call('HSETNX', KEYS[1], f, ARGV[2]) == 0 then\n"
	"  if redis.call('HGET', KEYS[1], f) ~= ARGV[2] then\n"
	"    return {'conflict'}\n"
	"  end\n"
	"  return {'dup'}\n"
	"end\n"
	"for i = 7, #ARGV - 1, 2 do\n"
	"  redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])\n"
	"end\n"
	"redis.call('EXPIRE', KEYS[1], ARGV[4])\n"
	"redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[5])\n"
	"local n = 0\n"
	"for _, k in ipairs(redis.call('HKEYS', KEYS[1])) do\n"
	"  if string.sub(k, 1, 1) == 'p' then n = n + 1 end\n"
	"end\n"
	"if n >= tonumber(ARGV[6]) then\n"
	"  return {'complete', redis.call('HGETALL', KEYS[1])}\n"
	"end\n"
	"return {'stored'}\n";

#endif
