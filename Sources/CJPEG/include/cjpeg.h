#ifndef SWIFTPOSE_CJPEG_H
#define SWIFTPOSE_CJPEG_H
#include <stddef.h>
#include <stdint.h>

/* libjpeg reports fatal errors through longjmp-less exit() by default; these wrappers turn every
   error (and, in strict mode, every warning such as a truncated stream) into a return code. */

enum { CJPEG_FLAG_STRICT = 1 };

/* Decodes a JPEG held in memory to interleaved 8-bit RGB (CMYK and YCCK images converted as
   OpenCV's imread converts them). Images of more than max_pixels are refused before decoding,
   and libjpeg's own working memory (a progressive image keeps all its coefficients) is capped.
   On success returns 0 and sets *pixels (free with cjpeg_free), *width, *height.
   On failure returns non-zero and writes a message into errbuf. */
int cjpeg_decode_rgb(const uint8_t *data, size_t size, int flags, uint64_t max_pixels,
                     uint8_t **pixels, int *width, int *height,
                     char *errbuf, size_t errbuf_size);

/* Reads only the header: image size and component count. */
int cjpeg_read_size(const uint8_t *data, size_t size, int *width, int *height,
                    char *errbuf, size_t errbuf_size);

/* Encodes interleaved 8-bit RGB to a JPEG in memory (free *out with cjpeg_free). */
int cjpeg_encode_rgb(const uint8_t *pixels, int width, int height, int quality,
                     uint8_t **out, size_t *out_size, char *errbuf, size_t errbuf_size);

void cjpeg_free(void *p);
#endif
