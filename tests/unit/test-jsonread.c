/* SPDX-License-Identifier: MIT */
/* Unit tests for src/jsonread.c: what it reads equals what jansson reads,
 * members in the same order; what jansson refuses it gives up on, and
 * jsonread() then reports jansson's error; and it reads every valid
 * document of the shared stac-examples tree itself, without giving up. */
#include <config.h>

#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/jsonread.h"
#include "tests/lib/check.h"
#include "tests/lib/json-agree.h"

/* Read by this reader itself, to jansson's tree. */
static bool reads_as_jansson(const char *text, size_t len, bool allow_nul)
{
    json_error_t err;
    json_t *want = json_loadb(text, len, allow_nul ? JSON_ALLOW_NUL : 0, &err);
    json_t *got = jsonread_fast(text, len, allow_nul);
    bool ok = want && got && json_agree(want, got);
    json_decref(want);
    json_decref(got);
    return ok;
}

/* Given up on, and jsonread() answers as jansson does. */
static bool left_to_jansson(const char *text, size_t len, size_t flags)
{
    json_error_t want_err, got_err;
    memset(&want_err, 0, sizeof(want_err));
    memset(&got_err, 0, sizeof(got_err));
    json_t *fast = jsonread_fast(text, len, flags & JSON_ALLOW_NUL);
    json_t *want = json_loadb(text, len, flags, &want_err);
    json_t *got = jsonread(text, len, flags, &got_err);
    bool ok = !fast && json_agree(want, got) &&
              strcmp(want_err.text, got_err.text) == 0 &&
              want_err.line == got_err.line &&
              want_err.column == got_err.column;
    json_decref(fast);
    json_decref(want);
    json_decref(got);
    return ok;
}

