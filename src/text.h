/* SPDX-License-Identifier: MIT */
/* Printing text from remote documents safely: control characters (C0, DEL,
 * C1, and the bidi controls that reorder a line) and invalid UTF-8 are
 * escaped, so a title cannot inject terminal escape sequences. */
#ifndef SRC_TEXT_H
#define SRC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Append to out (a new string, caller frees) the terminal-safe form of s,
 * cut to at most width display columns (0 = no limit; each code point counts
 * as one column, a cut ends in "..."). */
char *text_safe(const char *s, size_t width);

/* Write the JSON text (p, n) to f with each C1 control and bidi control,
 * which JSON may hold as they are and a terminal acts on, written as a
 * \uXXXX escape instead: the same JSON value, inert on a terminal. */
void text_put_json_inert(FILE *f, const char *p, size_t n);

/* The display columns of a string text_safe() returned, as text_safe()
 * counts them: one per code point. */
size_t text_columns(const char *s);

/* Length (2-4) of the well-formed UTF-8 sequence of one non-ASCII code
 * point at p, of at most avail bytes (no overlong form, no surrogate,
 * nothing past U+10FFFF: RFC 3629, as jansson reads it), 0 when there is
 * none; the code point goes to *cp unless cp is NULL. */
size_t text_utf8_seq(const unsigned char *p, size_t avail, uint32_t *cp);

/* Code point cp (at most U+10FFFF) in UTF-8 at out, which has room for
 * 4 bytes; returns its length. */
size_t text_utf8_put(char *out, uint32_t cp);

/* Case-insensitive substring search; true when needle is empty. Case is
 * that of Unicode (simple mappings: "MODÈLE" finds "modèle") when needle
 * has a non-ASCII character, of ASCII only otherwise. */
bool text_contains_ci(const char *hay, const char *needle);

/* Whether s is ASCII only. */
bool text_is_ascii(const char *s);

/* s (UTF-8) in lower case, by Unicode's simple mappings whatever the
 * locale; bytes that are no UTF-8 are kept. New string. */
char *text_lower(const char *s);

/* text_contains_ci() over the first len bytes of hay (NULs included):
 * whether needle occurs there, ASCII case ignored. */
bool text_mem_contains_ci(const char *hay, size_t len, const char *needle);

/* Parse an RFC 3339 date-time ("2020-01-01T00:00:00Z", fractions and
 * numeric offsets allowed, 't'/'z' and a space accepted) or a full date
 * ("2020-01-01", meaning its midnight UTC) into Unix seconds. Returns 0 or
 * SM_E_PARSE. */
int text_parse_time(const char *s, int64_t *out);

/* The value of s made comparable: ASCII letters lower-cased, every other
 * character but digits and non-ASCII bytes dropped ("U-Net" and "UNet"
 * both give "unet"). Returns a new string. */
char *text_fold(const char *s);

/* What rules out following a link whose media type is the n bytes at s
 * (up to a NUL) by a crawler that reads JSON: "link type is not JSON", or
 * "link type is a container image" (an OCI or docker manifest is JSON
 * about a container); NULL when nothing does (blank, or a JSON type,
 * parameters allowed). */
const char *text_media_type_problem(const char *s, size_t n);

#endif
