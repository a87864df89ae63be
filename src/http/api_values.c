/*
 * Values the API reads and writes the same way everywhere: times in
 * ISO 8601, local in broadcast.timezone when they give no offset.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "gw/gw.h"
#include "http/api.h"
#include "services/bcast.h"

int api_time_str(struct http_req *r, const char *s, const char *field,
		 int64_t *ms, char *err, size_t errlen)
{
	char why[256];

	if (bcast_time_parse(s, gw_tz(http_gw(r)), ms, why, sizeof(why)) < 0)
		return util_err(err, errlen, -EINVAL, "%s: %s", field, why);
	return 0;
}

int api_time(struct http_req *r, const json_t *v, const char *field,
	     int64_t *ms, char *err, size_t errlen)
{
	if (!json_is_string(v))
		return util_err(err, errlen, -EINVAL, "%s: expects a time "
				"string (2026-12-01T10:00:00+07:00)", field);
	return api_time_str(r, json_string_value(v), field, ms, err, errlen);
}

json_t *http_time(const struct http_req *r, int64_t utc_ms)
{
	char buf[BCAST_TIME_MAX];

	if (utc_ms <= 0)
		return json_null();
	bcast_time_format(utc_ms, gw_tz(http_gw(r)), buf, sizeof(buf));
	return json_string(buf);
}
