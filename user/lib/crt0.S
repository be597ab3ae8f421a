/*
 * Entry point of every SIS user program. The kernel starts it with sp at
 * argc (then argv..., NULL, envp..., NULL, auxv; 16-byte aligned, Linux
 * layout); __sis_start (start.c) does the rest in C. Also the signal return
 * trampoline handed to rt_sigaction as sa_restorer.
 */
#include <uapi/sis/syscall.h>

	.text
	.global _start
	.type _start, %function
_start:
	mov	x29, #0		/* end of the frame-pointer chain */
	mov	x30, #0
	mov	x0, sp
	bl	__sis_start
1:	b	1b		/* __sis_start does not return */
	.size _start, . - _start

	/* Handlers return here; rt_sigreturn restores the interrupted context. */
	.global __sis_sigreturn
	.type __sis_sigreturn, %function
__sis_sigreturn:
	mov	x8, #__NR_rt_sigreturn
	svc	#0
	.size __sis_sigreturn, . - __sis_sigreturn

	.section .note.GNU-stack, "", %progbits
