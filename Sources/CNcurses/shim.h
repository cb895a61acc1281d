#ifndef ALLOT_NCURSES_SHIM_H
#define ALLOT_NCURSES_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncursesw/ncurses.h>

static inline int allot_getmaxy(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)x; return y; }
static inline int allot_getmaxx(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)y; return x; }
static inline int allot_color_pair(int n) { return COLOR_PAIR(n); }
static inline int allot_key_resize(void) { return KEY_RESIZE; }
static inline int allot_key_mouse(void) { return KEY_MOUSE; }
static inline int allot_err(void) { return ERR; }
static inline int allot_ok(void) { return OK; }
static inline attr_t allot_a_bold(void) { return A_BOLD; }
static inline attr_t allot_a_reverse(void) { return A_REVERSE; }
static inline attr_t allot_a_underline(void) { return A_UNDERLINE; }
static inline attr_t allot_a_dim(void) { return A_DIM; }
static inline attr_t allot_a_normal(void) { return A_NORMAL; }
#endif
