/*
 * ida15.c - anchor implementation of IDA* with the Manhattan-distance
 * heuristic for the 15-puzzle, used to measure Frontier's node rate.
 *
 * Build: gcc -O3 -march=native -o ida15 ida15.c
 * Usage: ida15 [-n N] [INSTANCES]
 *        INSTANCES defaults to /work/shared/data/sliding-tile/korf100.txt
 *        (lines "id optimal t0 .. t15", '#' starts a comment line;
 *        goal: blank at cell 0, tile i at cell i).
 *
 * Prints one JSON line per instance:
 *   {"id":1,"solved":true,"cost":57,"optimal":57,"expanded":E,
 *    "generated":G,"seconds":S}
 *
 * Counting convention (shared with Frontier):
 *   generated: child nodes created, after excluding the move that undoes the
 *              previous one, summed over all IDA* iterations;
 *   expanded:  nodes whose children were generated (a node beyond the f-bound
 *              is not expanded, and neither is a goal node).
 * The final iteration stops at the first goal it finds.
 * Move order: the blank moves up, left, right, down (cell-4, cell-1, cell+1,
 * cell+4).
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CELLS 16
#define WIDTH 4

enum { UP = 0, LEFT = 1, RIGHT = 2, DOWN = 3, NO_DIR = 4 };

/* dist[t][c]: Manhattan distance of tile t standing on cell c from its goal
 * cell t (tile 0, the blank, contributes nothing). */
static int dist[CELLS][CELLS];

/* For every blank position, its legal moves in the fixed order; each move is
 * stored as the direction and the cell the blank moves to. */
static int move_count[CELLS];
static int move_dir[CELLS][4];
static int move_to[CELLS][4];
static const int inverse_dir[5] = { DOWN, RIGHT, LEFT, UP, NO_DIR };

/* Search state (one search at a time). */
static unsigned char board[CELLS];
static int bound;      /* current f-bound */
static int next_bound; /* smallest f seen beyond the bound */
static uint64_t expanded;
static uint64_t generated;
static int solution_cost;

static void init_tables(void)
{
    for (int t = 0; t < CELLS; t++)
        for (int c = 0; c < CELLS; c++)
            dist[t][c] = t == 0 ? 0
                       : abs(t / WIDTH - c / WIDTH) + abs(t % WIDTH - c % WIDTH);

    for (int c = 0; c < CELLS; c++) {
        int row = c / WIDTH, col = c % WIDTH, k = 0;
        if (row > 0)         { move_dir[c][k] = UP;    move_to[c][k++] = c - WIDTH; }
        if (col > 0)         { move_dir[c][k] = LEFT;  move_to[c][k++] = c - 1; }
        if (col < WIDTH - 1) { move_dir[c][k] = RIGHT; move_to[c][k++] = c + 1; }
        if (row < WIDTH - 1) { move_dir[c][k] = DOWN;  move_to[c][k++] = c + WIDTH; }
        move_count[c] = k;
    }
}

/* Depth-first search below a node with cost g, heuristic h (g + h <= bound,
 * h > 0) and blank at `blank`, reached by direction `prev`. The children are
 * generated here and tested against the bound before descending, so a child
 * beyond the bound costs no call. Returns 1 once a goal is found. */
static int dfs(int blank, int g, int h, int prev)
{
    const int skip = inverse_dir[prev];
    const int n = move_count[blank];
    const int cg = g + 1;

    expanded++;
    for (int k = 0; k < n; k++) {
        const int dir = move_dir[blank][k];
        if (dir == skip)
            continue;
        const int to = move_to[blank][k];
        const int tile = board[to];
        /* The tile on `to` slides into the blank's cell. */
        const int ch = h - dist[tile][to] + dist[tile][blank];
        generated++;

        const int f = cg + ch;
        if (f > bound) {
            if (f < next_bound)
                next_bound = f;
            continue;
        }
        if (ch == 0) { /* Manhattan distance 0 only at the goal */
            solution_cost = cg;
            return 1;
        }
        board[blank] = (unsigned char)tile;
        board[to] = 0;
        if (dfs(to, cg, ch, dir))
            return 1;
        board[to] = (unsigned char)tile;
        board[blank] = 0;
    }
    return 0;
}

