/* uname [-asnrvm]: print system information (default -s). */
#include <stdio.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
	struct utsname u;
	const char *fields[5];
	int want[5] = { 0 }, any = 0, n = 0;
	static const char opts[] = "snrvm";

	if (uname(&u) < 0) {
		perror("uname");
		return 1;
	}
	fields[0] = u.sysname, fields[1] = u.nodename, fields[2] = u.release;
	fields[3] = u.version, fields[4] = u.machine;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			fprintf(stderr, "usage: uname [-asnrvm]\n");
			return 1;
		}
		for (const char *o = argv[i] + 1; *o; o++) {
			int k;

			for (k = 0; k < 5 && opts[k] != *o; k++)
				;
			if (*o == 'a') {
				for (k = 0; k < 5; k++)
					want[k] = 1;
			} else if (k < 5) {
				want[k] = 1;
			} else {
				fprintf(stderr, "uname: unknown option -%c\n", *o);
				return 1;
			}
			any = 1;
		}
	}
	if (!any)
		want[0] = 1;
	for (int k = 0; k < 5; k++)
		if (want[k])
			printf("%s%s", n++ ? " " : "", fields[k]);
	putchar('\n');
	return 0;
}
