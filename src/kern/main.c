/*
 * kmain: the boot sequence after boot.S has the MMU on and a stack.
 *
 *   console (early, polled) -> device tree -> command line -> memory
 *   (buddy, heap, final page tables) -> GIC, timer, console input ->
 *   INITCALL levels (scheduler, VFS, drivers, network...) ->
 *   "SIS: boot complete" -> ktest=NAME if asked -> start_init().
 */
#include <sis/kernel.h>
#include <sis/log.h>
#include <sis/mm.h>
#include <sis/pgtable.h>
#include <sis/irq.h>
#include <sis/timer.h>
#include <sis/softirq.h>
#include <sis/devtree.h>
#include <sis/cmdline.h>
#include <sis/console.h>
#include <sis/board.h>
#include <sis/init.h>
#include <sis/arch.h>
#include <libfdt.h>

struct dt_info boot_dt;
paddr_t boot_dtb_pa = VIRT_DTB_PA;
static const char *ktest_name;

extern char _kernel_start[], _kernel_end[];
extern const initcall_t __start_initcalls[], __stop_initcalls[];
extern const struct ktest __start_ktests[], __stop_ktests[];

static int ktest_option(const char *value)
{
	if (!value || !*value)
		return -EINVAL;
	ktest_name = value;
	return 0;
}
CMDLINE_OPTION("ktest", ktest_option);

/*
 * DTB_PA is what the boot loader passed in x0: the Image protocol's device
 * tree address, or 0 when QEMU started the ELF (its DTB is then at the start
 * of RAM). An address outside the boot map's RAM is not read.
 */
static void read_device_tree(paddr_t dtb_pa)
{
	if (dtb_pa)
		boot_dtb_pa = dtb_pa;
	devtree_defaults(&boot_dt);
	if (boot_dtb_pa >= VIRT_RAM_BASE && boot_dtb_pa % 8 == 0 &&
	    boot_dtb_pa < BOOT_MAP_RAM_END &&
	    devtree_parse(boot_fdt(), &boot_dt) == 0) {
		boot_dt.valid = true;
		return;
	}
	log_warn("dt: no valid device tree at 0x%lx; using board defaults",
		 (unsigned long)boot_dtb_pa);
}

static void print_device_facts(void)
{
	const struct dt_info *dt = &boot_dt;

	log_info("dt: memory 0x%08lx-0x%08lx (%lu MiB)", (unsigned long)dt->memory.base,
		 (unsigned long)(dt->memory.base + dt->memory.size - 1),
		 (unsigned long)(dt->memory.size >> 20));
	log_info("dt: uart pl011 at 0x%08lx irq %u", (unsigned long)dt->uart.base, dt->uart_intid);
	log_info("dt: gic v2 dist 0x%08lx cpu 0x%08lx", (unsigned long)dt->gicd.base,
		 (unsigned long)dt->gicc.base);
	log_info("dt: timer irq %u freq %lu Hz", dt->timer_intid,
		 (unsigned long)read_sysreg(cntfrq_el0));
	if (dt->n_virtio)
		log_info("dt: virtio-mmio %d slots at 0x%08lx-0x%08lx", dt->n_virtio,
			 (unsigned long)dt->virtio[0].reg.base,
			 (unsigned long)(dt->virtio[dt->n_virtio - 1].reg.base +
					 dt->virtio[dt->n_virtio - 1].reg.size - 1));
	if (dt->initrd.size)
		log_info("dt: initrd 0x%08lx-0x%08lx (%lu KiB)", (unsigned long)dt->initrd.base,
			 (unsigned long)(dt->initrd.base + dt->initrd.size - 1),
			 (unsigned long)(dt->initrd.size >> 10));
}

static void memory_init(void)
{
	struct dt_reg reserved[3];
	int n = 0;

	reserved[n++] = (struct dt_reg){ kva_to_pa(_kernel_start),
					 (u64)(_kernel_end - _kernel_start) };
	if (boot_dt.valid)
		reserved[n++] = (struct dt_reg){ boot_dtb_pa, fdt_totalsize(boot_fdt()) };
	if (boot_dt.initrd.size)
		reserved[n++] = boot_dt.initrd;
	mm_init(boot_dt.memory.base, boot_dt.memory.size, reserved, n);
	mmu_init();
	heap_init();
	log_info("mm: %lu pages free of %lu", (unsigned long)page_free_count(),
		 (unsigned long)page_total_count());
}

static void run_initcalls(void)
{
	for (const initcall_t *ic = __start_initcalls; ic < __stop_initcalls; ic++) {
		int err = (*ic)();
		if (err)
			log_warn("init: %p failed: %d", (void *)*ic, err);
	}
}

static void run_ktest(void)
{
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
		if (strcmp(t->name, ktest_name) == 0) {
			int rc;

			log_info("ktest: running %s", t->name);
			rc = t->fn();
			log_info("ktest: %s %s (%d)", t->name, rc ? "FAILED" : "passed", rc);
			kernel_poweroff(rc);
		}
	}
	log_err("ktest: no test named '%s'", ktest_name);
	machine_poweroff(2);
}

void kmain(paddr_t dtb_pa)
{
	pl011_early_init(VIRT_UART_BASE);
	read_device_tree(dtb_pa);
	if (boot_dt.uart.base != VIRT_UART_BASE)
		pl011_early_init(boot_dt.uart.base);
	cmdline_parse(boot_dt.bootargs);
	log_info("SIS %s booting on %s", SIS_VERSION, boot_dt.model[0] ? boot_dt.model : "unknown");
	log_info("cmdline: %s", boot_dt.bootargs);
	print_device_facts();

	memory_init();
	irq_init(boot_dt.gicd.base, boot_dt.gicc.base);
	timer_init();
	if (pl011_enable_rx_irq(boot_dt.uart_intid))
		log_warn("console: no input interrupt");
	irq_enable_local();

	run_initcalls();
	log_info("SIS: boot complete");
	if (ktest_name)
		run_ktest();
	start_init();
}

/* Until a process layer exists: idle forever once booted. */
__attribute__((weak)) void start_init(void)
{
	log_warn("init: no process layer; idling");
	for (;;) {
		softirq_run_pending();
		__asm__ volatile("wfi");
	}
}
