/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Values the API reads and writes the same way everywhere: times in
 * ISO 8601, local in broadcast.timezone when they give no offset; a
 * dossier, the notify flag and a broadcast recipient from a JSON body.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "gw/gw.h"
#include "http/api.h"
#include "services/bcast.h"
#include "services/dossier.h"
#include "text/text.h"

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

/* A JSON value as the text of an import column. */
static const char *column_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return NULL;
}

int api_dossier_from_json(const json_t *o, const char *code,
			  struct dossier *d, char *err, size_t errlen)
{
	const char *f[DCOL_COUNT];
	char num[DCOL_COUNT][24];

	if (!json_is_object(o))
		return util_err(err, errlen, -EINVAL, "not an object");
	for (int k = 0; k < DCOL_COUNT; k++) {
		const json_t *v = json_object_get(o, dossier_col_names[k]);

		f[k] = "";
		if (k == DCOL_CODE && code) {
			f[k] = code;
			continue;
		}
		if (!v || json_is_null(v))
			continue;
		f[k] = column_text(v, num[k], sizeof(num[k]));
		if (!f[k])
			return util_err(err, errlen, -EINVAL,
					"%s: expects a string",
					dossier_col_names[k]);
	}
	for (int k = 0; k < DCOL_COUNT; k++)
		if (!utf8_valid(f[k]))
			return util_err(err, errlen, -EINVAL,
					"%s: not UTF-8", dossier_col_names[k]);
	return dossier_from_row(f, d, err, errlen);
}

int api_notify_flag(const json_t *o, bool *notify)
{
	const json_t *v = json_object_get(o, "notify");

	*notify = true;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return -EINVAL;
	*notify = json_is_true(v);
	return 0;
}

int api_feed_item(struct bcast_reader *rd, const json_t *item,
		     const struct bcast_rcpt **out)
{
	const char *k;
	json_t *v;

	bcast_item_begin(rd);
	json_object_foreach((json_t *)item, k, v) {
		char num[32];

		if (json_is_string(v))
			bcast_item_add(rd, k, json_string_value(v));
		else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(v));
			bcast_item_add(rd, k, num);
		} else if (json_is_null(v))
			bcast_item_add(rd, k, NULL);
		else
			bcast_item_add(rd, k, json_is_true(v) ? "true"
				       : json_is_false(v) ? "false" : "");
	}
	return bcast_item_end(rd, out);
}
