#include "layout.h"

#define ENTRY(what, value) {what, value},
static const zkb_layout_entry entries[] = {ZKB_LAYOUT_ENTRIES(ENTRY)};

extern "C" size_t zkb_layout_cxx(const zkb_layout_entry **out)
{
    *out = entries;
    return sizeof entries / sizeof entries[0];
}
