/*
 * citizengw-ctl helpers every command file uses: the store connection,
 * reading a file, showing a record, times as staff type them, table
 * cells.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/days.h"
#include "ctl/ctl.h"
#include "services/services.h"
#include "store/record.h"
#include "store/store_sync.h"
#include "text/text.h"

struct store_sync *ctl_open_store(const struct cgw_conf *c)
{
	char err[512];
	struct store_sync *ss = store_sync_open(c, err, sizeof(err));

	if (!ss)
		fprintf(stderr, "citizengw-ctl: %s\n", err);
	return ss;
}

char *ctl_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	char *buf;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &sb) < 0 || sb.st_size > 512L * 1024 * 1024) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)sb.st_size, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* A record's hash, the table's fields first in their order, then any
 * other field as stored. */
void ctl_print_record(const struct rec_def *def,
			 const struct store_pairs *p)
{
	for (size_t i = 0; i < def->nfields; i++) {
		const char *v = store_pairs_get(p, def->fields[i].name);

		if (v)
			printf("%-12s %s\n", def->fields[i].name, v);
	}
	for (size_t i = 0; i + 1 < p->n; i += 2)
		if (!rec_field_find(def, p->v[i]))
			printf("%-12s %s\n", p->v[i], p->v[i + 1]);
}

int ctl_parse_when(const char *s, int64_t now, int64_t *ms)
{
	char date[11];
	int day, hh = 0, mm = 0;
	long long n;
	char unit;

	if (sscanf(s, "%lld%c", &n, &unit) == 2 && n >= 0 &&
	    strlen(s) == (size_t)snprintf(NULL, 0, "%lld%c", n, unit)) {
		int64_t mul = unit == 'd' ? 86400000LL : unit == 'h' ? 3600000LL
			      : unit == 'm' ? 60000LL : 0;

		if (!mul)
			return -EINVAL;
		*ms = now - n * mul;
		return 0;
	}
	if (strlen(s) < 10)
		return -EINVAL;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (day_parse(date, &day) < 0)
		return -EINVAL;
	if (s[10] && ((s[10] != 'T' && s[10] != ' ') ||
		      sscanf(s + 11, "%2d:%2d", &hh, &mm) != 2 ||
		      strlen(s + 11) != 5 || hh > 23 || mm > 59 || hh < 0 ||
		      mm < 0))
		return -EINVAL;
	*ms = svc_day_start_ms(day) + (hh * 60 + mm) * 60000LL;
	return 0;
}

void ctl_print_cell(const char *s, int width)
{
	size_t len = strlen(s), pos = 0, last = 0;
	int cols = 0;
	uint32_t cp;

	while (pos < len) {
		size_t at = pos;

		if (utf8_decode(s, len, &pos, &cp) == 0 && cp >= 0x300 &&
		    cp <= 0x36f)
			continue;
		if (cols == width - 1)
			last = at;
		if (++cols > width) {
			printf("%.*s…", (int)last, s);
			return;
		}
	}
	printf("%s%*s", s, width - cols, "");
}
