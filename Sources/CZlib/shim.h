#ifndef SWIFTPOSE_CZLIB_SHIM_H
#define SWIFTPOSE_CZLIB_SHIM_H
#include <zlib.h>
#endif
