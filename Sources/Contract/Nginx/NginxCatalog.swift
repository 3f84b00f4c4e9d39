/// What hostcontract knows of nginx's directives, one list each, taken from the command tables
/// and merge functions of nginx 1.22's sources (src/core, src/event, src/http and its modules):
/// which directives open a block, which never do, which take no arguments, and which a block
/// takes from the blocks around it when it does not set them itself. A directive named in none
/// of them (a third-party module's) is neither checked for its `{` nor inherited.
enum NginxCatalog {
    /// Directives that open a block (`NGX_CONF_BLOCK`): written with `;`, nginx says "has no
    /// opening "{"". (`server` is a block in http but a plain directive in `upstream`: not listed.)
    static let blocks: Set<String> = [
        "charset_map", "events", "geo", "http", "if", "limit_except", "location", "mail", "map",
        "split_clients", "stream", "types", "upstream",
    ]

    /// Whether `name` opens a block inside `parent` (nil: the top of a file).
    static func isBlock(_ name: String, in parent: String?) -> Bool {
        blocks.contains(name) || (name == "server" && ["http", "stream", "mail"].contains(parent ?? ""))
    }

    /// Whether `name` never opens a block inside `parent`.
    static func isPlain(_ name: String, in parent: String?) -> Bool {
        plain.contains(name) || (name == "server" && parent == "upstream")
    }

    /// Blocks whose lines are not directives (a map's keys, a types block's MIME types).
    static let tables: Set<String> = ["charset_map", "geo", "map", "split_clients", "types"]

    /// Directives that never open a block: followed by `{`, nginx says "is not terminated by ";"".
    static let plain: Set<String> = inherited.union(notInherited)

    /// Directives nginx takes more than once in one block (lists, and handlers with no
    /// "is duplicate" check): a fix adds another; any other is changed where it is.
    static let repeatable: Set<String> = [
        "access_log", "add_header", "add_trailer", "addition_types", "allow", "ancient_browser",
        "ancient_browser_value", "auth_request_set", "break", "charset_types", "debug_connection",
        "degradation", "deny", "empty_gif", "env", "error_log", "error_page", "fastcgi_cache_bypass",
        "fastcgi_cache_path", "fastcgi_cache_valid", "fastcgi_catch_stderr", "fastcgi_hide_header",
        "fastcgi_no_cache", "fastcgi_param", "fastcgi_pass_header", "fastcgi_split_path_info", "flv",
        "geoip_proxy", "grpc_hide_header", "grpc_pass_header", "grpc_set_header", "grpc_ssl_conf_command",
        "gzip_disable", "gzip_types", "hash", "http2_idle_timeout", "http2_max_field_size",
        "http2_max_header_size", "http2_max_requests", "http2_recv_timeout", "image_filter",
        "image_filter_jpeg_quality", "image_filter_sharpen", "image_filter_webp_quality", "include",
        "index", "ip_hash", "least_conn", "limit_conn_zone", "limit_req_zone", "listen", "load_module",
        "log_format", "modern_browser", "modern_browser_value", "mp4", "perl", "perl_modules",
        "perl_require", "perl_set", "proxy_cache_bypass", "proxy_cache_path", "proxy_cache_valid",
        "proxy_hide_header", "proxy_no_cache", "proxy_pass_header", "proxy_set_header",
        "proxy_ssl_conf_command", "random", "return", "rewrite", "scgi_cache_bypass", "scgi_cache_path",
        "scgi_cache_valid", "scgi_hide_header", "scgi_no_cache", "scgi_param", "scgi_pass_header",
        "server_name", "set", "set_real_ip_from", "ssi_types", "ssl", "ssl_certificate",
        "ssl_certificate_key", "ssl_conf_command", "ssl_session_cache", "ssl_session_ticket_key",
        "stub_status", "sub_filter", "sub_filter_types", "thread_pool", "uwsgi_cache_bypass",
        "uwsgi_cache_path", "uwsgi_cache_valid", "uwsgi_hide_header", "uwsgi_no_cache", "uwsgi_param",
        "uwsgi_pass_header", "uwsgi_ssl_conf_command", "valid_referers", "xslt_param", "xslt_string_param",
        "xslt_stylesheet", "xslt_types", "zone",
    ]

