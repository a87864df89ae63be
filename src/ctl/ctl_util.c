/*
 * citizengw-ctl helpers every command file uses: the store connection,
 * reading a file, showing a record.
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

#include "ctl/ctl.h"
#include "store/record.h"
#include "store/store_sync.h"

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
