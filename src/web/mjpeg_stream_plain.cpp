// mjpeg_stream over plain HTTP.
#include "mjpeg_stream.ipp"

namespace chatnode::web {

template class mjpeg_stream<plain_stream>;

}  // namespace chatnode::web
