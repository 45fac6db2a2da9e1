#include "cpng.h"
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void message(char *errbuf, size_t size, const char *text) {
    if (errbuf && size > 0) snprintf(errbuf, size, "%s", text);
}

int cpng_decode_rgb(const uint8_t *data, size_t size, uint64_t max_pixels,
                    uint8_t **pixels, int *width, int *height, char *errbuf, size_t errbuf_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        message(errbuf, errbuf_size, image.message);
        png_image_free(&image);
        return 1;
    }
    if ((uint64_t)image.width * (uint64_t)image.height > max_pixels) {
        char text[128];
        snprintf(text, sizeof text, "%ux%u pixels is more than the %llu allowed", image.width, image.height,
                 (unsigned long long)max_pixels);
        message(errbuf, errbuf_size, text);
        png_image_free(&image);
        return 1;
    }
    image.format = PNG_FORMAT_RGB;
    size_t bytes = PNG_IMAGE_SIZE(image);
    uint8_t *buffer = malloc(bytes ? bytes : 1);
    if (!buffer) {
        message(errbuf, errbuf_size, "out of memory");
        png_image_free(&image);
        return 1;
    }
    png_color black = {0, 0, 0};
    if (!png_image_finish_read(&image, &black, buffer, 0, NULL)) {
        message(errbuf, errbuf_size, image.message);
        free(buffer);
        png_image_free(&image);
        return 1;
    }
    *pixels = buffer;
    *width = (int)image.width;
    *height = (int)image.height;
    png_image_free(&image);
    return 0;
}

int cpng_encode_rgb(const uint8_t *pixels, int width, int height,
                    uint8_t **out, size_t *out_size, char *errbuf, size_t errbuf_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels, 0, NULL)) {
        message(errbuf, errbuf_size, image.message);
        return 1;
    }
    uint8_t *buffer = malloc(size ? size : 1);
    if (!buffer) {
        message(errbuf, errbuf_size, "out of memory");
        return 1;
    }
    if (!png_image_write_to_memory(&image, buffer, &size, 0, pixels, 0, NULL)) {
        message(errbuf, errbuf_size, image.message);
        free(buffer);
        return 1;
    }
    *out = buffer;
    *out_size = size;
    return 0;
}

void cpng_free(void *p) { free(p); }
