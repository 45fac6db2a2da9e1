/* libjpeg's working memory per decode (a progressive 8192x8192 image needs about 400 MB) */
#define CJPEG_MAX_WORK_MEMORY (512L << 20)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include "cjpeg.h"

struct cjpeg_error {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    int strict;
    char *errbuf;
    size_t errbuf_size;
};

static void cjpeg_record(j_common_ptr cinfo) {
    struct cjpeg_error *err = (struct cjpeg_error *)cinfo->err;
    if (err->errbuf && err->errbuf_size > 0) {
        char message[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, message);
        snprintf(err->errbuf, err->errbuf_size, "%s", message);
    }
}

static void cjpeg_error_exit(j_common_ptr cinfo) {
    cjpeg_record(cinfo);
    longjmp(((struct cjpeg_error *)cinfo->err)->jump, 1);
}

/* Warnings (msg_level -1) are silent unless strict, where they abort the decode. */
static void cjpeg_emit_message(j_common_ptr cinfo, int msg_level) {
    struct cjpeg_error *err = (struct cjpeg_error *)cinfo->err;
    if (msg_level < 0) {
        err->mgr.num_warnings++;
        if (err->strict) {
            cjpeg_record(cinfo);
            longjmp(err->jump, 1);
        }
    }
}

static void cjpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void cjpeg_install(struct cjpeg_error *err, int strict, char *errbuf, size_t errbuf_size) {
    jpeg_std_error(&err->mgr);
    err->mgr.error_exit = cjpeg_error_exit;
    err->mgr.emit_message = cjpeg_emit_message;
    err->mgr.output_message = cjpeg_output_message;
    err->strict = strict;
    err->errbuf = errbuf;
    err->errbuf_size = errbuf_size;
    if (errbuf && errbuf_size) errbuf[0] = 0;
}

int cjpeg_decode_rgb(const uint8_t *data, size_t size, int flags, uint64_t max_pixels,
                     uint8_t **pixels, int *width, int *height,
                     char *errbuf, size_t errbuf_size) {
    struct jpeg_decompress_struct cinfo;
    struct cjpeg_error err;
    uint8_t *volatile out = NULL;
    uint8_t *volatile row4 = NULL;
    *pixels = NULL;
    if (size == 0) {
        snprintf(errbuf, errbuf_size, "empty file");
        return 1;
    }
    cjpeg_install(&err, (flags & CJPEG_FLAG_STRICT) != 0, errbuf, errbuf_size);
    cinfo.err = &err.mgr;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(out);
        free(row4);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    /* past this, libjpeg asks for a backing store, which it lacks: an error, not a 4 GB decode */
    cinfo.mem->max_memory_to_use = CJPEG_MAX_WORK_MEMORY;
    jpeg_mem_src(&cinfo, (unsigned char *)data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    /* OpenCV reads every four-component image (Adobe CMYK, YCCK) as CMYK and converts it */
    int cmyk = cinfo.num_components == 4;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    /* a header may claim up to 65500x65500; refuse sizes no pose image has before allocating */
    if ((uint64_t)cinfo.image_width * cinfo.image_height > max_pixels) {
        snprintf(errbuf, errbuf_size, "a %ux%u image has more than the %llu pixels SwiftPose decodes; resize it",
                 cinfo.image_width, cinfo.image_height, (unsigned long long)max_pixels);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * 3;
    out = (uint8_t *)malloc(stride * cinfo.output_height);
    if (cmyk) row4 = (uint8_t *)malloc((size_t)cinfo.output_width * 4);
    if (!out || (cmyk && !row4)) {
        snprintf(errbuf, errbuf_size, "out of memory for %ux%u image", cinfo.output_width, cinfo.output_height);
        jpeg_destroy_decompress(&cinfo);
        free(out);
        free(row4);
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + stride * cinfo.output_scanline;
        if (!cmyk) {
            jpeg_read_scanlines(&cinfo, &row, 1);
            continue;
        }
        JSAMPROW source = row4;
        jpeg_read_scanlines(&cinfo, &source, 1);
        /* OpenCV's icvCvt_CMYK2BGR_8u_C4C3R: c' = k - ((255 - c) * k >> 8), red from c */
        for (size_t x = 0; x < cinfo.output_width; x++) {
            int c = row4[4 * x], m = row4[4 * x + 1], y = row4[4 * x + 2], k = row4[4 * x + 3];
            row[3 * x] = (uint8_t)(k - ((255 - c) * k >> 8));
            row[3 * x + 1] = (uint8_t)(k - ((255 - m) * k >> 8));
            row[3 * x + 2] = (uint8_t)(k - ((255 - y) * k >> 8));
        }
    }
    free(row4);
    row4 = NULL;
    jpeg_finish_decompress(&cinfo);
    *width = (int)cinfo.output_width;
    *height = (int)cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    *pixels = out;
    return 0;
}

int cjpeg_read_size(const uint8_t *data, size_t size, int *width, int *height,
                    char *errbuf, size_t errbuf_size) {
    struct jpeg_decompress_struct cinfo;
    struct cjpeg_error err;
    if (size == 0) {
        snprintf(errbuf, errbuf_size, "empty file");
        return 1;
    }
    cjpeg_install(&err, 0, errbuf, errbuf_size);
    cinfo.err = &err.mgr;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, (unsigned char *)data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int cjpeg_encode_rgb(const uint8_t *pixels, int width, int height, int quality,
                     uint8_t **out, size_t *out_size, char *errbuf, size_t errbuf_size) {
    struct jpeg_compress_struct cinfo;
    struct cjpeg_error err;
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;
    *out = NULL;
    *out_size = 0;
    if (width <= 0 || height <= 0) {
        snprintf(errbuf, errbuf_size, "invalid image size %dx%d", width, height);
        return 1;
    }
    cjpeg_install(&err, 1, errbuf, errbuf_size);
    cinfo.err = &err.mgr;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = (size_t)buffer_size;
    return 0;
}

void cjpeg_free(void *p) { free(p); }
