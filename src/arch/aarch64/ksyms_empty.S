/* First link pass: an empty symbol table (tools/gen-ksyms.py fills pass 2). */
	.section .ksyms, "a"
	.balign 8
	.global ksyms_count
ksyms_count:
	.quad 0
	.global ksyms_addrs
ksyms_addrs:
	.global ksyms_names
ksyms_names:
	.quad 0
