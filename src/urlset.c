/* SPDX-License-Identifier: MIT */
/* urlset: open addressing over non-zero 64-bit hashes, linear probing,
 * load factor at most 1/2. */
#include <config.h>

#include <stdlib.h>

#include "src/urlset.h"
#include "src/xalloc.h"

#define URLSET_MIN_CAP 64

struct urlset {
    uint64_t *tab;
    size_t cap, n;
};

/* FNV-1a, then a splitmix64 finaliser so that similar URLs spread well. */
uint64_t urlset_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h ? h : 1;
}

struct urlset *urlset_new(void)
{
    return xcalloc(1, sizeof(struct urlset));
}

void urlset_free(struct urlset *s)
{
    if (!s)
        return;
    free(s->tab);
    free(s);
}

/* The slot of h in tab: where it is, or the empty slot it would go to. */
static size_t slot_of(const uint64_t *tab, size_t cap, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    while (tab[i] && tab[i] != h)
        i = (i + 1) & (cap - 1);
    return i;
}

static void grow(struct urlset *s)
{
    size_t cap = s->cap ? s->cap * 2 : URLSET_MIN_CAP;
    uint64_t *tab = xcalloc(cap, sizeof(*tab));
    for (size_t i = 0; i < s->cap; i++)
        if (s->tab[i])
            tab[slot_of(tab, cap, s->tab[i])] = s->tab[i];
    free(s->tab);
    s->tab = tab;
    s->cap = cap;
}

bool urlset_add(struct urlset *s, const char *str)
{
    if ((s->n + 1) * 2 > s->cap)
        grow(s);
    uint64_t h = urlset_hash(str);
    size_t i = slot_of(s->tab, s->cap, h);
    if (s->tab[i])
        return false;
    s->tab[i] = h;
    s->n++;
    return true;
}

bool urlset_has(const struct urlset *s, const char *str)
{
    if (s->n == 0)
        return false;
    return s->tab[slot_of(s->tab, s->cap, urlset_hash(str))] != 0;
}

void urlset_clear(struct urlset *s)
{
    free(s->tab);
    s->tab = NULL;
    s->cap = s->n = 0;
}

size_t urlset_count(const struct urlset *s)
{
    return s->n;
}

size_t urlset_bytes(const struct urlset *s)
{
    return s->cap * sizeof(*s->tab);
}
