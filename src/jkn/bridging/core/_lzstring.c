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

static PyObject *compress(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "compress() takes a str");
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
    PyObject *result = NULL;
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
    result = PyUnicode_FromStringAndSize(s.bits.out, (Py_ssize_t)s.bits.len);
done:
    free(units);
    free(pending);
    free(t.keys);
    free(t.codes);
    free(s.bits.out);
    return result;
}

static PyMethodDef methods[] = {
    {"compress", compress, METH_O,
     "compress(text) -> LZString.compressToEncodedURIComponent(text) (lz-string 1.4.4)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lzstring",
                                    "LZ-string compressToEncodedURIComponent, compiled.", -1, methods};

PyMODINIT_FUNC PyInit__lzstring(void) { return PyModule_Create(&module); }
