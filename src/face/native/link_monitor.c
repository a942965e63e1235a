/* LinkMonitor: a NETLINK_ROUTE socket subscribed to RTMGRP_LINK, polled by libuv. Every
 * readable wake drains the socket and calls JS once with [[ifname, flags, ifindex, deleted],
 * ...]; flags are the kernel's ifi_flags (IFF_UP, IFF_RUNNING, IFF_LOWER_UP, ...). When the
 * kernel overflowed our buffer (ENOBUFS) events were lost, and JS is called with null so it
 * can re-read the state of the interfaces it cares about. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "common.h"

typedef struct {
  napi_env env;
  int fd;
  uv_poll_t poll;
  bool closed, handle_closed, wrapper_gone;
  napi_ref self_ref, on_events;
  napi_async_context ctx;
  char buf[65536];
} lmon;

static void maybe_free(lmon *m) {
  if (m->handle_closed && m->wrapper_gone) free(m);
}

static void on_handle_closed(uv_handle_t *h) {
  lmon *m = h->data;
  m->handle_closed = true;
  maybe_free(m);
}

/* One RTM_NEWLINK/RTM_DELLINK message; skipped (returns false) when it is too short for its
 * ifinfomsg or carries no usable IFLA_IFNAME. Every length is checked against the message:
 * RTA_OK bounds each attribute by what is left of it, and the name is read only within its
 * attribute's payload (the kernel NUL-terminates it; nothing here relies on that). */
static bool push_event(napi_env env, napi_value arr, uint32_t *n, struct nlmsghdr *nh) {
  if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) return false;
  struct ifinfomsg *ifi = NLMSG_DATA(nh);
  const char *name = NULL;
  size_t name_len = 0;
  int len = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof *ifi));
  for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type != IFLA_IFNAME) continue;
    size_t payload = RTA_PAYLOAD(a);
    name = RTA_DATA(a);
    name_len = strnlen(name, payload < IF_NAMESIZE ? payload : IF_NAMESIZE);
  }
  if (!name || name_len == 0) return false;
  napi_value ev, v;
  napi_create_array_with_length(env, 4, &ev);
  napi_create_string_utf8(env, name, name_len, &v);
  napi_set_element(env, ev, 0, v);
  napi_create_uint32(env, ifi->ifi_flags, &v);
  napi_set_element(env, ev, 1, v);
  napi_create_int32(env, ifi->ifi_index, &v);
  napi_set_element(env, ev, 2, v);
  napi_get_boolean(env, nh->nlmsg_type == RTM_DELLINK, &v);
  napi_set_element(env, ev, 3, v);
  napi_set_element(env, arr, (*n)++, ev);
  return true;
}

/* Every link event in len bytes of netlink messages; NLMSG_OK stops at a header that claims
 * more than is left, so a truncated or lying message ends the batch instead of overrunning. */
static uint32_t parse_messages(napi_env env, napi_value arr, uint32_t n, const char *buf, int len) {
  for (const struct nlmsghdr *nh = (const struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
    if (nh->nlmsg_type == RTM_NEWLINK || nh->nlmsg_type == RTM_DELLINK)
      push_event(env, arr, &n, (struct nlmsghdr *)nh);
  }
  return n;
}

/* parseLinkMessages(bytes: Uint8Array) -> events: the monitor's own parser over given bytes,
 * so tests can feed it malformed messages the kernel would never send. */
static napi_value parse_link_messages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool is_ta = false;
  napi_typedarray_type t;
  size_t blen = 0;
  void *data = NULL;
  napi_value ab;
  size_t boff;
  if (argc >= 1) NAPI_OK(env, napi_is_typedarray(env, argv[0], &is_ta));
  if (is_ta) NAPI_OK(env, napi_get_typedarray_info(env, argv[0], &t, &blen, &data, &ab, &boff));
  if (!is_ta || t != napi_uint8_array) {
    napi_throw_type_error(env, "EINVAL", "parseLinkMessages: bytes must be a Uint8Array");
    return NULL;
  }
  /* Aligned private copy: netlink headers are read as structs. */
  char *copy = malloc(blen ? blen : 1);
  if (!copy) {
    throw_errno(env, "malloc", ENOMEM, NULL);
    return NULL;
  }
  memcpy(copy, data, blen);
  napi_value arr;
  NAPI_OK(env, napi_create_array(env, &arr));
  parse_messages(env, arr, 0, copy, (int)blen);
  free(copy);
  return arr;
}

