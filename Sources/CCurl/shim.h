#pragma once
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: these typed
// wrappers call them through the pointers dlsym(3) returned, with one argument of each type.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

typedef CURLcode (*hc_curl_setopt_function)(CURL *, CURLoption, ...);
typedef CURLcode (*hc_curl_getinfo_function)(CURL *, CURLINFO, ...);

static inline CURLcode hc_curl_setopt_long(void *function, CURL *handle, CURLoption option, long value) {
    return ((hc_curl_setopt_function)function)(handle, option, value);
}

static inline CURLcode hc_curl_setopt_pointer(void *function, CURL *handle, CURLoption option, const void *value) {
    return ((hc_curl_setopt_function)function)(handle, option, value);
}

static inline CURLcode hc_curl_getinfo_long(void *function, CURL *handle, CURLINFO info, long *value) {
    return ((hc_curl_getinfo_function)function)(handle, info, value);
}

static inline CURLcode hc_curl_getinfo_text(void *function, CURL *handle, CURLINFO info, char **value) {
    return ((hc_curl_getinfo_function)function)(handle, info, value);
}