    /// Directives that may be written without arguments (`internal;`).
    static let withoutArguments: Set<String> = takingNone.union(["stub_status"])

    /// The most arguments nginx takes for `name` (nil: a directive the catalog does not know).
    static func maximumArguments(_ name: String) -> Int? {
        if takingNone.contains(name) { return 0 }
        if takingTwo.contains(name) { return 2 }
        if takingThree.contains(name) { return 3 }
        if takingFour.contains(name) { return 4 }
        if takingMany.contains(name) { return Int.max }
        return plain.contains(name) ? 1 : nil
    }

    // How many arguments the plain directives take at most (NGX_CONF_TAKE*, FLAG, 1MORE, ...);
    // every one not listed here takes one.

    static let takingNone: Set<String> = [
        "break", "empty_gif", "flv", "internal", "ip_hash", "least_conn", "mp4",
    ]

    static let takingTwo: Set<String> = [
        "auth_request_set", "disable_symlinks", "expires", "fastcgi_bind", "fastcgi_buffers", "geoip_city",
        "geoip_country", "geoip_org", "grpc_bind", "grpc_set_header", "grpc_ssl_conf_command",
        "gunzip_buffers", "gzip_buffers", "hash", "keepalive_disable", "keepalive_timeout",
        "large_client_header_buffers", "limit_conn", "limit_conn_zone", "memcached_bind", "modern_browser",
        "open_file_cache", "output_buffers", "perl_set", "proxy_bind", "proxy_buffers",
        "proxy_cookie_domain", "proxy_cookie_path", "proxy_redirect", "proxy_set_header",
        "proxy_ssl_conf_command", "random", "return", "scgi_bind", "scgi_buffers", "set",
        "ssl_conf_command", "ssl_session_cache", "sub_filter", "user", "uwsgi_bind", "uwsgi_buffers",
        "uwsgi_ssl_conf_command", "xslt_param", "xslt_string_param", "zone",
    ]

    static let takingThree: Set<String> = [
        "add_header", "add_trailer", "dav_access", "fastcgi_param", "fastcgi_store_access", "image_filter",
        "limit_req", "limit_req_zone", "proxy_store_access", "rewrite", "scgi_param", "scgi_store_access",
        "thread_pool", "userid_flags", "uwsgi_param", "uwsgi_store_access",
    ]

    static let takingFour: Set<String> = [
        "client_body_temp_path", "fastcgi_temp_path", "open_log_file_cache", "proxy_cookie_flags",
        "proxy_temp_path", "scgi_temp_path", "uwsgi_temp_path",
    ]

    static let takingMany: Set<String> = [
        "access_log", "addition_types", "ancient_browser", "charset_types", "dav_methods", "error_log",
        "error_page", "fastcgi_cache_bypass", "fastcgi_cache_methods", "fastcgi_cache_path",
        "fastcgi_cache_use_stale", "fastcgi_cache_valid", "fastcgi_ignore_headers", "fastcgi_next_upstream",
        "fastcgi_no_cache", "grpc_ignore_headers", "grpc_next_upstream", "grpc_ssl_protocols",
        "gzip_disable", "gzip_proxied", "gzip_types", "include", "index", "listen", "log_format",
        "memcached_next_upstream", "proxy_cache_bypass", "proxy_cache_methods", "proxy_cache_path",
        "proxy_cache_use_stale", "proxy_cache_valid", "proxy_ignore_headers", "proxy_next_upstream",
        "proxy_no_cache", "proxy_ssl_protocols", "resolver", "scgi_cache_bypass", "scgi_cache_methods",
        "scgi_cache_path", "scgi_cache_use_stale", "scgi_cache_valid", "scgi_ignore_headers",
        "scgi_next_upstream", "scgi_no_cache", "server_name", "ssi_types", "ssl_protocols",
        "sub_filter_types", "try_files", "uwsgi_cache_bypass", "uwsgi_cache_methods", "uwsgi_cache_path",
        "uwsgi_cache_use_stale", "uwsgi_cache_valid", "uwsgi_ignore_headers", "uwsgi_next_upstream",
        "uwsgi_no_cache", "uwsgi_ssl_protocols", "valid_referers", "worker_cpu_affinity", "xslt_stylesheet",
        "xslt_types",
    ]