/* Runs IDA* on `start`; returns the solution length (or -1 if none). */
static int ida_star(const unsigned char start[CELLS])
{
    int blank = -1, h = 0;
    memcpy(board, start, CELLS);
    for (int c = 0; c < CELLS; c++) {
        if (board[c] == 0)
            blank = c;
        h += dist[board[c]][c];
    }
    expanded = generated = 0;
    solution_cost = -1;
    if (h == 0)
        return 0;

    bound = h;
    for (;;) {
        next_bound = INT32_MAX;
        if (dfs(blank, 0, h, NO_DIR))
            return solution_cost;
        if (next_bound == INT32_MAX)
            return -1; /* tree exhausted: unsolvable */
        bound = next_bound;
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parses "id optimal t0 .. t15"; returns 1 on success. */
static int parse_instance(const char *line, long *id, long *optimal,
                          unsigned char tiles[CELLS])
{
    char *end;
    const char *p = line;
    long v[CELLS + 2];
    int seen[CELLS] = { 0 };

    for (int i = 0; i < CELLS + 2; i++) {
        v[i] = strtol(p, &end, 10);
        if (end == p)
            return 0;
        p = end;
    }
    for (int i = 0; i < CELLS; i++) {
        long t = v[i + 2];
        if (t < 0 || t >= CELLS || seen[t])
            return 0;
        seen[t] = 1;
        tiles[i] = (unsigned char)t;
    }
    *id = v[0];
    *optimal = v[1];
    return 1;
}

static void usage(const char *prog)
{
    fprintf(stderr, "usage: %s [-n N] [INSTANCES]\n", prog);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = "/work/shared/data/sliding-tile/korf100.txt";
    long limit = -1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0) {
            if (++i >= argc)
                usage(argv[0]);
            char *end;
            limit = strtol(argv[i], &end, 10);
            if (*end != '\0' || limit < 0)
                usage(argv[0]);
        } else if (argv[i][0] == '-') {
            usage(argv[0]);
        } else {
            path = argv[i];
        }
    }

    FILE *in = fopen(path, "r");
    if (!in) {
        perror(path);
        return 1;
    }
    init_tables();

    char line[1024];
    long done = 0, lineno = 0;
    int failures = 0;
    uint64_t total_generated = 0;
    double total_seconds = 0;

    while ((limit < 0 || done < limit) && fgets(line, sizeof line, in)) {
        lineno++;
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;

        long id, optimal;
        unsigned char tiles[CELLS];
        if (!parse_instance(p, &id, &optimal, tiles)) {
            fprintf(stderr, "%s:%ld: malformed instance\n", path, lineno);
            return 1;
        }

        double t0 = now_seconds();
        int cost = ida_star(tiles);
        double seconds = now_seconds() - t0;

        if (cost != optimal)
            failures++;
        total_generated += generated;
        total_seconds += seconds;
        if (cost >= 0)
            printf("{\"id\":%ld,\"solved\":true,\"cost\":%d,\"optimal\":%ld,"
                   "\"expanded\":%llu,\"generated\":%llu,\"seconds\":%.6f}\n",
                   id, cost, optimal, (unsigned long long)expanded,
                   (unsigned long long)generated, seconds);
        else
            printf("{\"id\":%ld,\"solved\":false,\"cost\":null,\"optimal\":%ld,"
                   "\"expanded\":%llu,\"generated\":%llu,\"seconds\":%.6f}\n",
                   id, optimal, (unsigned long long)expanded,
                   (unsigned long long)generated, seconds);
        fflush(stdout);
        done++;
    }
    fclose(in);

    fprintf(stderr, "ida15: %ld instances, %d not optimal, %llu generated, "
            "%.3f s, %.0f nodes/s\n", done, failures,
            (unsigned long long)total_generated, total_seconds,
            total_seconds > 0 ? (double)total_generated / total_seconds : 0.0);
    return failures ? 1 : 0;
}
