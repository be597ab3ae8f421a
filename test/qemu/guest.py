"""Talking to SIS's shell on the serial console, and small socket helpers,
shared by the test modules that drive a booted guest."""
from sistest import TestFailure

PROMPT = r"sis:[^#\n]*# "


def boot_to_shell(qm, timeout=60, prompt=PROMPT):
    """Wait until /etc/rc ran (it starts httpd) and the shell prompts."""
    qm.expect(r"rc: SIS user space up", timeout=timeout)
    qm.expect(prompt, timeout=timeout, prompt=True)


def wait_ipv6(qm, addr, timeout=15):
    """Wait for the kernel's line saying IPv6 address ADDR is usable (DAD
    passed). The boot does not wait for DAD: these lines come when they
    come, before or after the shell prompt (then on the prompt's line)."""
    import re
    return qm.wait_line(r"\[INFO\] net: IPv6 address " + re.escape(addr) +
                        r"/\d+ \(", timeout=timeout)


def sh(qm, cmd, timeout=30, status=0, prompt=PROMPT):
    """Type CMD at the prompt; return its output (the lines between two
    markers). Fails unless its exit status is STATUS (None: any)."""
    qm.sendline(f"echo @@begin; {cmd}; echo @@rc=$?")
    m = qm.expect(r"^@@rc=(\d+)$", timeout=timeout)
    out = qm.output
    start, end = out.rfind("\n@@begin\n"), out.rfind("\n@@rc=")
    text = out[start + len("\n@@begin\n"):end] if 0 <= start < end else ""
    qm.expect(prompt, timeout=timeout, prompt=True)
    got = int(m.group(1))
    if status is not None and got != status:
        raise TestFailure(f"`{cmd}` exited with {got}, expected {status}:\n{text[-600:]}")
    return text


def recv_all(sock):
    """Everything SOCK receives until the peer closes."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def serve_host_dir(ctx, directory, bind="127.0.0.1"):
    """python3 -m http.server serving DIRECTORY on BIND only (127.0.0.1:
    the guest sees it as 10.0.2.2; ::1: as fec0::2); returns (port, process)."""
    import subprocess
    from sistest import wait_for_port
    port = ctx.free_port()
    p = subprocess.Popen(["python3", "-m", "http.server", str(port), "--bind", bind,
                          "--directory", directory], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(ctx, bind, port, proc=p)
    except TestFailure:
        p.kill()
        raise
    return port, p
