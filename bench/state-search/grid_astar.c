/*
 * grid_astar.c - anchor implementation of A* on MovingAI octile grid maps,
 * used to measure Frontier's expansion rate.
 *
 * Build: gcc -O3 -march=native -o grid_astar grid_astar.c -lm
 * Usage: grid_astar MAP SCEN
 *        grid_astar --all MAPDIR SCENDIR   (SCENDIR/<map>.scen for each
 *                                           MAPDIR/<map>, maps in name order)
 *
 * Grid: 8-connected; orthogonal moves cost 1, diagonal moves sqrt(2); no
 * corner cutting (a diagonal move needs both orthogonal neighbours passable).
 * Passable cells are '.', 'G' and 'S'; every other character is blocked.
 * Heuristic: octile distance. Open list: binary heap ordered by f, ties broken
 * towards larger g, with lazy deletion of stale entries. g/closed/parent live
 * in arrays indexed by cell, invalidated between scenarios by a generation
 * counter. Scenarios whose optimal length is 0 (unknown) are skipped.
 *
 * One JSON line per scenario:
 *   {"map":"arena.map","index":i,"cost":C,"optimal":O,"expanded":E,
 *    "generated":G,"seconds":S}
 * index is the 0-based position of the scenario among the scenario lines of
 * the .scen file (skipped scenarios keep their index).
 * expanded:  nodes popped (not stale) whose successors were generated; the
 *            goal, popped last, is not expanded.
 * generated: successor edges relaxed, i.e. heap pushes (the start's push is
 *            not counted).
 * Ties on f are compared exactly, so the expanded/generated counts depend on
 * the last bit of f: building with or without floating-point contraction (FMA
 * under -march=native; gcc's -std=c11 turns it off) changes them by ~0.1%,
 * never the costs. run.sh builds with plain `gcc -O3 -march=native`.
 * A count of cost mismatches against the optimal lengths goes to stderr
 * (tolerance 1e-5 * optimal + 1e-4, the optimal being written to six
 * significant digits); the exit status is 1 if there were any.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SQRT2 1.4142135623730951

/* ---------------------------------------------------------------- map */

/* The map is stored with a one-cell blocked border, so neighbour offsets
 * never need bounds checks. Cell (x, y) of the file is (x+1, y+1) here. */
typedef struct {
    int width, height;   /* as in the file */
    int pw, ph;          /* padded */
    unsigned char *open; /* pw*ph, 1 = passable */
} Map;

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static int load_map(const char *path, Map *m)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 0;
    }
    char line[8192];
    m->width = m->height = -1;
    int in_grid = 0;
    while (!in_grid && fgets(line, sizeof line, f)) {
        chomp(line);
        if (strncmp(line, "height ", 7) == 0)
            m->height = atoi(line + 7);
        else if (strncmp(line, "width ", 6) == 0)
            m->width = atoi(line + 6);
        else if (strcmp(line, "map") == 0)
            in_grid = 1;
    }
    if (!in_grid || m->width <= 0 || m->height <= 0) {
        fprintf(stderr, "%s: bad map header\n", path);
        fclose(f);
        return 0;
    }
    m->pw = m->width + 2;
    m->ph = m->height + 2;
    m->open = xmalloc((size_t)m->pw * m->ph);
    memset(m->open, 0, (size_t)m->pw * m->ph);

    char *row = xmalloc((size_t)m->width + 16);
    for (int y = 0; y < m->height; y++) {
        if (!fgets(row, m->width + 16, f)) {
            fprintf(stderr, "%s: only %d of %d rows\n", path, y, m->height);
            free(row);
            fclose(f);
            return 0;
        }
        chomp(row);
        if ((int)strlen(row) < m->width) {
            fprintf(stderr, "%s: row %d is short\n", path, y);
            free(row);
            fclose(f);
            return 0;
        }
        unsigned char *dst = m->open + (size_t)(y + 1) * m->pw + 1;
        for (int x = 0; x < m->width; x++) {
            char c = row[x];
            dst[x] = c == '.' || c == 'G' || c == 'S';
        }
    }
    free(row);
    fclose(f);
    return 1;
}

/* ------------------------------------------------------------ scenarios */

