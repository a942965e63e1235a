/* Shared helpers of the damc_face addon: N-API error plumbing and the per-file init hooks. */
#ifndef DAMC_FACE_COMMON_H
#define DAMC_FACE_COMMON_H

#include <node_api.h>

/* Throws a JS Error whose .code is the errno name (ENODEV, EPERM, ...) and .syscall names the
 * call that failed, so the TypeScript side can turn it into a LabError with a hint. */
void throw_errno(napi_env env, const char *syscall, int err, const char *detail);

#define NAPI_OK(env, call)                                         \
  do {                                                             \
    if ((call) != napi_ok) {                                       \
      const napi_extended_error_info *info_;                       \
      napi_get_last_error_info((env), &info_);                     \
      bool pending_;                                               \
      napi_is_exception_pending((env), &pending_);                 \
      if (!pending_)                                               \
        napi_throw_error((env), "EADDON", info_->error_message     \
                                              ? info_->error_message \
                                              : "N-API call failed"); \
      return NULL;                                                 \
    }                                                              \
  } while (0)

napi_value packet_socket_init(napi_env env, napi_value exports);
napi_value link_monitor_init(napi_env env, napi_value exports);
napi_value iface_init(napi_env env, napi_value exports);

/* Calls fn(args) from a libuv callback: opens a handle scope, runs the JS through
 * napi_make_callback (so process.nextTick and promise jobs run after it) and turns a thrown
 * exception into an uncaught exception instead of swallowing it. */
void call_js_from_uv(napi_env env, napi_async_context ctx, napi_ref recv_ref, napi_ref fn_ref,
                     size_t argc, napi_value *argv);

#endif
