/* SPDX-License-Identifier: MIT */
/* Printing text from remote documents safely: control characters (C0, DEL,
 * C1) and invalid UTF-8 are escaped, so a title cannot inject terminal
 * escape sequences. */
#ifndef SRC_TEXT_H
#define SRC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Append to out (a new string, caller frees) the terminal-safe form of s,
 * cut to at most width display columns (0 = no limit; each code point counts
 * as one column, a cut ends in "..."). */
char *text_safe(const char *s, size_t width);

/* Case-insensitive (ASCII) substring search; true when needle is empty. */
bool text_contains_ci(const char *hay, const char *needle);

#endif