    /// Directives a location takes from the location around it, then the server, then http, when
    /// it does not set them itself; a server from http likewise. These are the directives nginx
    /// allows in http{} or server{} and merges into each block below (ngx_conf_merge_* in the
    /// modules' merge functions), and the location-only ones it merges into nested locations
    /// (alias, internal, random_index). A directive that may repeat (add_header,
    /// proxy_set_header, limit_req, error_page, ...) is inherited as a whole list: a block with
    /// any of its own takes none from above.
    ///
    /// Not inherited: handlers and rewrites, which act only where they are written (proxy_pass
    /// and the other *_pass, return, rewrite, set, if, break, try_files, flv, mp4, stub_status,
    /// empty_gif, limit_except), and http-only definitions (log_format, map, upstream, *_zone,
    /// *_cache_path).
    static let inherited: Set<String> = [
        // core
        "connection_pool_size", "request_pool_size", "client_header_timeout", "client_header_buffer_size",
        "large_client_header_buffers", "ignore_invalid_headers", "merge_slashes", "underscores_in_headers",
        "types_hash_max_size", "types_hash_bucket_size", "default_type", "root", "client_max_body_size",
        "client_body_buffer_size", "client_body_timeout", "client_body_temp_path",
        "client_body_in_file_only", "client_body_in_single_buffer", "sendfile", "sendfile_max_chunk",
        "subrequest_output_buffer_size", "aio", "aio_write", "read_ahead", "directio", "directio_alignment",
        "tcp_nopush", "tcp_nodelay", "send_timeout", "send_lowat", "postpone_output", "limit_rate",
        "limit_rate_after", "keepalive_time", "keepalive_timeout", "keepalive_requests",
        "keepalive_disable", "satisfy", "auth_delay", "lingering_close", "lingering_time",
        "lingering_timeout", "reset_timedout_connection", "absolute_redirect", "server_name_in_redirect",
        "port_in_redirect", "msie_padding", "msie_refresh", "log_not_found", "log_subrequest",
        "recursive_error_pages", "server_tokens", "if_modified_since", "max_ranges",
        "chunked_transfer_encoding", "etag", "error_page", "post_action", "error_log", "open_file_cache",
        "open_file_cache_valid", "open_file_cache_min_uses", "open_file_cache_errors",
        "open_file_cache_events", "resolver", "resolver_timeout", "gzip_vary", "gzip_http_version",
        "gzip_proxied", "gzip_disable", "disable_symlinks",
        // access
        "allow", "deny",
        // addition
        "add_before_body", "add_after_body", "addition_types",
        // auth_basic
        "auth_basic", "auth_basic_user_file",
        // auth_request
        "auth_request", "auth_request_set",
        // autoindex
        "autoindex", "autoindex_format", "autoindex_localtime", "autoindex_exact_size",
        // browser
        "modern_browser", "ancient_browser", "modern_browser_value", "ancient_browser_value",
        // charset
        "charset", "source_charset", "override_charset", "charset_types",
        // dav
        "dav_methods", "create_full_put_path", "min_delete_depth", "dav_access",
        // degradation
        "degrade",
        // fastcgi
        "fastcgi_index", "fastcgi_split_path_info", "fastcgi_store", "fastcgi_store_access",
        "fastcgi_buffering", "fastcgi_request_buffering", "fastcgi_ignore_client_abort", "fastcgi_bind",
        "fastcgi_socket_keepalive", "fastcgi_connect_timeout", "fastcgi_send_timeout", "fastcgi_send_lowat",
        "fastcgi_buffer_size", "fastcgi_pass_request_headers", "fastcgi_pass_request_body",
        "fastcgi_intercept_errors", "fastcgi_read_timeout", "fastcgi_buffers", "fastcgi_busy_buffers_size",
        "fastcgi_force_ranges", "fastcgi_limit_rate", "fastcgi_cache", "fastcgi_cache_key",
        "fastcgi_cache_bypass", "fastcgi_no_cache", "fastcgi_cache_valid", "fastcgi_cache_min_uses",
        "fastcgi_cache_max_range_offset", "fastcgi_cache_use_stale", "fastcgi_cache_methods",
        "fastcgi_cache_lock", "fastcgi_cache_lock_timeout", "fastcgi_cache_lock_age",
        "fastcgi_cache_revalidate", "fastcgi_cache_background_update", "fastcgi_temp_path",
        "fastcgi_max_temp_file_size", "fastcgi_temp_file_write_size", "fastcgi_next_upstream",
        "fastcgi_next_upstream_tries", "fastcgi_next_upstream_timeout", "fastcgi_param",
        "fastcgi_pass_header", "fastcgi_hide_header", "fastcgi_ignore_headers", "fastcgi_catch_stderr",
        "fastcgi_keep_conn",
        // grpc
        "grpc_bind", "grpc_socket_keepalive", "grpc_connect_timeout", "grpc_send_timeout",
        "grpc_intercept_errors", "grpc_buffer_size", "grpc_read_timeout", "grpc_next_upstream",
        "grpc_next_upstream_tries", "grpc_next_upstream_timeout", "grpc_set_header", "grpc_pass_header",
        "grpc_hide_header", "grpc_ignore_headers", "grpc_ssl_session_reuse", "grpc_ssl_protocols",
        "grpc_ssl_ciphers", "grpc_ssl_name", "grpc_ssl_server_name", "grpc_ssl_verify",
        "grpc_ssl_verify_depth", "grpc_ssl_trusted_certificate", "grpc_ssl_crl", "grpc_ssl_certificate",
        "grpc_ssl_certificate_key", "grpc_ssl_password_file", "grpc_ssl_conf_command",
        // gunzip
        "gunzip", "gunzip_buffers",
        // gzip
        "gzip", "gzip_buffers", "gzip_types", "gzip_comp_level", "gzip_window", "gzip_hash",
        "postpone_gzipping", "gzip_no_buffer", "gzip_min_length",
        // gzip_static
        "gzip_static",
        // headers
        "expires", "add_header", "add_trailer",
        // image
        "image_filter_jpeg_quality", "image_filter_webp_quality", "image_filter_sharpen",
        "image_filter_transparency", "image_filter_interlace", "image_filter_buffer",
        // index
        "index",
        // limit_conn
        "limit_conn", "limit_conn_log_level", "limit_conn_status", "limit_conn_dry_run",
        // limit_req
        "limit_req", "limit_req_log_level", "limit_req_status", "limit_req_dry_run",
        // log
        "access_log", "open_log_file_cache",
        // memcached
        "memcached_bind", "memcached_socket_keepalive", "memcached_connect_timeout",
        "memcached_send_timeout", "memcached_buffer_size", "memcached_read_timeout",
        "memcached_next_upstream", "memcached_next_upstream_tries", "memcached_next_upstream_timeout",
        "memcached_gzip_flag",
        // mirror
        "mirror", "mirror_request_body",
        // mp4
        "mp4_buffer_size", "mp4_max_buffer_size", "mp4_start_key_frame",
        // proxy
        "proxy_redirect", "proxy_cookie_domain", "proxy_cookie_path", "proxy_cookie_flags", "proxy_store",
        "proxy_store_access", "proxy_buffering", "proxy_request_buffering", "proxy_ignore_client_abort",
        "proxy_bind", "proxy_socket_keepalive", "proxy_connect_timeout", "proxy_send_timeout",
        "proxy_send_lowat", "proxy_intercept_errors", "proxy_set_header", "proxy_headers_hash_max_size",
        "proxy_headers_hash_bucket_size", "proxy_set_body", "proxy_method", "proxy_pass_request_headers",
        "proxy_pass_request_body", "proxy_buffer_size", "proxy_read_timeout", "proxy_buffers",
        "proxy_busy_buffers_size", "proxy_force_ranges", "proxy_limit_rate", "proxy_cache",
        "proxy_cache_key", "proxy_cache_bypass", "proxy_no_cache", "proxy_cache_valid",
        "proxy_cache_min_uses", "proxy_cache_max_range_offset", "proxy_cache_use_stale",
        "proxy_cache_methods", "proxy_cache_lock", "proxy_cache_lock_timeout", "proxy_cache_lock_age",
        "proxy_cache_revalidate", "proxy_cache_convert_head", "proxy_cache_background_update",
        "proxy_temp_path", "proxy_max_temp_file_size", "proxy_temp_file_write_size", "proxy_next_upstream",
        "proxy_next_upstream_tries", "proxy_next_upstream_timeout", "proxy_pass_header",
        "proxy_hide_header", "proxy_ignore_headers", "proxy_http_version", "proxy_ssl_session_reuse",
        "proxy_ssl_protocols", "proxy_ssl_ciphers", "proxy_ssl_name", "proxy_ssl_server_name",
        "proxy_ssl_verify", "proxy_ssl_verify_depth", "proxy_ssl_trusted_certificate", "proxy_ssl_crl",
        "proxy_ssl_certificate", "proxy_ssl_certificate_key", "proxy_ssl_password_file",
        "proxy_ssl_conf_command",
        // realip
        "set_real_ip_from", "real_ip_header", "real_ip_recursive",
        // rewrite
        "rewrite_log", "uninitialized_variable_warn",
        // scgi
        "scgi_store", "scgi_store_access", "scgi_buffering", "scgi_request_buffering",
        "scgi_ignore_client_abort", "scgi_bind", "scgi_socket_keepalive", "scgi_connect_timeout",
        "scgi_send_timeout", "scgi_buffer_size", "scgi_pass_request_headers", "scgi_pass_request_body",
        "scgi_intercept_errors", "scgi_read_timeout", "scgi_buffers", "scgi_busy_buffers_size",
        "scgi_force_ranges", "scgi_limit_rate", "scgi_cache", "scgi_cache_key", "scgi_cache_bypass",
        "scgi_no_cache", "scgi_cache_valid", "scgi_cache_min_uses", "scgi_cache_max_range_offset",
        "scgi_cache_use_stale", "scgi_cache_methods", "scgi_cache_lock", "scgi_cache_lock_timeout",
        "scgi_cache_lock_age", "scgi_cache_revalidate", "scgi_cache_background_update", "scgi_temp_path",
        "scgi_max_temp_file_size", "scgi_temp_file_write_size", "scgi_next_upstream",
        "scgi_next_upstream_tries", "scgi_next_upstream_timeout", "scgi_param", "scgi_pass_header",
        "scgi_hide_header", "scgi_ignore_headers",
        // secure_link
        "secure_link", "secure_link_md5", "secure_link_secret",
        // slice
        "slice",
        // ssi
        "ssi", "ssi_silent_errors", "ssi_ignore_recycled_buffers", "ssi_min_file_chunk", "ssi_value_length",
        "ssi_types", "ssi_last_modified",
        // ssl
        "ssl", "ssl_certificate", "ssl_certificate_key", "ssl_password_file", "ssl_dhparam",
        "ssl_ecdh_curve", "ssl_protocols", "ssl_ciphers", "ssl_buffer_size", "ssl_verify_client",
        "ssl_verify_depth", "ssl_client_certificate", "ssl_trusted_certificate",
        "ssl_prefer_server_ciphers", "ssl_session_cache", "ssl_session_tickets", "ssl_session_ticket_key",
        "ssl_session_timeout", "ssl_crl", "ssl_ocsp", "ssl_ocsp_responder", "ssl_ocsp_cache",
        "ssl_stapling", "ssl_stapling_file", "ssl_stapling_responder", "ssl_stapling_verify",
        "ssl_early_data", "ssl_conf_command", "ssl_reject_handshake",
        // sub
        "sub_filter", "sub_filter_types", "sub_filter_once", "sub_filter_last_modified",
        // userid
        "userid", "userid_service", "userid_name", "userid_domain", "userid_path", "userid_expires",
        "userid_flags", "userid_p3p", "userid_mark",
        // uwsgi
        "uwsgi_modifier1", "uwsgi_modifier2", "uwsgi_store", "uwsgi_store_access", "uwsgi_buffering",
        "uwsgi_request_buffering", "uwsgi_ignore_client_abort", "uwsgi_bind", "uwsgi_socket_keepalive",
        "uwsgi_connect_timeout", "uwsgi_send_timeout", "uwsgi_buffer_size", "uwsgi_pass_request_headers",
        "uwsgi_pass_request_body", "uwsgi_intercept_errors", "uwsgi_read_timeout", "uwsgi_buffers",
        "uwsgi_busy_buffers_size", "uwsgi_force_ranges", "uwsgi_limit_rate", "uwsgi_cache",
        "uwsgi_cache_key", "uwsgi_cache_bypass", "uwsgi_no_cache", "uwsgi_cache_valid",
        "uwsgi_cache_min_uses", "uwsgi_cache_max_range_offset", "uwsgi_cache_use_stale",
        "uwsgi_cache_methods", "uwsgi_cache_lock", "uwsgi_cache_lock_timeout", "uwsgi_cache_lock_age",
        "uwsgi_cache_revalidate", "uwsgi_cache_background_update", "uwsgi_temp_path",
        "uwsgi_max_temp_file_size", "uwsgi_temp_file_write_size", "uwsgi_next_upstream",
        "uwsgi_next_upstream_tries", "uwsgi_next_upstream_timeout", "uwsgi_param", "uwsgi_string",
        "uwsgi_pass_header", "uwsgi_hide_header", "uwsgi_ignore_headers", "uwsgi_ssl_session_reuse",
        "uwsgi_ssl_protocols", "uwsgi_ssl_ciphers", "uwsgi_ssl_name", "uwsgi_ssl_server_name",
        "uwsgi_ssl_verify", "uwsgi_ssl_verify_depth", "uwsgi_ssl_trusted_certificate", "uwsgi_ssl_crl",
        "uwsgi_ssl_certificate", "uwsgi_ssl_certificate_key", "uwsgi_ssl_password_file",
        "uwsgi_ssl_conf_command",
        // xslt
        "xml_entities", "xslt_param", "xslt_string_param", "xslt_types", "xslt_last_modified",
        // copy
        "output_buffers",
        // v2
        "http2_pool_size", "http2_max_concurrent_streams", "http2_max_concurrent_pushes",
        "http2_body_preread_size", "http2_streams_index_size", "http2_chunk_size", "http2_push_preload",
        "http2_push",
        // location-only, merged into nested locations
        "alias", "internal", "random_index",
        // server and location
        "valid_referers", "referer_hash_max_size", "referer_hash_bucket_size",
    ]

