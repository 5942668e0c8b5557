/* SPDX-License-Identifier: MIT */
/* Levelled logging. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "src/log.h"
#include "src/text.h"

static enum log_level current_level = LOG_LEVEL_WARN;
static FILE *current_stream;
static enum log_format current_format;

void log_set_format(enum log_format format)
{
    current_format = format;
}

/* Write s as the inside of a JSON string. */
static void json_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
}

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

static void write_line(FILE *out, const char *level, const char *fmt,
                       va_list ap)
{
    if (current_format == LOG_FORMAT_JSON) {
        char msg[2048], when[32];
        time_t now = time(NULL);
        struct tm tm;
        vsnprintf(msg, sizeof(msg), fmt, ap);
        gmtime_r(&now, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(out, "{\"time\":\"%s\",\"level\":\"%s\",\"message\":\"", when,
                level);
        json_escape(out, msg);
        fputs("\"}\n", out);
    } else {
        /* Messages quote documents and headers: no control character of
         * theirs reaches a terminal or a log line (text_safe()). */
        char *msg = NULL;
        if (vasprintf(&msg, fmt, ap) < 0)
            msg = NULL;
        char *safe = msg ? text_safe(msg, 0) : NULL;
        fprintf(out, "stacml: %s: %s\n", level, safe ? safe : fmt);
        free(safe);
        free(msg);
    }
    fflush(out);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level > current_level || level == LOG_LEVEL_QUIET)
        return;
    va_list ap;
    va_start(ap, fmt);
    write_line(current_stream ? current_stream : stderr, level_name(level), fmt,
               ap);
    va_end(ap);
}

void log_summary(const char *fmt, ...)
{
    if (!current_stream)
        return;
    va_list ap;
    va_start(ap, fmt);
    write_line(current_stream, "summary", fmt, ap);
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
    exit(70); /* EXIT_INTERNAL of src/cli.h, which the library does not see */
}
