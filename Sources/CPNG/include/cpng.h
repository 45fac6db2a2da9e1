#ifndef SWIFTPOSE_CPNG_H
#define SWIFTPOSE_CPNG_H
#include <stddef.h>
#include <stdint.h>

/* PNG through libpng's simplified API (png_image), which reports every error as a message
   instead of longjmp-ing out of the caller. */

/* Decodes a PNG held in memory (any bit depth, palette, grey or alpha) to interleaved 8-bit RGB,
   alpha composited on black. Images over max_pixels pixels are refused before allocating.
   On success returns 0 and sets *pixels (free with cpng_free), *width, *height.
   On failure returns non-zero and writes a message into errbuf. */
int cpng_decode_rgb(const uint8_t *data, size_t size, uint64_t max_pixels,
                    uint8_t **pixels, int *width, int *height, char *errbuf, size_t errbuf_size);

/* Encodes interleaved 8-bit RGB to a PNG in memory (free *out with cpng_free). */
int cpng_encode_rgb(const uint8_t *pixels, int width, int height,
                    uint8_t **out, size_t *out_size, char *errbuf, size_t errbuf_size);

void cpng_free(void *p);
#endif
