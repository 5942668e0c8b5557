/* SPDX-License-Identifier: MIT */
/* Writing a double exactly as printf("%.17g") does, or with the fewest
 * digits that read back, without printf: a model record holds dozens of
 * reals (bounding boxes, coordinates, value scales), and glibc's printf
 * spends about 3,500 instructions on each, more than on the rest of the
 * record's encoding together. */
#ifndef SRC_NUMFMT_H
#define SRC_NUMFMT_H

#include <stddef.h>

/* Room for any "%.17g" of a double, with its terminating NUL. */
#define NUMFMT_G17_MAX 32

/* Write v as snprintf(buf, NUMFMT_G17_MAX, "%.17g", v) would (no locale:
 * the point is '.'), and return the length. Reals between 1e-5 and 1e17
 * in magnitude are written by exact integer arithmetic; others go to
 * snprintf. */
size_t numfmt_g17(double v, char buf[NUMFMT_G17_MAX]);

/* Write v with the fewest significant digits that read back as v (0.1,
 * not 0.10000000000000001), laid out as "%.17g" lays out its digits:
 * fixed notation for decimal exponents from -4 to 16, else d.ddde+XX.
 * Returns the length. How JSON output writes a real: the text a document
 * gave, where "%.17g" wrote -43.579999999999998 for -43.58. */
size_t numfmt_real(double v, char buf[NUMFMT_G17_MAX]);

/* The shortest "%.*g" text of v that reads back as v, in fixed notation
 * when one reads back ("3000", not "3e+03"): a number as a person wrote
 * it, where it becomes text (an id, a name, an issue). The one writer of
 * such text, so that a numeric id is the same string in every field and
 * key. */
void numfmt_shortest(double v, char *buf, size_t n);

/* Read the decimal number that s starts with, as strtod() would: an
 * optional sign, digits with an optional point (a digit at least), an
 * optional exponent. Nothing else that strtod() takes (a leading blank,
 * hexadecimal, inf, nan): a command line's "0x10" is a typo, not 16.
 * Sets *v, *end just past the number, and errno as strtod() does (ERANGE
 * for a number out of a double's range). Returns 0, or -1 when s starts
 * with no such number (*end is s then). */
int numfmt_read(const char *s, double *v, char **end);

#endif
