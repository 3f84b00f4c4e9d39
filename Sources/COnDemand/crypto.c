// libcrypto on demand: see COnDemand.h.
#include "COnDemand.h"
#include "loading.h"

#define CRYPTO_FUNCTIONS(F) \
    F(void, ERR_clear_error, (void), ()) \
    F(BIO *, BIO_new_mem_buf, (const void *buf, int len), (buf, len)) \
    F(BIO *, BIO_new, (const BIO_METHOD *type), (type)) \
    F(const BIO_METHOD *, BIO_s_mem, (void), ()) \
    F(int, BIO_free, (BIO *a), (a)) \
    F(long, BIO_ctrl, (BIO *bp, int cmd, long larg, void *parg), (bp, cmd, larg, parg)) \
    F(EVP_PKEY *, PEM_read_bio_PrivateKey, (BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u), (bp, x, cb, u)) \
    F(X509 *, PEM_read_bio_X509, (BIO *bp, X509 **x, pem_password_cb *cb, void *u), (bp, x, cb, u)) \
    F(void, EVP_PKEY_free, (EVP_PKEY *pkey), (pkey)) \
    F(const char *, EVP_PKEY_get0_type_name, (const EVP_PKEY *key), (key)) \
    F(int, EVP_PKEY_get_base_id, (const EVP_PKEY *pkey), (pkey)) \
    F(int, EVP_PKEY_get_bits, (const EVP_PKEY *pkey), (pkey)) \
    F(void, X509_free, (X509 *a), (a)) \
    F(X509_NAME *, X509_get_subject_name, (const X509 *a), (a)) \
    F(X509_NAME *, X509_get_issuer_name, (const X509 *a), (a)) \
    F(const ASN1_TIME *, X509_get0_notBefore, (const X509 *x), (x)) \
    F(const ASN1_TIME *, X509_get0_notAfter, (const X509 *x), (x)) \
    F(int, X509_check_ca, (X509 *x), (x)) \
    F(int, X509_check_private_key, (const X509 *x, const EVP_PKEY *pkey), (x, pkey)) \
    F(int, X509_NAME_print_ex, (BIO *out, const X509_NAME *nm, int indent, unsigned long flags), (out, nm, indent, flags)) \
    F(int, ASN1_TIME_to_tm, (const ASN1_TIME *s, struct tm *tm), (s, tm))

#define NAME(ret, name, params, args) #name,
static const char *const names[] = { CRYPTO_FUNCTIONS(NAME) };
#define SLOT(ret, name, params, args) ret (*name) params;
static union {
    struct { CRYPTO_FUNCTIONS(SLOT) } call;
    void *slots[sizeof names / sizeof *names];
} table;
static struct ondemand_library library = { "libcrypto.so.3", PTHREAD_ONCE_INIT, -1, "" };

static void load(void) { ondemand_load(&library, names, table.slots, sizeof names / sizeof *names); }

int ondemand_crypto_open(void) {
    pthread_once(&library.once, load);
    return library.status;
}

const char *ondemand_crypto_problem(void) { return library.problem; }

#define TRAMPOLINE(ret, name, params, args) ret ondemand_##name params { return table.call.name args; }
CRYPTO_FUNCTIONS(TRAMPOLINE)
