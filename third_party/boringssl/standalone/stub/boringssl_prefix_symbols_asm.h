/* Empty on purpose: see boringssl_prefix_symbols.h next to this file. */
