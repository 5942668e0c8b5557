/* SPDX-License-Identifier: MIT */
/* Unit tests of the base library: bounded buffer and terminal-safe text. */
#include <config.h>

#include <stdlib.h>

#include "src/buf.h"
#include "src/err.h"
#include "src/text.h"
#include "tests/lib/check.h"

static void test_buf(void)
{
    struct buf b;
    buf_init(&b, 10);
    CHECK_INT_EQ(buf_append(&b, "hello", 5), 0);
    CHECK_INT_EQ(buf_puts(&b, "world"), 0);
    CHECK_STR_EQ(b.data, "helloworld");
    CHECK_INT_EQ(buf_append(&b, "!", 1), SM_E_TOOBIG);
    CHECK_INT_EQ(b.len, 10); /* unchanged by the refused append */
    buf_reset(&b);
    CHECK_INT_EQ(buf_printf(&b, "%d-%s", 42, "x"), 0);
    CHECK_STR_EQ(b.data, "42-x");
    size_t len;
    char *p = buf_detach(&b, &len);
    CHECK_STR_EQ(p, "42-x");
    CHECK_INT_EQ(len, 4);
    free(p);
    CHECK(b.data == NULL);
    buf_init(&b, 1 << 20);
    char big[600];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK_INT_EQ(buf_printf(&b, "%s", big), 0); /* past the small path */
    CHECK_INT_EQ(b.len, sizeof(big) - 1);
    buf_cleanup(&b);
}

