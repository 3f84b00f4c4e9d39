#pragma once
// libcrypto and libsystemd, loaded with dlopen(3) the first time a contract needs them.
//
// Linked, every start of hostcontract (every `gate` before a service) would map and relocate
// them and the libraries they bring (libsystemd: libgcrypt, liblzma, libzstd, liblz4, libcap):
// several milliseconds, most of a start. Each ondemand_NAME calls NAME through a pointer that
// ondemand_crypto_open() or ondemand_systemd_open() resolved; call them only after that
// returned 0.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <systemd/sd-bus.h>
#include <sys/uio.h>

/// Loads libcrypto.so.3 and resolves every function below, once (thread-safe): 0, or -1 with
/// ondemand_crypto_problem() naming what is missing.
int ondemand_crypto_open(void);
const char *ondemand_crypto_problem(void);

/// Loads libsystemd.so.0 the same way.
int ondemand_systemd_open(void);
const char *ondemand_systemd_problem(void);

void ondemand_ERR_clear_error(void);
BIO *ondemand_BIO_new_mem_buf(const void *buf, int len);
BIO *ondemand_BIO_new(const BIO_METHOD *type);
const BIO_METHOD *ondemand_BIO_s_mem(void);
int ondemand_BIO_free(BIO *a);
long ondemand_BIO_ctrl(BIO *bp, int cmd, long larg, void *parg);
EVP_PKEY *ondemand_PEM_read_bio_PrivateKey(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u);
X509 *ondemand_PEM_read_bio_X509(BIO *bp, X509 **x, pem_password_cb *cb, void *u);
void ondemand_EVP_PKEY_free(EVP_PKEY *pkey);
const char *ondemand_EVP_PKEY_get0_type_name(const EVP_PKEY *key);
int ondemand_EVP_PKEY_get_base_id(const EVP_PKEY *pkey);
int ondemand_EVP_PKEY_get_bits(const EVP_PKEY *pkey);
void ondemand_X509_free(X509 *a);
X509_NAME *ondemand_X509_get_subject_name(const X509 *a);
X509_NAME *ondemand_X509_get_issuer_name(const X509 *a);
const ASN1_TIME *ondemand_X509_get0_notBefore(const X509 *x);
const ASN1_TIME *ondemand_X509_get0_notAfter(const X509 *x);
int ondemand_X509_check_ca(X509 *x);
int ondemand_X509_check_private_key(const X509 *x, const EVP_PKEY *pkey);
int ondemand_X509_NAME_print_ex(BIO *out, const X509_NAME *nm, int indent, unsigned long flags);
int ondemand_ASN1_TIME_to_tm(const ASN1_TIME *s, struct tm *tm);

int ondemand_sd_booted(void);
int ondemand_sd_notify(int unset_environment, const char *state);
int ondemand_sd_journal_sendv(const struct iovec *iov, int n);
int ondemand_sd_pid_get_unit(pid_t pid, char **unit);
int ondemand_sd_pid_get_user_unit(pid_t pid, char **unit);
int ondemand_sd_bus_open_system(sd_bus **ret);
sd_bus *ondemand_sd_bus_flush_close_unref(sd_bus *bus);
int ondemand_sd_bus_path_encode(const char *prefix, const char *external_id, char **ret_path);
void ondemand_sd_bus_error_free(sd_bus_error *e);
int ondemand_sd_bus_get_property_string(sd_bus *bus, const char *destination, const char *path,
    const char *interface, const char *member, sd_bus_error *ret_error, char **ret);
