#ifndef SWIFTPOSE_COPENBLAS_SHIM_H
#define SWIFTPOSE_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
