// oneDNN's C API (Debian's libdnnl-dev, built with the OpenMP runtime) and the two OpenMP
// calls that size its thread team.
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int count);
int omp_get_max_threads(void);