typedef struct {
    int index;
    int sx, sy, gx, gy;
    double optimal;
} Scenario;

/* Reads a .scen file; returns the number of scenarios (all of them, including
 * those with optimal 0), or -1 on error. */
static int load_scen(const char *path, const Map *m, Scenario **out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[4096];
    int n = 0, cap = 1024, lineno = 0;
    Scenario *s = xmalloc(sizeof *s * cap);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        chomp(line);
        if (line[0] == '\0' || strncmp(line, "version", 7) == 0)
            continue;
        char *field[9];
        int k = 0;
        char *save = NULL;
        for (char *tok = strtok_r(line, "\t", &save); tok && k < 9;
             tok = strtok_r(NULL, "\t", &save))
            field[k++] = tok;
        if (k != 9) {
            fprintf(stderr, "%s:%d: expected 9 tab-separated fields\n", path, lineno);
            fclose(f);
            free(s);
            return -1;
        }
        if (n == cap) {
            cap *= 2;
            s = realloc(s, sizeof *s * cap);
            if (!s) {
                fprintf(stderr, "out of memory\n");
                exit(1);
            }
        }
        Scenario *c = &s[n];
        int w = atoi(field[2]), h = atoi(field[3]);
        c->index = n;
        c->sx = atoi(field[4]);
        c->sy = atoi(field[5]);
        c->gx = atoi(field[6]);
        c->gy = atoi(field[7]);
        c->optimal = strtod(field[8], NULL);
        if (w != m->width || h != m->height)
            fprintf(stderr, "%s:%d: scenario map size %dx%d differs from map %dx%d\n",
                    path, lineno, w, h, m->width, m->height);
        if (c->sx < 0 || c->sx >= m->width || c->sy < 0 || c->sy >= m->height ||
            c->gx < 0 || c->gx >= m->width || c->gy < 0 || c->gy >= m->height) {
            fprintf(stderr, "%s:%d: coordinates outside the map\n", path, lineno);
            fclose(f);
            free(s);
            return -1;
        }
        n++;
    }
    fclose(f);
    *out = s;
    return n;
}

/* ------------------------------------------------------------------ A* */

typedef struct {
    double f, g;
    int32_t cell;
} HeapEntry;

typedef struct {
    /* per-cell state, valid only where the stamp equals the generation */
    double *g;
    int32_t *parent;
    uint32_t *seen;   /* g/parent valid */
    uint32_t *closed; /* expanded */
    uint32_t gen;
    size_t cells;
    /* open list */
    HeapEntry *heap;
    size_t size, cap;
} Search;

static void search_init(Search *s, size_t cells)
{
    s->cells = cells;
    s->g = xmalloc(sizeof *s->g * cells);
    s->parent = xmalloc(sizeof *s->parent * cells);
    s->seen = calloc(cells, sizeof *s->seen);
    s->closed = calloc(cells, sizeof *s->closed);
    if (!s->seen || !s->closed) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    s->gen = 0;
    s->cap = 1024;
    s->heap = xmalloc(sizeof *s->heap * s->cap);
    s->size = 0;
}

static void search_free(Search *s)
{
    free(s->g);
    free(s->parent);
    free(s->seen);
    free(s->closed);
    free(s->heap);
}

/* a comes out of the heap before b: smaller f, then larger g */
static inline int heap_before(const HeapEntry *a, const HeapEntry *b)
{
    return a->f < b->f || (a->f == b->f && a->g > b->g);
}

static inline void heap_push(Search *s, double f, double g, int32_t cell)
{
    if (s->size == s->cap) {
        s->cap *= 2;
        s->heap = realloc(s->heap, sizeof *s->heap * s->cap);
        if (!s->heap) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    HeapEntry e = { f, g, cell };
    HeapEntry *h = s->heap;
    size_t i = s->size++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!heap_before(&e, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = e;
}

static inline HeapEntry heap_pop(Search *s)
{
    HeapEntry *h = s->heap;
    HeapEntry top = h[0];
    HeapEntry last = h[--s->size];
    size_t n = s->size, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && heap_before(&h[c + 1], &h[c]))
            c++;
        if (!heap_before(&h[c], &last))
            break;
        h[i] = h[c];
        i = c;
    }
    if (n > 0)
        h[i] = last;
    return top;
}

