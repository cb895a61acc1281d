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
static inline int allot_colors(void) { return COLORS; }
static inline int allot_color_pairs(void) { return COLOR_PAIRS; }
static inline int allot_key_code_yes(void) { return KEY_CODE_YES; }
static inline int allot_key_f0(void) { return KEY_F0; }
static inline mmask_t allot_mouse_all(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t allot_button1_click(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED; }
static inline mmask_t allot_button1_double(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t allot_wheel_up(void) { return BUTTON4_PRESSED; }
#if defined(BUTTON5_PRESSED)
static inline mmask_t allot_wheel_down(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t allot_wheel_down(void) { return 0; }
#endif
/* Reads one wide character or key code; returns OK, KEY_CODE_YES or ERR. */
static inline int allot_get_wch(WINDOW *w, unsigned int *out) { wint_t c = 0; int r = wget_wch(w, &c); *out = (unsigned int)c; return r; }
static inline int allot_set_attr(WINDOW *w, attr_t a, short pair) { return wattr_set(w, a, pair, NULL); }
#endif
