#include <stdalign.h>

#include "layout.h"

#define ENTRY(what, value) {what, value},
static const zkb_layout_entry entries[] = {ZKB_LAYOUT_ENTRIES(ENTRY)};

size_t zkb_layout_c(const zkb_layout_entry **out)
{
    *out = entries;
    return sizeof entries / sizeof entries[0];
}