static inline double octile(int dx, int dy)
{
    if (dx < 0) dx = -dx;
    if (dy < 0) dy = -dy;
    int lo = dx < dy ? dx : dy, hi = dx < dy ? dy : dx;
    return (double)(hi - lo) + SQRT2 * (double)lo;
}

/* Runs A* from (sx,sy) to (gx,gy) in file coordinates. Returns the path cost,
 * or -1 if the goal is unreachable. */
static double astar(const Map *m, Search *s, int sx, int sy, int gx, int gy,
                    uint64_t *expanded, uint64_t *generated)
{
    const int pw = m->pw;
    const unsigned char *open = m->open;
    const int32_t start = (sy + 1) * pw + (sx + 1);
    const int32_t goal = (gy + 1) * pw + (gx + 1);
    const int gpx = gx + 1, gpy = gy + 1;
    uint64_t nexp = 0, ngen = 0;
    double result = -1;

    if (++s->gen == 0) { /* wrapped: clear the stamps once */
        memset(s->seen, 0, sizeof *s->seen * s->cells);
        memset(s->closed, 0, sizeof *s->closed * s->cells);
        s->gen = 1;
    }
    const uint32_t gen = s->gen;
    double *g = s->g;
    int32_t *parent = s->parent;
    uint32_t *seen = s->seen, *closed = s->closed;

    s->size = 0;
    if (!open[start] || !open[goal])
        goto done;
    g[start] = 0;
    parent[start] = -1;
    seen[start] = gen;
    heap_push(s, octile(sx - gx, sy - gy), 0, start);

    /* orthogonal: up, left, right, down; then the four diagonals */
    const int32_t n_off = -pw, w_off = -1, e_off = 1, s_off = pw;

    while (s->size > 0) {
        HeapEntry top = heap_pop(s);
        const int32_t cur = top.cell;
        if (closed[cur] == gen || top.g > g[cur])
            continue; /* stale */
        if (cur == goal) {
            result = top.g;
            break;
        }
        closed[cur] = gen;
        nexp++;

        const double cg = top.g;
        const int cx = cur % pw, cy = cur / pw;
        const int up = open[cur + n_off], left = open[cur + w_off];
        const int right = open[cur + e_off], down = open[cur + s_off];

/* relax the edge to cell `nb` = (nx, ny) with cost `cost` */
#define RELAX(nb, nx, ny, cost)                                             \
        do {                                                                \
            const int32_t nc = (nb);                                        \
            if (closed[nc] != gen) {                                        \
                const double ng = cg + (cost);                              \
                if (seen[nc] != gen || ng < g[nc]) {                        \
                    seen[nc] = gen;                                         \
                    g[nc] = ng;                                             \
                    parent[nc] = cur;                                       \
                    heap_push(s, ng + octile((nx) - gpx, (ny) - gpy), ng, nc); \
                    ngen++;                                                 \
                }                                                           \
            }                                                               \
        } while (0)

        if (up)    RELAX(cur + n_off, cx, cy - 1, 1.0);
        if (left)  RELAX(cur + w_off, cx - 1, cy, 1.0);
        if (right) RELAX(cur + e_off, cx + 1, cy, 1.0);
        if (down)  RELAX(cur + s_off, cx, cy + 1, 1.0);
        if (up && left && open[cur + n_off + w_off])
            RELAX(cur + n_off + w_off, cx - 1, cy - 1, SQRT2);
        if (up && right && open[cur + n_off + e_off])
            RELAX(cur + n_off + e_off, cx + 1, cy - 1, SQRT2);
        if (down && left && open[cur + s_off + w_off])
            RELAX(cur + s_off + w_off, cx - 1, cy + 1, SQRT2);
        if (down && right && open[cur + s_off + e_off])
            RELAX(cur + s_off + e_off, cx + 1, cy + 1, SQRT2);
#undef RELAX
    }
done:
    *expanded = nexp;
    *generated = ngen;
    return result;
}

