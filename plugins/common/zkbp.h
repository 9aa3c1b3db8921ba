/* The plugin support library (plugins/common, CMake target
 * zkb_plugin_support): what every framework adapter in this tree needs,
 * linked statically into each plugin with hidden symbols. Call zkbp_init
 * from zkb_plugin_init first. Adapters built outside this tree (see
 * examples/adapter_template) do without it. */
#ifndef ZKBP_H
#define ZKBP_H

#include "zkbp_cache.h"   /* built artifacts cached by content */
#include "zkbp_data.h"    /* the data directory and toolchain, relative to the plugin */
#include "zkbp_error.h"   /* zkbp_fail, zkbp_fmt */
#include "zkbp_field.h"   /* BN254 field elements in decimal: input files, public outputs */
#include "zkbp_files.h"   /* files, the scratch and cache dirs as absolute paths */
#include "zkbp_host.h"    /* zkbp_init, zkbp_host, ZKBP_HOST_HAS */
#include "zkbp_json.h"    /* a driver's JSON files */
#include "zkbp_model.h"   /* sizes and checks, weights, bit widths of the values */
#include "zkbp_options.h" /* set_option: strings, choices */
#include "zkbp_proc.h"    /* programs on PATH, running children, their versions */
#include "zkbp_source.h"  /* writing generated source text */

#endif
