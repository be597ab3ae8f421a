/* panic(): print the reason, a backtrace of the caller, and stop the machine. */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/irq.h>
#include <sis/trap.h>
#include <sis/init.h>

static bool panicking;

void panic(const char *fmt, ...)
{
	va_list ap;

	irq_disable_local();
	if (panicking)
		machine_poweroff(99);
	panicking = true;
	kprintf("\nKERNEL PANIC: ");
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace_from((u64)__builtin_frame_address(0), (u64)__builtin_return_address(0));
	machine_poweroff(99);
}

/* libfdt is built with stack protection. */
unsigned long __stack_chk_guard = 0x5a5a5a5a0f0f0f0fUL;

void __stack_chk_fail(void)
{
	panic("stack protector: stack smashed");
}
