/*
 * The reference design's Test 4 ("TCP Connection"), exactly as the design
 * document gives it (everything below this comment). test_sock.py ref4
 * builds it with tools/cc after replacing only the destination
 * (93.184.216.34 port 80) by a web server on the host (10.0.2.2:PORT).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

int main() {
    // Create socket
    int sock = socket(AF_INET, SOCK_STREAM, 0);

    // Connect to example.com:80
    struct sockaddr_in addr = {
        .sin_family = AF_INET,
        .sin_port = htons(80),
        .sin_addr.s_addr = inet_addr("93.184.216.34"),
    };

    if (connect(sock, (struct sockaddr*)&addr, sizeof(addr)) < 0) {
        perror("connect");
        return 1;
    }

    // Send HTTP request
    const char *request = "GET / HTTP/1.0\r\nHost: example.com\r\n\r\n";
    send(sock, request, strlen(request), 0);

    // Receive response
    char buf[4096];
    ssize_t n = recv(sock, buf, sizeof(buf), 0);
    write(1, buf, n);

    close(sock);
    return 0;
}
