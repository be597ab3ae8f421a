/*
 * proc_spin: burn CPU in user mode until killed (no system calls), for
 * tests that need a CPU-bound process beside the one they watch
 * (net.busy_wakeup).
 */
int main(void)
{
	for (volatile unsigned long n = 0;; n++)
		;
}
