/* LZ-string compressToEncodedURIComponent (lz-string 1.4.4, pieroxy, MIT; `_compress` with 6 bits
 * per character and the URI-safe alphabet), compiled: jkn.bridging.core._lzstring.compress(text).
 *
 * Byte for byte the output of the `lzstring` PyPI package (tests/vclaim/test_vclaim_lzstring_c.py);
 * characters outside the BMP are taken as UTF-16 surrogate pairs, as JavaScript does. The
 * dictionary is a trie: the code of phrase w + c is found under the key (code of w, c) in an
 * open-addressing hash table. jkn.bridging.core.lzfast is the same algorithm in Python, used when
 * this extension is not built. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$";

typedef struct {
    char *out;          /* output characters */
    size_t len, cap;
    uint64_t acc;       /* bits not written yet, the first in the highest place */
    unsigned n;         /* how many (fewer than 6 between calls) */
} Bits;

/* `value` in `n` bits (n <= 32), least significant first (lz-string's bit order), each output
 * character taking 6 bits, the first in its highest place. */
static int put(Bits *b, uint32_t value, unsigned n) {
    uint32_t rev = 0;
    for (unsigned i = 0; i < n; i++, value >>= 1)
        rev = (rev << 1) | (value & 1);
    b->acc = (b->acc << n) | rev;
    b->n += n;
    if (b->len + 6 > b->cap) {  /* at most 6 characters per call: n + 5 < 38 bits */
        size_t cap = b->cap * 2;
        char *out = realloc(b->out, cap);
        if (out == NULL)
            return -1;
        b->out = out;
        b->cap = cap;
    }
    while (b->n >= 6) {
        b->n -= 6;
        b->out[b->len++] = ALPHABET[(b->acc >> b->n) & 63];
    }
    return 0;
}

typedef struct {
    uint64_t *keys;     /* (code of the phrase << 16 | next unit) + 1; 0 is an empty slot */
    uint32_t *codes;
    size_t mask;
} Trie;

#define ROOT ((uint64_t)UINT32_MAX << 16)  /* the parent of single units */

/* The code stored under `key`, UINT32_MAX if none (a new slot the caller fills). */
static uint32_t *slot(Trie *t, uint64_t key) {
    size_t i = (size_t)((key + 1) * 0x9E3779B97F4A7C15ull >> 17) & t->mask;
    while (t->keys[i] != 0 && t->keys[i] != key + 1)
        i = (i + 1) & t->mask;
    if (t->keys[i] == 0) {
        t->keys[i] = key + 1;
        t->codes[i] = UINT32_MAX;  /* new: the caller sets the code */
    }
    return &t->codes[i];
}

typedef struct {
    Bits bits;
    uint32_t enlarge_in, num_bits;
} Stream;

static void grew(Stream *s) {
    if (--s->enlarge_in == 0) {
        s->enlarge_in = 1u << s->num_bits;
        s->num_bits++;
    }
}

/* Emit phrase `code`; a single unit not written yet (`raw` >= 0) is written raw, in 8 or 16 bits. */
static int emit(Stream *s, uint32_t code, int32_t raw) {
    if (raw < 0)
        return put(&s->bits, code, s->num_bits);
    if (raw < 256) {
        if (put(&s->bits, 0, s->num_bits) || put(&s->bits, (uint32_t)raw, 8))
            return -1;
    } else if (put(&s->bits, 1, s->num_bits) || put(&s->bits, (uint32_t)raw, 16)) {
        return -1;
    }
    grew(s);
    return 0;
}

