/*
 * C start-up for SIS user programs (called by _start in crt0.S): finds
 * argv, envp and the auxiliary vector on the initial stack, points the
 * thread pointer at the program's TLS block (picolibc keeps errno there),
 * sets up stdio, runs constructors, then exit(main(...)).
 */
#include <stdlib.h>
#include <stdint.h>
#include <picotls.h>
#include "runtime.h"

extern char **environ;
extern char __tls_base[];   /* user.ld: start of .tdata (the TLS template, used in place) */
extern int main(int argc, char **argv, char **envp);
extern void __libc_init_array(void);

static const unsigned long *auxv;

unsigned long getauxval(unsigned long type)
{
	for (const unsigned long *a = auxv; a && a[0]; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

/* libgcc's outline-atomics constructor asks for AT_HWCAP by this name;
 * defining it here keeps picolibc's getauxval (no auxv) out of the link. */
unsigned long __getauxval(unsigned long type) __attribute__((alias("getauxval")));

void __sis_start(uintptr_t *sp) __attribute__((noreturn));
void __sis_start(uintptr_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **e = envp;

	while (*e)
		e++;
	auxv = (const unsigned long *)(e + 1);
	environ = envp;
	/* A static program's TLS template has room for .tbss behind it
	 * (user.ld), and there is one thread: use it as the TLS block. */
	_set_tls(__tls_base);
	__sis_stdio_init();
	__libc_init_array();
	exit(main(argc, argv, envp));
}
