/*
 * A TCP port on 127.0.0.1 that takes no connection: it listens with its
 * accept queue already full, so a client's SYN goes unanswered and its
 * connect hangs (an unreachable server, without leaving loopback).
 * Prints the port, then sleeps until killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 0) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		perror("blackhole");
		return 1;
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