/* The compressed characters of the str `arg` (malloc'd, `*len` of them), or NULL with an exception set. */
static char *lz(PyObject *arg, size_t *len) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "a str is required");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    uint16_t *units = malloc(sizeof(uint16_t) * (2 * (size_t)n + 1));  /* UTF-16 code units */
    size_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch > 0xFFFF) {
            ch -= 0x10000;
            units[m++] = (uint16_t)(0xD800 | (ch >> 10));
            units[m++] = (uint16_t)(0xDC00 | (ch & 0x3FF));
        } else {
            units[m++] = (uint16_t)ch;
        }
    }
    /* at most 2m + 3 codes: 3 reserved, one per new unit, one per new phrase; the table half full */
    size_t size = 64;
    while (size < 4 * m + 8)
        size <<= 1;
    Trie t = {calloc(size, sizeof(uint64_t)), malloc(size * sizeof(uint32_t)), size - 1};
    uint8_t *pending = calloc(2 * m + 3, 1);  /* a single unit's code not emitted yet */
    Stream s = {{malloc(m + 64), 0, m + 64, 0, 0}, 2, 2};
    char *result = NULL;
    if (!units || !pending || !t.keys || !t.codes || !s.bits.out) {
        PyErr_NoMemory();
        goto done;
    }
    uint32_t dict_size = 3, w = UINT32_MAX;  /* w: the code of the current phrase, none yet */
    int32_t w_unit = -1;                     /* w's unit while w is a single unit */
    uint32_t ascii[256];  /* the codes of single units below 256 (most of a JSON text), no hashing */
    memset(ascii, 0xFF, sizeof ascii);
    for (size_t i = 0; i < m; i++) {
        uint16_t c = units[i];
        uint32_t *single = c < 256 ? &ascii[c] : slot(&t, ROOT | c);
        if (*single == UINT32_MAX) {  /* a unit not seen yet takes the next code, before w + c */
            *single = dict_size++;
            pending[*single] = 1;
        }
        uint32_t code_c = *single;
        if (w == UINT32_MAX) {
            w = code_c;
            w_unit = c;
            continue;
        }
        uint32_t *wc = slot(&t, ((uint64_t)w << 16) | c);
        if (*wc != UINT32_MAX) {  /* w + c is in the dictionary: extend the phrase */
            w = *wc;
            w_unit = -1;
            continue;
        }
        int32_t raw = w_unit >= 0 && pending[w] ? w_unit : -1;
        pending[w] = 0;
        if (emit(&s, w, raw)) {
            PyErr_NoMemory();
            goto done;
        }
        grew(&s);
        *wc = dict_size++;
        w = code_c;
        w_unit = c;
    }
    if (w != UINT32_MAX) {
        if (emit(&s, w, w_unit >= 0 && pending[w] ? w_unit : -1)) {
            PyErr_NoMemory();
            goto done;
        }
        grew(&s);
    }
    if (put(&s.bits, 2, s.num_bits)) {  /* end of stream */
        PyErr_NoMemory();
        goto done;
    }
    /* lz-string always flushes one more, zero-padded, character */
    if (put(&s.bits, 0, 6 - s.bits.n)) {
        PyErr_NoMemory();
        goto done;
    }
    result = s.bits.out;
    *len = s.bits.len;
    s.bits.out = NULL;
done:
    free(units);
    free(pending);
    free(t.keys);
    free(t.codes);
    free(s.bits.out);
    return result;
}

static PyObject *compress(PyObject *self, PyObject *arg) {
    size_t len;
    char *out = lz(arg, &len);
    if (out == NULL)
        return NULL;
    PyObject *result = PyUnicode_FromStringAndSize(out, (Py_ssize_t)len);
    free(out);
    return result;
}

/* AES-256-CBC by the process's OpenSSL libcrypto (found at import, dlopen): its EVP interface, one
 * context re-keyed per call (no cipher fetched, nothing allocated), used under the GIL only. */
typedef void *(*ctx_new_f)(void);
typedef const void *(*cipher_f)(void);
typedef int (*init_f)(void *ctx, const void *cipher, void *engine, const unsigned char *key, const unsigned char *iv);
typedef int (*update_f)(void *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl);
typedef int (*final_f)(void *ctx, unsigned char *out, int *outl);
static init_f encrypt_init;
static update_f encrypt_update;
static final_f encrypt_final;
static void *aes_ctx;

