// ws_session over HTTPS (--tls).
#include "ws_session.ipp"

namespace chatnode::web {

template class ws_session<tls_stream>;

}  // namespace chatnode::web
