/*
 * The reference design's Test 3 ("Socket Creation"), exactly as the design
 * document gives it (everything below this comment). It must build with
 * tools/cc unchanged, print a socket fd and exit 0: test_sock.py ref3.
 */
#include <sys/socket.h>
#include <stdio.h>

int main() {
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    if (sock < 0) {
        perror("socket");
        return 1;
    }

    printf("Socket created: fd=%d\n", sock);

    // Should see in kernel logs:
    // [INFO] socket: domain=2 type=1 protocol=0

    close(sock);
    return 0;
}
