// http_session over plain HTTP.
#include "http_session.ipp"

namespace chatnode::web {

template class http_session<plain_stream>;

}  // namespace chatnode::web
