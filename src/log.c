/* SPDX-License-Identifier: MIT */
/* Levelled logging. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/log.h"

static enum log_level current_level = LOG_LEVEL_WARN;
static FILE *current_stream;

void log_set_level(enum log_level level)
{
    current_level = level;
}

void log_set_stream(FILE *stream)
{
    current_stream = stream;
}

enum log_level log_get_level(void)
{
    return current_level;
}

static const char *level_name(enum log_level level)
{
    switch (level) {
    case LOG_LEVEL_ERROR:
        return "error";
    case LOG_LEVEL_WARN:
        return "warning";
    case LOG_LEVEL_INFO:
        return "info";
    case LOG_LEVEL_DEBUG:
        return "debug";
    default:
        return "";
    }
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level > current_level || level == LOG_LEVEL_QUIET)
        return;
    FILE *out = current_stream ? current_stream : stderr;
    va_list ap;
    va_start(ap, fmt);
    fprintf(out, "stacml: %s: ", level_name(level));
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    va_end(ap);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stacml: fatal: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(70);
}
