/* Interface facts a face needs before it opens: index, MTU, MAC, flags; and the list of
 * interfaces of the current network namespace (so a wrong name can be answered with the
 * right ones). */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static bool get_name(napi_env env, napi_value v, char out[IF_NAMESIZE]) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, out, IF_NAMESIZE, &len) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "interface name must be a string");
    return false;
  }
  char probe[IF_NAMESIZE + 2];
  napi_get_value_string_utf8(env, v, probe, sizeof probe, &len);
  if (len == 0 || len >= IF_NAMESIZE) {
    napi_throw_error(env, "EINVAL", "interface name must have 1 to 15 characters");
    return false;
  }
  return true;
}

static int query(int fd, unsigned long req, struct ifreq *ifr, const char *name) {
  memset(ifr, 0, sizeof *ifr);
  memcpy(ifr->ifr_name, name, strnlen(name, IF_NAMESIZE - 1));
  return ioctl(fd, req, ifr);
}

static void set_num(napi_env env, napi_value obj, const char *key, double val) {
  napi_value v;
  napi_create_double(env, val, &v);
  napi_set_named_property(env, obj, key, v);
}

static void set_bool(napi_env env, napi_value obj, const char *key, bool val) {
  napi_value v;
  napi_get_boolean(env, val, &v);
  napi_set_named_property(env, obj, key, v);
}

/* interfaceInfo(name) -> { ifindex, mtu, mac: ArrayBuffer(6), up, running } or throws ENODEV. */
static napi_value interface_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[IF_NAMESIZE];
  if (argc < 1 || !get_name(env, argv[0], name)) return NULL;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, "socket", errno, "(AF_INET, for interface ioctls)");
    return NULL;
  }
  struct ifreq ifr;
  napi_value out;
  napi_create_object(env, &out);
  if (query(fd, SIOCGIFINDEX, &ifr, name) < 0) goto fail;
  set_num(env, out, "ifindex", ifr.ifr_ifindex);
  if (query(fd, SIOCGIFMTU, &ifr, name) < 0) goto fail;
  set_num(env, out, "mtu", ifr.ifr_mtu);
  if (query(fd, SIOCGIFFLAGS, &ifr, name) < 0) goto fail;
  set_bool(env, out, "up", (ifr.ifr_flags & IFF_UP) != 0);
  set_bool(env, out, "running", (ifr.ifr_flags & IFF_RUNNING) != 0);
  if (query(fd, SIOCGIFHWADDR, &ifr, name) < 0) goto fail;
  void *data;
  napi_value mac;
  napi_create_arraybuffer(env, 6, &data, &mac);
  memcpy(data, ifr.ifr_hwaddr.sa_data, 6);
  napi_set_named_property(env, out, "mac", mac);
  close(fd);
  return out;
fail:;
  int err = errno;
  close(fd);
  throw_errno(env, "ioctl", err, name);
  return NULL;
}

/* listInterfaces() -> string[] of the current network namespace. */
static napi_value list_interfaces(napi_env env, napi_callback_info info) {
  struct if_nameindex *all = if_nameindex();
  if (!all) {
    throw_errno(env, "if_nameindex", errno, NULL);
    return NULL;
  }
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  for (struct if_nameindex *p = all; p->if_index != 0; p++) {
    napi_value s;
    napi_create_string_utf8(env, p->if_name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, i++, s);
  }
  if_freenameindex(all);
  return arr;
}

/* setNetns(fd): moves the calling (main) thread into the network namespace the fd refers to
 * (an open /proc/<pid>/ns/net). Sockets created afterwards, and interface ioctls, belong to
 * that namespace; sockets created before keep theirs. A shared router process enters each
 * container's namespace to open its faces, then returns to its own (src/face/netns.ts). */
static napi_value set_netns(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, "EINVAL", "setNetns needs an open namespace file descriptor");
    return NULL;
  }
  if (setns(fd, CLONE_NEWNET) < 0) {
    throw_errno(env, "setns", errno, "(CLONE_NEWNET)");
    return NULL;
  }
  return NULL;
}

napi_value iface_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"interfaceInfo", NULL, interface_info, NULL, NULL, NULL, napi_default, NULL},
      {"listInterfaces", NULL, list_interfaces, NULL, NULL, NULL, napi_default, NULL},
      {"setNetns", NULL, set_netns, NULL, NULL, NULL, napi_default, NULL},
  };
  NAPI_OK(env, napi_define_properties(env, exports, 3, props));
  return exports;
}