static void test_text(void)
{
    static const struct {
        const char *name, *in;
        size_t width;
        const char *want;
    } cases[] = {
        {"plain", "ResNet-18", 0, "ResNet-18"},
        {"escape sequence", "a\x1b[31mred", 0, "a\\x1b[31mred"},
        {"newline", "two\nlines", 0, "two lines"},
        {"del", "x\x7fy", 0, "x\\x7fy"},
        {"utf8 kept", "caf\xc3\xa9", 0, "caf\xc3\xa9"},
        {"invalid utf8",
         "a\xff"
         "b",
         0, "a\\xffb"},
        {"c1 control",
         "a\xc2\x9b"
         "b",
         0, "a\\xc2\\x9bb"},
        {"bidi override",
         "a\xe2\x80\xae"
         "b",
         0, "a\\xe2\\x80\\xaeb"},
        {"bidi isolate",
         "a\xe2\x81\xa6"
         "b",
         0, "a\\xe2\\x81\\xa6b"},
        {"other format characters kept",
         "a\xe2\x80\x8d"
         "b",
         0,
         "a\xe2\x80\x8d"
         "b"},
        {"cut", "abcdefghij", 5, "ab..."},
        {"fits", "abcde", 5, "abcde"},
        {"cut utf8", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 5,
         "\xc3\xa9\xc3\xa9..."},
        {"cut escape", "\x1b\x1b\x1b", 6, "\\x1..."},
        {"null", NULL, 0, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = text_safe(cases[i].in, cases[i].width);
        CHECK_CASE(cases[i].name, strcmp(got, cases[i].want) == 0);
        if (strcmp(got, cases[i].want) != 0)
            fprintf(stderr, "  got \"%s\"\n", got);
        free(got);
    }
    CHECK(text_contains_ci("U-Net Segmentation", "unet") == false);
    CHECK(text_contains_ci("U-Net Segmentation", "u-NET"));
    CHECK(text_contains_ci("abc", ""));
    CHECK(!text_contains_ci("", "a"));
    /* Case beyond ASCII: issue 2's words are case-insensitive. */
    CHECK(text_contains_ci("Mod\xc3\xa8le \xc3\xa9t\xc3\xa9", "MOD\xc3\x88LE"));
    CHECK(text_contains_ci("\xc3\x89T\xc3\x89", "\xc3\xa9t\xc3\xa9"));
    CHECK(text_contains_ci("\xd0\x9c\xd0\xbe\xd0\xb4\xd0\xb5\xd0\xbb\xd1\x8c",
                           "\xd0\xbc\xd0\x9e\xd0\x94")); /* Модель, мОД */
    CHECK(!text_contains_ci("Mod\xc3\xa8le", "MODE\xcc\x80X"));
    CHECK(!text_contains_ci("\xc3\xa9t\xc3\xa9", "\xc3\x89T\xc3\x89X"));
    /* Bytes that are no UTF-8 are compared as they are. */
    CHECK(text_contains_ci("a\xff\xc3\x89", "\xff\xc3\xa9"));
    char *low = text_lower("\xc3\x89T\xc3\x89 \xc8\xba \xc4\xb0 \xff");
    /* été, U+023A -> U+2C65 (3 bytes for 2), U+0130 -> i, a stray byte */
    CHECK_STR_EQ(low, "\xc3\xa9t\xc3\xa9 \xe2\xb1\xa5 i \xff");
    free(low);
    static const char hay[] = "xx U-NET \0 unet Zz";
    size_t n = sizeof(hay) - 1;
    CHECK(text_mem_contains_ci(hay, n, "u-net"));
    CHECK(text_mem_contains_ci(hay, n, "UNET")); /* past the NUL */
    CHECK(text_mem_contains_ci(hay, n, "zz"));   /* at the very end */
    CHECK(!text_mem_contains_ci(hay, n - 1, "zz"));
    CHECK(!text_mem_contains_ci(hay, n, "zzz"));
    CHECK(text_mem_contains_ci(hay, n, ""));
    CHECK(!text_mem_contains_ci(hay, 0, "x"));
    CHECK(text_mem_contains_ci("aaab", 4, "AAB")); /* a false start first */
    CHECK(text_mem_contains_ci("Ab", 2, "ab"));    /* the upper case first */
    CHECK(text_mem_contains_ci("b-a-A", 5, "a"));
}

static void test_time(void)
{
    static const struct {
        const char *in;
        int rc;
        int64_t want;
    } cases[] = {
        {"1970-01-01T00:00:00Z", 0, 0},
        {"2020-01-01T00:00:00Z", 0, 1577836800},
        {"2020-01-01", 0, 1577836800},
        {"2020-02-29T12:00:00.123456Z", 0, 1582977600},
        {"2020-01-01T01:00:00+01:00", 0, 1577836800},
        {"2019-12-31t19:00:00-05:00", 0, 1577836800},
        {"9999-12-31T23:59:59Z", 0, 253402300799},
        {"1900-01-01T00:00:00Z", 0, -2208988800},
        {"2020-13-01T00:00:00Z", SM_E_PARSE, 0},
        {"2000-02-29T00:00:00Z", 0, 951782400},
        {"2020-12-31", 0, 1609372800},
        {"2020-02-30T00:00:00Z", SM_E_PARSE, 0}, /* not 2020-03-01 */
        {"2021-02-29T00:00:00Z", SM_E_PARSE, 0},
        {"1900-02-29T00:00:00Z", SM_E_PARSE, 0},
        {"2020-04-31T00:00:00Z", SM_E_PARSE, 0},
        {"2020-00-10T00:00:00Z", SM_E_PARSE, 0},
        {"2020-01-00T00:00:00Z", SM_E_PARSE, 0},
        {"2020-01-01T00:00Z", SM_E_PARSE, 0},
        {"2020-01-01T00:00:00", SM_E_PARSE, 0},
        {"yesterday", SM_E_PARSE, 0},
        {"2020-01-01T00:00:00Zjunk", SM_E_PARSE, 0},
        {"", SM_E_PARSE, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = 0;
        int rc = text_parse_time(cases[i].in, &t);
        CHECK_CASE(cases[i].in, rc == cases[i].rc);
        if (rc == 0)
            CHECK_CASE(cases[i].in, t == cases[i].want);
    }
    char *f = text_fold("U-Net (v2) ResNet_50");
    CHECK_STR_EQ(f, "unetv2resnet50");
    free(f);
}

/* text_put_json_inert(): C1 and bidi controls become \u escapes, the
 * rest (other non-ASCII text, invalid UTF-8, NULs) goes out as it is. */
static void test_json_inert(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"{\"a\":\"plain\"}", "{\"a\":\"plain\"}"},
        {"\"x\xc2\x9by\"", "\"x\\u009by\""},
        {"\"\xc2\x80\xc2\x9f\xc2\xa0\"", "\"\\u0080\\u009f\xc2\xa0\""},
        {"\"\xe2\x80\xae\xe2\x81\xa9\xe2\x80\xa9\"",
         "\"\\u202e\\u2069\xe2\x80\xa9\""},
        {"\"\\\\\xc2\x9b\"", "\"\\\\\\u009b\""},
        {"\"\xc2\"", "\"\xc2\""},
        {"\xe2\x80", "\xe2\x80"},
        {"\xc3\xa9\xe2\x82\xac", "\xc3\xa9\xe2\x82\xac"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        text_put_json_inert(f, cases[i].in, strlen(cases[i].in));
        fclose(f);
        CHECK_STR_EQ(out, cases[i].want);
        free(out);
    }
}

int main(void)
{
    test_buf();
    test_text();
    test_time();
    test_json_inert();
    return check_exit("test-buf");
}
