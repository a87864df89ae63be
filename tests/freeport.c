/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Test helper for loopback ports.
 *   freeport              prints a free TCP port on 127.0.0.1 (for servers
 *                         that cannot pick their own, such as redis-server)
 *   freeport --blackhole  listens on a port whose accept queue is full, so
 *                         that a client's SYN goes unanswered and its
 *                         connect hangs (an unreachable server, without
 *                         leaving loopback); prints it, sleeps until killed
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int hole = argc > 1 && strcmp(argv[1], "--blackhole") == 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    (hole && listen(fd, 0) < 0) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		perror("freeport");
		return 1;
	}
	if (!hole) {
		printf("%d\n", ntohs(sin.sin_port));
		close(fd);
		return 0;
	}
	/* fill the accept queue (a backlog of 0 still queues one or two) */
	for (int i = 0; i < 4; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		struct timeval tv = { 0, 200000 };

		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		connect(c, (struct sockaddr *)&sin, sizeof(sin));
	}
	printf("%d\n", ntohs(sin.sin_port));
	fflush(stdout);
	for (;;)
		pause();
}