static void test_valid(void)
{
    static const char *cases[] = {
        "{}",
        "[]",
        " \t\r\n{ } \n",
        "[1,-1,0,-0,123456789012345678,-123456789012345678]",
        "[1234567890123456789,-9223372036854775808,9223372036854775807]",
        "[0.5,-0.0,1e5,1E+5,2.5e-3,1e-400,0.1,1.7976931348623157e308]",
        "[true,false,null,[],{},[[[]]],{\"a\":{\"b\":{}}}]",
        "{\"a\":1,\"b\":2,\"a\":3}",
        "{\"z\":1,\"y\":2,\"x\":3,\"w\":4,\"v\":5,\"u\":6,\"t\":7,\"s\":8,"
        "\"r\":9,\"q\":10}",
        "[\"\",\"plain\",\"caf\xc3\xa9\",\"\xe2\x82\xac\","
        "\"\xf0\x9f\x98\x80\"]",
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"a\\u00e9b\",\"\\u20ac\",\"\\ud83d"
        "\\ude00\",\"\\uFFFF\",\"\\u007f\"]",
        "{\"k\\u00e9y\":{\"inner\\n\":[\"v\\\"\"]},\"plain\":\"x\"}",
        "[\"\x7f\",\"a\\u0041b\"]",
        "{\"\":\"\",\"e\":[ 1 , 2 ]}",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        CHECK_CASE(cases[i],
                   reads_as_jansson(cases[i], strlen(cases[i]), false));
}

static void test_nul(void)
{
    const char *text = "[\"a\\u0000b\"]";
    CHECK(reads_as_jansson(text, strlen(text), true));
    json_t *v = jsonread_fast(text, strlen(text), true);
    CHECK(v && json_string_length(json_array_get(v, 0)) == 3);
    json_decref(v);
    /* Without JSON_ALLOW_NUL jansson refuses it, and so does this. */
    CHECK(left_to_jansson(text, strlen(text), 0));
    /* A NUL in a key: jansson refuses it even with JSON_ALLOW_NUL. */
    const char *key = "{\"a\\u0000\":1}";
    CHECK(left_to_jansson(key, strlen(key), JSON_ALLOW_NUL));
    /* A raw NUL byte is never valid, in a string or out of one. */
    CHECK(left_to_jansson("[\"a\0b\"]", 7, JSON_ALLOW_NUL));
    CHECK(left_to_jansson("[1]\0", 4, JSON_ALLOW_NUL));
}

static void test_invalid(void)
{
    static const char *cases[] = {
        "",
        "   ",
        "1",
        "\"top\"",
        "null",
        "{",
        "[",
        "[1,]",
        "{\"a\":1,}",
        "{,}",
        "[,1]",
        "{\"a\" 1}",
        "{\"a\":}",
        "{a:1}",
        "{'a':1}",
        "[01]",
        "[-]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[1e+]",
        "[+1]",
        "[1.5.3]",
        "[0x10]",
        "[NaN]",
        "[Infinity]",
        "[1e400]",
        "[-1e400]",
        "[tru]",
        "[truex]",
        "[nul]",
        "[\"unterminated]",
        "[\"tab\there\"]",
        "[\"nl\nhere\"]",
        "[\"bad \\x escape\"]",
        "[\"\\u12\"]",
        "[\"\\u12G4\"]",
        "[\"\\ud800\"]",
        "[\"\\udc00\"]",
        "[\"\\ud800\\u0041\"]",
        "[\"\xc3\"]",
        "[\"\xc0\xaf\"]",
        "[\"\xe0\x80\xaf\"]",
        "[\"\xed\xa0\x80\"]",
        "[\"\xf4\x90\x80\x80\"]",
        "[\"\xff\"]",
        "[1] [2]",
        "{} x",
        "\xef\xbb\xbf{}",
        "[1\x0c]",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        CHECK_CASE(cases[i],
                   left_to_jansson(cases[i], strlen(cases[i]), JSON_ALLOW_NUL));
}

/* Valid text this reader leaves to jansson, which reads it. */
static void test_left_valid(void)
{
    /* Past 64 bits: jansson refuses it ("too big integer"), by its rule. */
    const char *big = "[99999999999999999999]";
    CHECK(left_to_jansson(big, strlen(big), 0));
    char num[100];
    snprintf(num, sizeof(num), "[0.%070d1]", 0);
    CHECK(left_to_jansson(num, strlen(num), 0));
    /* Deep nesting: 600 arrays, past this reader's 512. */
    char deep[1300];
    memset(deep, '[', 600);
    memset(deep + 600, ']', 600);
    CHECK(left_to_jansson(deep, 1200, 0));
    memset(deep, '[', 500);
    memset(deep + 500, ']', 500);
    CHECK(reads_as_jansson(deep, 1000, false));
    /* Flags other than JSON_ALLOW_NUL are jansson's alone. */
    json_error_t err;
    json_t *v = jsonread("{\"a\":1,\"a\":2}", 13, JSON_REJECT_DUPLICATES, &err);
    CHECK(v == NULL && strstr(err.text, "duplicate"));
}

static size_t n_files, n_read;

static int visit(const char *path, const struct stat *st, int type,
                 struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 5 || strcmp(path + n - 5, ".json") != 0)
        return 0;
    size_t len = 0;
    char *text = check_read_file(path, &len);
    json_error_t err;
    json_t *want = text ? json_loadb(text, len, JSON_ALLOW_NUL, &err) : NULL;
    if (want) {
        n_files++;
        json_t *got = jsonread_fast(text, len, true);
        if (got && json_agree(want, got))
            n_read++;
        else
            fprintf(stderr, "test-jsonread: %s: not read as jansson reads it\n",
                    path);
        json_decref(got);
    }
    json_decref(want);
    free(text);
    return 0;
}

static void test_examples(void)
{
    const char *shared = check_shared_dir();
    if (!shared) {
        fprintf(stderr, "test-jsonread: no shared stac-examples, skipped\n");
        return;
    }
    char root[4200];
    snprintf(root, sizeof(root), "%s/stac-examples", shared);
    CHECK(nftw(root, visit, 16, FTW_PHYS) == 0);
    fprintf(stderr, "test-jsonread: %zu of %zu example documents read\n",
            n_read, n_files);
    CHECK(n_files >= 90);
    CHECK(n_read == n_files);
}

int main(void)
{
    test_valid();
    test_nul();
    test_invalid();
    test_left_valid();
    test_examples();
    return check_exit("test-jsonread");
}
