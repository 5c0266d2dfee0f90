# Compiles through ccache when it is installed, set up so that clones of the
# tree in different folders share their objects: paths under the tree are
# rewritten relative to it (base_dir), the working directory that -g records
# is left out of the hash (hash_dir), and the cache keeps to a fixed size.
# For the rewrite to suffice no compile line may name an absolute path of the
# tree in a definition: tests/support/paths.cpp holds the few the tests need.
# No precompiled headers either: a .gch records the absolute paths it was
# made from, so every object using it would miss in another clone.
find_program(CCACHE_PROGRAM ccache)
set(CHATNODE_CCACHE_MAXSIZE "2G" CACHE STRING "Size limit of the ccache that chat_node's builds use")
if(CCACHE_PROGRAM)
  set(_chatnode_launcher ${CMAKE_COMMAND} -E env
      CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CHATNODE_CCACHE_MAXSIZE}
      ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${_chatnode_launcher})
endif()
