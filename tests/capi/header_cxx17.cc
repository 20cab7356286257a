/*
 * The public header compiled as C++17: the program of header_c99.c, compiled by the C++
 * compiler with the same warnings as errors.
 */
#include "header_c99.c"
