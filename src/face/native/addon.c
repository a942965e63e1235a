/* Entry point of the damc_face addon: raw Ethernet frames over AF_PACKET and link-state
 * events over NETLINK_ROUTE, both driven by libuv poll handles on the Node event loop. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

static const char *errno_name(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case ENETDOWN: return "ENETDOWN";
    case EMSGSIZE: return "EMSGSIZE";
    case ENOBUFS: return "ENOBUFS";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EBADF: return "EBADF";
    default: return "EIO";
  }
}

void throw_errno(napi_env env, const char *syscall, int err, const char *detail) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s%s%s: %s", syscall, detail ? " " : "", detail ? detail : "",
           strerror(err));
  napi_value code, message, error, sys, num;
  napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, error, "syscall", sys);
  napi_create_int32(env, err, &num);
  napi_set_named_property(env, error, "errno", num);
  napi_throw(env, error);
}

void call_js_from_uv(napi_env env, napi_async_context ctx, napi_ref recv_ref, napi_ref fn_ref,
                     size_t argc, napi_value *argv) {
  napi_value recv, fn, result;
  if (napi_get_reference_value(env, recv_ref, &recv) != napi_ok ||
      napi_get_reference_value(env, fn_ref, &fn) != napi_ok)
    return;
  if (napi_make_callback(env, ctx, recv, fn, argc, argv, &result) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
}

static napi_value init(napi_env env, napi_value exports) {
  if (!packet_socket_init(env, exports)) return NULL;
  if (!link_monitor_init(env, exports)) return NULL;
  if (!iface_init(env, exports)) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
