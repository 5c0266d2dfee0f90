// mjpeg_stream over HTTPS (--tls).
#include "mjpeg_stream.ipp"

namespace chatnode::web {

template class mjpeg_stream<tls_stream>;

}  // namespace chatnode::web