/* -------------------------------------------------------------- driver */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    long scenarios, skipped, mismatches;
    uint64_t expanded, generated;
    double seconds;
} Totals;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Runs every scenario of one map; returns 0 on a load error. */
static int run_map(const char *map_path, const char *scen_path, Totals *t)
{
    Map m;
    Scenario *sc;
    if (!load_map(map_path, &m))
        return 0;
    int n = load_scen(scen_path, &m, &sc);
    if (n < 0) {
        free(m.open);
        return 0;
    }
    const char *name = base_name(map_path);
    Search s;
    search_init(&s, (size_t)m.pw * m.ph);

    for (int i = 0; i < n; i++) {
        const Scenario *c = &sc[i];
        if (c->optimal == 0) {
            t->skipped++;
            continue;
        }
        uint64_t e, g;
        double t0 = now_seconds();
        double cost = astar(&m, &s, c->sx, c->sy, c->gx, c->gy, &e, &g);
        double seconds = now_seconds() - t0;

        int ok = cost >= 0 &&
                 fabs(cost - c->optimal) <= 1e-5 * c->optimal + 1e-4;
        if (!ok) {
            t->mismatches++;
            fprintf(stderr, "mismatch: %s index %d cost %.6f optimal %.6f\n",
                    name, c->index, cost, c->optimal);
        }
        t->scenarios++;
        t->expanded += e;
        t->generated += g;
        t->seconds += seconds;
        if (cost >= 0)
            printf("{\"map\":\"%s\",\"index\":%d,\"cost\":%.8f,\"optimal\":%.6g,"
                   "\"expanded\":%llu,\"generated\":%llu,\"seconds\":%.9f}\n",
                   name, c->index, cost, c->optimal, (unsigned long long)e,
                   (unsigned long long)g, seconds);
        else
            printf("{\"map\":\"%s\",\"index\":%d,\"cost\":null,\"optimal\":%.6g,"
                   "\"expanded\":%llu,\"generated\":%llu,\"seconds\":%.9f}\n",
                   name, c->index, c->optimal, (unsigned long long)e,
                   (unsigned long long)g, seconds);
    }
    search_free(&s);
    free(sc);
    free(m.open);
    return 1;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int map_filter(const struct dirent *d)
{
    return has_suffix(d->d_name, ".map");
}

static void usage(const char *prog)
{
    fprintf(stderr, "usage: %s MAP SCEN\n       %s --all MAPDIR SCENDIR\n",
            prog, prog);
    exit(2);
}

int main(int argc, char **argv)
{
    Totals t = { 0 };
    int ok = 1;

    if (argc == 4 && strcmp(argv[1], "--all") == 0) {
        struct dirent **names;
        int n = scandir(argv[2], &names, map_filter, alphasort);
        if (n < 0) {
            perror(argv[2]);
            return 1;
        }
        if (n == 0) {
            fprintf(stderr, "%s: no .map files\n", argv[2]);
            return 1;
        }
        for (int i = 0; i < n; i++) {
            size_t lm = strlen(argv[2]) + strlen(names[i]->d_name) + 2;
            size_t ls = strlen(argv[3]) + strlen(names[i]->d_name) + 8;
            char *mp = xmalloc(lm), *sp = xmalloc(ls);
            snprintf(mp, lm, "%s/%s", argv[2], names[i]->d_name);
            snprintf(sp, ls, "%s/%s.scen", argv[3], names[i]->d_name);
            if (!run_map(mp, sp, &t))
                ok = 0;
            free(mp);
            free(sp);
            free(names[i]);
        }
        free(names);
    } else if (argc == 3 && argv[1][0] != '-') {
        ok = run_map(argv[1], argv[2], &t);
    } else {
        usage(argv[0]);
    }
    fflush(stdout);

    fprintf(stderr, "grid_astar: %ld scenarios (%ld skipped, optimal 0), "
            "%ld mismatches, %llu expanded, %llu generated, %.3f s, "
            "%.0f expansions/s\n",
            t.scenarios, t.skipped, t.mismatches,
            (unsigned long long)t.expanded, (unsigned long long)t.generated,
            t.seconds, t.seconds > 0 ? (double)t.expanded / t.seconds : 0.0);
    fprintf(stderr, "mismatches: %ld\n", t.mismatches);
    return (!ok || t.mismatches) ? 1 : 0;
}
