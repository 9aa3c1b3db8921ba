/* The layout of every ABI struct, as one list compiled by a C11 and a C++17
 * translation unit; layout_main.c checks that both compilers agree. */
#ifndef ZKB_ABI_LAYOUT_H
#define ZKB_ABI_LAYOUT_H

#include <stddef.h>

#include "zkmlbench/zkb_plugin.h"
#include "zkmlbench/zkmlbench.h"

#define ZKB_LAYOUT_STRUCT(X, T) X(#T, sizeof(T)) X(#T " align", alignof(T))
#define ZKB_LAYOUT_MEMBER(X, T, m) X(#T "." #m, offsetof(T, m))

#define ZKB_LAYOUT_ENTRIES(X)                                                    \
    ZKB_LAYOUT_STRUCT(X, zkb_quant)                                              \
    ZKB_LAYOUT_MEMBER(X, zkb_quant, rounding)                                    \
    ZKB_LAYOUT_STRUCT(X, zkb_layer_desc)                                         \
    ZKB_LAYOUT_MEMBER(X, zkb_layer_desc, weights)                                \
    ZKB_LAYOUT_MEMBER(X, zkb_layer_desc, n_weights)                              \
    ZKB_LAYOUT_MEMBER(X, zkb_layer_desc, bias)                                   \
    ZKB_LAYOUT_MEMBER(X, zkb_layer_desc, n_bias)                                 \
    ZKB_LAYOUT_MEMBER(X, zkb_layer_desc, pad_top)                                \
    ZKB_LAYOUT_MEMBER(X, zkb_layer_desc, pad_right)                              \
    ZKB_LAYOUT_STRUCT(X, zkb_model_desc)                                         \
    ZKB_LAYOUT_MEMBER(X, zkb_model_desc, name)                                   \
    ZKB_LAYOUT_MEMBER(X, zkb_model_desc, in_c)                                   \
    ZKB_LAYOUT_MEMBER(X, zkb_model_desc, n_params)                               \
    ZKB_LAYOUT_MEMBER(X, zkb_model_desc, layers)                                 \
    ZKB_LAYOUT_MEMBER(X, zkb_model_desc, output_fn)                              \
    ZKB_LAYOUT_STRUCT(X, zkb_qlayer_desc)                                        \
    ZKB_LAYOUT_MEMBER(X, zkb_qlayer_desc, weights)                               \
    ZKB_LAYOUT_MEMBER(X, zkb_qlayer_desc, pool_divisor)                          \
    ZKB_LAYOUT_STRUCT(X, zkb_qmodel_desc)                                        \
    ZKB_LAYOUT_MEMBER(X, zkb_qmodel_desc, scale_factor)                          \
    ZKB_LAYOUT_MEMBER(X, zkb_qmodel_desc, layers)                                \
    ZKB_LAYOUT_STRUCT(X, zkb_sample)                                             \
    ZKB_LAYOUT_MEMBER(X, zkb_sample, x)                                          \
    ZKB_LAYOUT_MEMBER(X, zkb_sample, x_q)                                        \
    ZKB_LAYOUT_STRUCT(X, zkb_option_decl)                                        \
    ZKB_LAYOUT_MEMBER(X, zkb_option_decl, help)                                  \
    ZKB_LAYOUT_STRUCT(X, zkb_option_value)                                       \
    ZKB_LAYOUT_MEMBER(X, zkb_option_value, s)                                    \
    ZKB_LAYOUT_MEMBER(X, zkb_option_value, i)                                    \
    ZKB_LAYOUT_MEMBER(X, zkb_option_value, d)                                    \
    ZKB_LAYOUT_MEMBER(X, zkb_option_value, b)                                    \
    ZKB_LAYOUT_STRUCT(X, zkb_spawn_opts)                                         \
    ZKB_LAYOUT_MEMBER(X, zkb_spawn_opts, argv)                                   \
    ZKB_LAYOUT_MEMBER(X, zkb_spawn_opts, timeout_s)                              \
    ZKB_LAYOUT_STRUCT(X, zkb_spawn_result)                                       \
    ZKB_LAYOUT_MEMBER(X, zkb_spawn_result, wall_s)                               \
    ZKB_LAYOUT_MEMBER(X, zkb_spawn_result, peak_rss_bytes)                       \
    ZKB_LAYOUT_STRUCT(X, zkb_host_api)                                           \
    ZKB_LAYOUT_MEMBER(X, zkb_host_api, alloc)                                    \
    ZKB_LAYOUT_MEMBER(X, zkb_host_api, spawn)                                    \
    ZKB_LAYOUT_MEMBER(X, zkb_host_api, eval_fixed)                               \
    ZKB_LAYOUT_STRUCT(X, zkb_backend)                                            \
    ZKB_LAYOUT_MEMBER(X, zkb_backend, abi_major)                                 \
    ZKB_LAYOUT_MEMBER(X, zkb_backend, name)                                      \
    ZKB_LAYOUT_MEMBER(X, zkb_backend, options)                                   \
    ZKB_LAYOUT_MEMBER(X, zkb_backend, n_options)                                 \
    ZKB_LAYOUT_MEMBER(X, zkb_backend, option_decl_size)                          \
    ZKB_LAYOUT_MEMBER(X, zkb_backend, probe)                                     \
    ZKB_LAYOUT_MEMBER(X, zkb_backend, verify)                                    \
    ZKB_LAYOUT_MEMBER(X, zkb_backend, op_support)                                \
    X("ZKB_BACKEND_MIN_SIZE_V1", ZKB_BACKEND_MIN_SIZE_V1)                          \
    X("ZKB_OPTION_DECL_SIZE_V1_2", ZKB_OPTION_DECL_SIZE_V1_2)                      \
    X("enum zkb_status", sizeof(zkb_status))                                     \
    X("enum zkb_op", sizeof(zkb_op))                                             \
    X("enum zkb_output_fn", sizeof(zkb_output_fn))

typedef struct zkb_layout_entry {
    const char *what;
    size_t value;
} zkb_layout_entry;

#ifdef __cplusplus
extern "C" {
#endif
/* Number of entries; the table of each language. */
size_t zkb_layout_c(const zkb_layout_entry **out);
size_t zkb_layout_cxx(const zkb_layout_entry **out);
#ifdef __cplusplus
}
#endif

#endif
