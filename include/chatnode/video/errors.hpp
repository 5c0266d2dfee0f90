// Failures of the video pipeline, as error values.
#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace chatnode::video {

enum class errc {
  undecodable = 1,  ///< not a JPEG, or a damaged one
  unsupported,      ///< a JPEG we do not decode (progressive CMYK, 12-bit, ...)
};

const boost::system::error_category& error_category();

inline boost::system::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace chatnode::video

template <>
struct boost::system::is_error_code_enum<chatnode::video::errc> : std::true_type {};
