/* SPDX-License-Identifier: MIT */
/* A growable byte buffer with a hard ceiling, like curl's dynbuf: appending
 * past the ceiling fails instead of growing, so a remote peer cannot make us
 * allocate without bound. The data is always NUL-terminated. */
#ifndef SRC_BUF_H
#define SRC_BUF_H

#include <stddef.h>

struct buf {
    char *data; /* NUL-terminated, NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* appends that would pass this fail with SM_E_TOOBIG */
};

/* Initialise an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);
/* Append n bytes. Returns 0, or SM_E_TOOBIG (buffer unchanged). */
int buf_append(struct buf *b, const void *p, size_t n);
/* Append a NUL-terminated string. Returns 0 or SM_E_TOOBIG. */
int buf_puts(struct buf *b, const char *s);
/* printf-append. Returns 0 or SM_E_TOOBIG. */
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Give the data away (new, caller frees) and leave the buffer empty. */
char *buf_detach(struct buf *b, size_t *len);
/* Release the memory. */
void buf_cleanup(struct buf *b);

#endif