static void on_poll(uv_poll_t *h, int status, int events) {
  lmon *m = h->data;
  if (m->closed) return;
  napi_env env = m->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t n = 0;
  bool overflow = false;
  if (status < 0) {
    /* EPOLLERR (the kernel overflowed our buffer: sk_err = ENOBUFS) made libuv stop the
     * handle: clear the error, poll again and let JS re-read the state it lost. */
    int err = 0;
    socklen_t elen = sizeof err;
    getsockopt(m->fd, SOL_SOCKET, SO_ERROR, &err, &elen);
    uv_poll_start(&m->poll, UV_READABLE, on_poll);
    overflow = true;
  }
  for (;;) {
    ssize_t got = recv(m->fd, m->buf, sizeof m->buf, MSG_DONTWAIT);
    if (got < 0) {
      if (errno == ENOBUFS) { overflow = true; continue; }
      break;
    }
    n = parse_messages(env, arr, n, m->buf, (int)got);
  }
  napi_value argv[1];
  if (overflow) napi_get_null(env, &argv[0]);
  else argv[0] = arr;
  if (overflow || n > 0) call_js_from_uv(env, m->ctx, m->self_ref, m->on_events, 1, argv);
  napi_close_handle_scope(env, scope);
}

static napi_value close_monitor(napi_env env, napi_callback_info info) {
  napi_value self;
  void *p = NULL;
  size_t argc = 0;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, NULL, &self, NULL));
  NAPI_OK(env, napi_unwrap(env, self, &p));
  lmon *m = p;
  if (!m || m->closed) return NULL;
  m->closed = true;
  uv_poll_stop(&m->poll);
  close(m->fd);
  uv_close((uv_handle_t *)&m->poll, on_handle_closed);
  napi_delete_reference(env, m->on_events);
  napi_async_destroy(env, m->ctx);
  napi_reference_unref(env, m->self_ref, NULL);
  return NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  lmon *m = data;
  if (!m->closed) { /* environment teardown: leave the still-linked handle's memory */
    m->closed = true;
    close(m->fd);
    return;
  }
  napi_delete_reference(env, m->self_ref);
  m->wrapper_gone = true;
  maybe_free(m);
}

/* new LinkMonitor(onEvents(events | null)) */
static napi_value construct(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], self;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) {
    throw_errno(env, "socket", errno, "(AF_NETLINK, NETLINK_ROUTE)");
    return NULL;
  }
  int rcvbuf = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_nl snl;
  memset(&snl, 0, sizeof snl);
  snl.nl_family = AF_NETLINK;
  snl.nl_groups = RTMGRP_LINK;
  if (bind(fd, (struct sockaddr *)&snl, sizeof snl) < 0) {
    int err = errno;
    close(fd);
    throw_errno(env, "bind", err, "(NETLINK_ROUTE, RTMGRP_LINK)");
    return NULL;
  }
  lmon *m = calloc(1, sizeof *m);
  if (!m) {
    close(fd);
    throw_errno(env, "malloc", ENOMEM, NULL);
    return NULL;
  }
  m->env = env;
  m->fd = fd;
  uv_loop_t *loop;
  NAPI_OK(env, napi_get_uv_event_loop(env, &loop));
  int rc = uv_poll_init(loop, &m->poll, fd);
  if (rc != 0) {
    close(fd);
    free(m);
    napi_throw_error(env, "EIO", uv_strerror(rc));
    return NULL;
  }
  m->poll.data = m;
  napi_value name;
  napi_create_string_utf8(env, "damc:links", NAPI_AUTO_LENGTH, &name);
  NAPI_OK(env, napi_async_init(env, self, name, &m->ctx));
  NAPI_OK(env, napi_create_reference(env, argv[0], 1, &m->on_events));
  NAPI_OK(env, napi_wrap(env, self, m, finalize, NULL, NULL));
  NAPI_OK(env, napi_create_reference(env, self, 1, &m->self_ref));
  uv_poll_start(&m->poll, UV_READABLE, on_poll);
  return self;
}

napi_value link_monitor_init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"close", NULL, close_monitor, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value cls;
  NAPI_OK(env, napi_define_class(env, "LinkMonitor", NAPI_AUTO_LENGTH, construct, NULL, 1,
                                 methods, &cls));
  NAPI_OK(env, napi_set_named_property(env, exports, "LinkMonitor", cls));
  napi_value parse;
  NAPI_OK(env, napi_create_function(env, "parseLinkMessages", NAPI_AUTO_LENGTH, parse_link_messages, NULL, &parse));
  NAPI_OK(env, napi_set_named_property(env, exports, "parseLinkMessages", parse));
  return exports;
}
