/* SPDX-License-Identifier: MIT */
/* Allocation wrappers that abort on exhaustion, so callers need no NULL
 * checks after our own allocations (tmux, redis). Input-derived sizes are
 * bounded elsewhere; running out of memory here is a bug or a dying host. */
#ifndef SRC_XALLOC_H
#define SRC_XALLOC_H

#include <stddef.h>

/* Each returns new memory; the caller frees it with free(). Never NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; caller frees it with free(). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A copy of the NULL-terminated string vector v (NULL when v is NULL or
 * empty), and its release (safe with NULL). */
char **xstrv_dup(const char *const *v);
void strv_free(char **v);

#endif
