#ifndef THEANO_ZLIB_SHIM_H
#define THEANO_ZLIB_SHIM_H

#include <zlib.h>

/// inflateInit2 is a macro, which Swift cannot call: this starts a raw deflate stream (no zlib or
/// gzip wrapper; the callers parse those themselves) with the largest window.
static inline int theano_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -MAX_WBITS);
}

#endif