static int find_aes(void) {
    const char *names[] = {"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        void *lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL)
            continue;
        ctx_new_f ctx_new = (ctx_new_f)dlsym(lib, "EVP_CIPHER_CTX_new");
        cipher_f aes = (cipher_f)dlsym(lib, "EVP_aes_256_cbc");
        encrypt_init = (init_f)dlsym(lib, "EVP_EncryptInit_ex");
        encrypt_update = (update_f)dlsym(lib, "EVP_EncryptUpdate");
        encrypt_final = (final_f)dlsym(lib, "EVP_EncryptFinal_ex");
        if (ctx_new && aes && encrypt_init && encrypt_update && encrypt_final && (aes_ctx = ctx_new()) != NULL
            && encrypt_init(aes_ctx, aes(), NULL, NULL, NULL) == 1)  /* the cipher, once; keys per call */
            return 1;
        dlclose(lib);
    }
    return 0;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* seal(text, key): base64(AES-256-CBC/PKCS#7(compress(text))), key the 32 bytes, IV their first 16. */
static PyObject *seal(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer key;
    if (!PyArg_ParseTuple(args, "Uy*:seal", &text, &key))
        return NULL;
    PyObject *result = NULL;
    unsigned char *sealed = NULL;
    size_t len;
    char *plain = NULL;
    if (key.len != 32) {
        PyErr_SetString(PyExc_ValueError, "the key is 32 bytes");
        goto done;
    }
    if ((plain = lz(text, &len)) == NULL)
        goto done;
    if (len > INT32_MAX - 32 || (sealed = malloc(len + 16)) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int n = 0, last = 0;
    if (encrypt_init(aes_ctx, NULL, NULL, key.buf, key.buf) != 1
        || encrypt_update(aes_ctx, sealed, &n, (const unsigned char *)plain, (int)len) != 1
        || encrypt_final(aes_ctx, sealed + n, &last) != 1) {
        PyErr_SetString(PyExc_RuntimeError, "OpenSSL refused to encrypt");
        goto done;
    }
    size_t total = (size_t)n + (size_t)last, chars = (total + 2) / 3 * 4;
    if ((result = PyUnicode_New((Py_ssize_t)chars, 127)) == NULL)
        goto done;
    Py_UCS1 *out = PyUnicode_1BYTE_DATA(result);
    size_t i = 0, o = 0;
    for (; i + 2 < total; i += 3) {
        uint32_t v = (uint32_t)sealed[i] << 16 | (uint32_t)sealed[i + 1] << 8 | sealed[i + 2];
        out[o++] = B64[v >> 18];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = B64[v >> 6 & 63];
        out[o++] = B64[v & 63];
    }
    if (i < total) {  /* one or two bytes left: "==" or "=" */
        uint32_t v = (uint32_t)sealed[i] << 16 | (i + 1 < total ? (uint32_t)sealed[i + 1] << 8 : 0);
        out[o++] = B64[v >> 18];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = i + 1 < total ? B64[v >> 6 & 63] : '=';
        out[o++] = '=';
    }
done:
    free(plain);
    free(sealed);
    PyBuffer_Release(&key);
    return result;
}

static PyMethodDef methods[] = {
    {"compress", compress, METH_O,
     "compress(text) -> LZString.compressToEncodedURIComponent(text) (lz-string 1.4.4)"},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef aes_methods[] = {
    {"seal", seal, METH_VARARGS,
     "seal(text, key) -> base64(AES-256-CBC/PKCS#7(compress(text))), key 32 bytes, IV its first 16"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lzstring",
                                    "LZ-string compressToEncodedURIComponent, compiled.", -1, methods};

/* seal() only where the process finds OpenSSL's libcrypto (jkn.bridging.core.lzfast seals otherwise). */
PyMODINIT_FUNC PyInit__lzstring(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && find_aes() && PyModule_AddFunctions(m, aes_methods) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
