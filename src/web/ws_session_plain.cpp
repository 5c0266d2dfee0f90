// ws_session over plain HTTP.
#include "ws_session.ipp"

namespace chatnode::web {

template class ws_session<plain_stream>;

}  // namespace chatnode::web