    /// Directives that share one setting in nginx: a block that has any of them takes none of
    /// them from above (`root` and `alias` are one path; `allow` and `deny` one list of rules).
    static let sharedSettings: [[String]] = [["root", "alias"], ["allow", "deny"]]

    /// The directives that share a setting with `name` (itself included).
    static func setting(of name: String) -> [String] {
        sharedSettings.first { $0.contains(name) } ?? [name]
    }

    /// Plain directives of nginx's core, event and http modules that are not inherited.
    static let notInherited: Set<String> = [
        "accept_mutex", "accept_mutex_delay", "acceptex_read", "break", "daemon", "debug_connection",
        "debug_points", "degradation", "devpoll_changes", "devpoll_events", "empty_gif", "env",
        "epoll_events", "eventport_events", "fastcgi_cache_path", "fastcgi_pass", "flv",
        "geoip_city", "geoip_country", "geoip_org", "geoip_proxy", "geoip_proxy_recursive", "grpc_pass",
        "hash", "http2_idle_timeout", "http2_max_field_size", "http2_max_header_size", "http2_max_requests",
        "http2_recv_buffer_size", "http2_recv_timeout", "image_filter", "include", "iocp_threads",
        "ip_hash", "keepalive", "kqueue_changes", "kqueue_events", "least_conn", "limit_conn_zone",
        "limit_req_zone", "listen", "load_module", "lock_file", "log_format", "map_hash_bucket_size",
        "map_hash_max_size", "master_process", "memcached_pass", "mp4", "multi_accept", "pcre_jit", "perl",
        "perl_modules", "perl_require", "perl_set", "pid", "post_acceptex", "proxy_cache_path",
        "proxy_pass", "random", "return", "rewrite", "scgi_cache_path", "scgi_pass", "server_name",
        "server_names_hash_bucket_size", "server_names_hash_max_size", "set", "ssl_engine", "stub_status",
        "thread_pool", "timer_resolution", "try_files", "use", "user", "uwsgi_cache_path",
        "uwsgi_pass", "variables_hash_bucket_size", "variables_hash_max_size", "worker_aio_requests",
        "worker_connections", "worker_cpu_affinity", "worker_priority", "worker_processes",
        "worker_rlimit_core", "worker_rlimit_nofile", "worker_shutdown_timeout", "working_directory",
        "xslt_stylesheet", "zone",
    ]
}
