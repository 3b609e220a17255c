/* Empty on purpose: the first compile of BoringSSL (third_party/boringssl/CMakeLists.txt)
   keeps C symbol names; prefix_symbols.py renames them in the archives afterwards. */
