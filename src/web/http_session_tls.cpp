// http_session over HTTPS (--tls).
#include "http_session.ipp"

namespace chatnode::web {

template class http_session<tls_stream>;

}  // namespace chatnode::web
