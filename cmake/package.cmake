# What `cmake --install` puts where, and the Debian package made of it
# (tools/package.sh: cpack -G DEB in the release build makes
# chat-node_VERSION_ARCH.deb). Paths are Debian's: the binary in /usr/bin, the
# unit in /lib/systemd/system, its options in /etc/default/chat-node.

# The man page is made from --help and --version by help2man, so it cannot
# drift from them; packaging/chat_node.h2m adds what --help does not say.
find_program(CHATNODE_HELP2MAN help2man REQUIRED)
set(CHATNODE_MAN_PAGE ${PROJECT_BINARY_DIR}/chat_node.1)
add_custom_command(OUTPUT ${CHATNODE_MAN_PAGE}.gz
  COMMAND ${CHATNODE_HELP2MAN} --no-info --section 1 --name "live text and video chat between peers"
          --include ${PROJECT_SOURCE_DIR}/packaging/chat_node.h2m --output ${CHATNODE_MAN_PAGE} $<TARGET_FILE:chat_node>
  COMMAND gzip -9nf ${CHATNODE_MAN_PAGE}
  DEPENDS chat_node ${PROJECT_SOURCE_DIR}/packaging/chat_node.h2m
  COMMENT "chat_node.1 from chat_node --help"
  VERBATIM)
add_custom_target(man ALL DEPENDS ${CHATNODE_MAN_PAGE}.gz)

install(TARGETS chat_node RUNTIME DESTINATION bin)
# Where chat_node looks for it: ../lib/chat-node from /usr/bin.
install(TARGETS chatnode_videoio LIBRARY DESTINATION lib/chat-node)
install(FILES ${CHATNODE_MAN_PAGE}.gz DESTINATION share/man/man1)
install(FILES packaging/chat-node.service DESTINATION /lib/systemd/system)
# Read by root only: it may hold the secret.
install(FILES packaging/chat-node.default DESTINATION /etc/default RENAME chat-node
  PERMISSIONS OWNER_READ OWNER_WRITE)
install(FILES README.md docs/PROTOCOL.md docs/SECURITY.md docs/WEB.md DESTINATION share/doc/chat-node)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME chat-node)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "live text and video chat between peers")
# The package's long description; CPack puts the summary above it and indents it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "chat_node joins peers over one TCP connection for text and webcam video both
ways: a node listens, others connect, and a listener is a room that relays
its peers' text (exactly once, across reconnects) and video. It can run over
TLS 1.3 with pinned certificates, admit only peers that know a shared secret,
serve the chat as a web page, and talk to the teaching programs and nc.

The package holds the chat_node program, its manual page, and a systemd unit
(chat-node.service) configured in /etc/default/chat-node.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "chat_node maintainers <chat-node@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends: from the shared libraries the binary links (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/conffiles ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
