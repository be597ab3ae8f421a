/* echo [-n] [-e] [ARG...]: print the arguments separated by spaces. */
#include <stdio.h>
#include <string.h>

/* Print s with backslash escapes (-e); returns 0 if \c ended the output. */
static int print_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			putchar(*s);
			continue;
		}
		switch (*++s) {
		case 'n': putchar('\n'); break;
		case 't': putchar('\t'); break;
		case 'r': putchar('\r'); break;
		case 'a': putchar('\a'); break;
		case 'b': putchar('\b'); break;
		case 'e': putchar(033); break;
		case '\\': putchar('\\'); break;
		case 'c': return 0;
		case '0': {
			int v = 0;

			for (int i = 0; i < 3 && s[1] >= '0' && s[1] <= '7'; i++)
				v = v * 8 + (*++s - '0');
			putchar(v);
			break;
		}
		default: putchar('\\'); putchar(*s);
		}
	}
	return 1;
}

int main(int argc, char **argv)
{
	int newline = 1, escapes = 0, i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i] + 1;

		if (strspn(o, "neE") != strlen(o))
			break;
		for (; *o; o++) {
			if (*o == 'n')
				newline = 0;
			else
				escapes = *o == 'e';
		}
	}
	for (int first = i; i < argc; i++) {
		if (i > first)
			putchar(' ');
		if (escapes && !print_escaped(argv[i]))
			return fflush(stdout) ? 1 : 0;
		if (!escapes)
			fputs(argv[i], stdout);
	}
	if (newline)
		putchar('\n');
	return fflush(stdout) ? 1 : 0;
}
