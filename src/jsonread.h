/* SPDX-License-Identifier: MIT */
/* Reading JSON text into a jansson tree, faster than json_loadb(): the
 * documents of a harvest and the records of the index are read here. */
#ifndef SRC_JSONREAD_H
#define SRC_JSONREAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The tree json_loadb(buf, len, allow_nul ? JSON_ALLOW_NUL : 0) makes,
 * or NULL when this reader gives up: on anything invalid, and on some
 * valid text it leaves to jansson (an integer past 64 bits, a number of
 * more than 64 characters, nesting past 512 levels). It never accepts
 * text jansson refuses, and what it makes is equal to jansson's tree,
 * members in the same order. */
json_t *jsonread_fast(const char *buf, size_t len, bool allow_nul);

/* json_loadb(buf, len, flags, err), by jsonread_fast() when flags are 0
 * or JSON_ALLOW_NUL and it can; by jansson otherwise, which then names
 * what is wrong in *err. */
json_t *jsonread(const char *buf, size_t len, size_t flags, json_error_t *err);

#endif
