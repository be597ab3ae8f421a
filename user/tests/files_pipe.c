/*
 * files_pipe: pipes between processes. A child streams 200 KiB through a
 * pipe and the parent checks every byte; EOF once the writer is gone;
 * SIGPIPE (and EPIPE when ignored) with no reader; O_NONBLOCK gives EAGAIN
 * on an empty or full pipe; poll/select see data, hang-up and a timeout;
 * a pipeline through an exec'ed /bin/cat. One result line; status 0 = pass.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include "files_check.h"

#define STREAM_BYTES (200 * 1024)

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 8));
}

static void test_stream(void)
{
	int fds[2], st;
	size_t got = 0, bad = 0;
	unsigned char buf[3000];
	pid_t pid;

	CHECK(pipe(fds) == 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (size_t i = 0; i < STREAM_BYTES;) {
			unsigned char chunk[1500];
			size_t n = STREAM_BYTES - i < sizeof(chunk) ? STREAM_BYTES - i : sizeof(chunk);

			for (size_t k = 0; k < n; k++)
				chunk[k] = pattern(i + k);
			if (write(fds[1], chunk, n) != (ssize_t)n)
				_exit(2);
			i += n;
		}
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], buf, sizeof(buf));

		if (n <= 0)
			break;
		for (ssize_t k = 0; k < n; k++)
			bad += buf[k] != pattern(got + (size_t)k);
		got += (size_t)n;
	}
	close(fds[0]);
	CHECK(got == STREAM_BYTES);
	CHECK(bad == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_sigpipe(void)
{
	int fds[2], st;
	pid_t pid;

	CHECK(pipe(fds) == 0);
	close(fds[0]);
	pid = fork();
	if (pid == 0) {
		write(fds[1], "x", 1); /* no reader: SIGPIPE kills us */
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(fds[1], "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(fds[1]);
}

static void test_nonblock(void)
{
	int fds[2], n = 0;
	char buf[4096];
	ssize_t w;

	CHECK(pipe2(fds, O_NONBLOCK) == 0);
	CHECK_ERR(read(fds[0], buf, 1), EAGAIN);
	memset(buf, 'z', sizeof(buf));
	while ((w = write(fds[1], buf, sizeof(buf))) > 0)
		n += (int)w;
	CHECK(w == -1 && errno == EAGAIN);
	CHECK(n >= 4096);
	CHECK(read(fds[0], buf, sizeof(buf)) == sizeof(buf));
	close(fds[1]);
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	CHECK(read(fds[0], buf, 1) == 0); /* drained and no writer: EOF, not EAGAIN */
	close(fds[0]);
}

static void test_poll(void)
{
	int fds[2];
	struct pollfd p[2];
	struct timespec t0, t1;
	fd_set rd;
	struct timeval tv = { 0, 50000 };
	char c;
	long ms;

	CHECK(pipe(fds) == 0);
	p[0] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = fds[1], .events = POLLOUT };
	CHECK(poll(p, 2, 0) == 1 && p[0].revents == 0 && p[1].revents == POLLOUT);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(poll(p, 1, 100) == 0);                     /* times out */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 90 && ms < 1000);
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	CHECK(select(fds[0] + 1, &rd, NULL, NULL, &tv) == 0);
	if (fork() == 0) {                               /* wakes the poll below */
		usleep(50000);
		write(fds[1], "!", 1);
		_exit(0);
	}
	CHECK(poll(p, 1, 5000) == 1 && (p[0].revents & POLLIN));
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	CHECK(select(fds[0] + 1, &rd, NULL, NULL, NULL) == 1 && FD_ISSET(fds[0], &rd));
	CHECK(read(fds[0], &c, 1) == 1 && c == '!');
	wait(NULL);
	close(fds[1]);
	CHECK(poll(p, 1, 1000) == 1 && (p[0].revents & POLLHUP));
	p[0].fd = 77;                                    /* not open */
	CHECK(poll(p, 1, 0) == 1 && p[0].revents == POLLNVAL);
	close(fds[0]);
}

/* parent -> cat -> parent */
static void test_exec_filter(void)
{
	int to[2], from[2], st;
	char buf[64] = { 0 };
	pid_t pid;

	CHECK(pipe(to) == 0 && pipe(from) == 0);
	pid = fork();
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]), close(to[1]), close(from[0]), close(from[1]);
		execl("/bin/cat", "cat", (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	CHECK(write(to[1], "through cat\n", 12) == 12);
	close(to[1]);
	CHECK(read(from[0], buf, sizeof(buf)) == 12 && strcmp(buf, "through cat\n") == 0);
	CHECK(read(from[0], buf, sizeof(buf)) == 0);
	close(from[0]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	test_stream();
	test_sigpipe();
	test_nonblock();
	test_poll();
	test_exec_filter();
	return finish("files_pipe");
}
