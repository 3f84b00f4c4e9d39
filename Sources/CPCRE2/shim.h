#pragma once
// The 8-bit library (UTF-8 subjects): its functions and types carry the suffix _8.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
