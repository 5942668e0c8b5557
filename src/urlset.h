/* SPDX-License-Identifier: MIT */
/* A set of strings (URLs) that keeps only a 64-bit hash of each: 16 to 32
 * bytes a member, whatever the URL's length, where a jansson object as a
 * set costs about 150 bytes and a copy of the string. The price is that
 * two strings with one hash are one member: at crawl sizes (1e7 URLs) the
 * chance of any such pair is about 3e-6, which the frontier accepts too. */
#ifndef SRC_URLSET_H
#define SRC_URLSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct urlset;

struct urlset *urlset_new(void);
void urlset_free(struct urlset *s);

/* The hash urlset keeps of s (never 0). */
uint64_t urlset_hash(const char *s);

/* Add s; true when it was not a member before. */
bool urlset_add(struct urlset *s, const char *str);
bool urlset_has(const struct urlset *s, const char *str);
/* Remove every member (and give back the memory). */
void urlset_clear(struct urlset *s);
size_t urlset_count(const struct urlset *s);
/* Bytes of the table, for tests of the bound. */
size_t urlset_bytes(const struct urlset *s);

#endif
