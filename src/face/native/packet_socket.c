/* PacketSocket: one AF_PACKET SOCK_RAW socket bound to one interface and EtherType 0x88B5.
 *
 * Receive: a uv_poll handle wakes us when the socket is readable; each wake drains it (with
 * recvmmsg, or from the optional TPACKET_V3 ring; see psock_rx.c) and hands every batch to JS
 * in ONE call with a fresh ArrayBuffer, never reused, so JS may keep views into it.
 * Send: JS packs frames into a buffer and calls sendBatch once per event-loop turn; we push
 * them with sendmmsg. When the socket buffer is full (EAGAIN, e.g. behind a netem qdisc) we
 * stop, report how many were consumed and call onWritable when the socket drains.
 * The qdisc is NOT bypassed (PACKET_QDISC_BYPASS off) so tc netem impairments apply. */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "psock.h"

static void maybe_free(psock *s) {
  if (s->handle_closed && s->wrapper_gone) {
    rx_ring_unmap(&s->ring);
    free(s->slab);
    free(s);
  }
}

static void on_handle_closed(uv_handle_t *h) {
  psock *s = h->data;
  s->handle_closed = true;
  maybe_free(s);
}

static void read_kernel_drops(psock *s) {
  struct tpacket_stats st;
  socklen_t len = sizeof st;
  /* The kernel resets these counters on every read, so we accumulate. */
  if (s->fd >= 0 && getsockopt(s->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
    s->rx_drops += st.tp_drops;
}

static void update_poll(psock *s);

static void on_poll(uv_poll_t *h, int status, int events) {
  psock *s = h->data;
  if (s->closed) return;
  if (status < 0) {
    /* libuv stops a poll handle that saw EPOLLERR (here: sk_err = ENETDOWN when the link went
     * down). Clear the socket error and poll again, or the face would go deaf after a flap. */
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    s->rx_errors++;
    update_poll(s);
    events = UV_READABLE;
  }
  if (events & UV_WRITABLE) {
    s->events &= ~UV_WRITABLE;
    update_poll(s);
    napi_handle_scope scope;
    napi_open_handle_scope(s->env, &scope);
    call_js_from_uv(s->env, s->ctx, s->self_ref, s->on_writable, 0, NULL);
    napi_close_handle_scope(s->env, scope);
  }
  if ((events & UV_READABLE) && !s->closed) {
    if (!s->ring.map) psock_receive(s);
    else if (s->ring.version == TPACKET_V2) psock_receive_ring2(s);
    else psock_receive_ring(s);
  }
}

static void update_poll(psock *s) {
  if (!s->closed) uv_poll_start(&s->poll, s->events, on_poll);
}

static psock *unwrap(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv,
                     bool allow_closed) {
  napi_value self;
  void *p = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok ||
      napi_unwrap(env, self, &p) != napi_ok || !p) {
    napi_throw_error(env, "EINVAL", "not a PacketSocket");
    return NULL;
  }
  psock *s = p;
  if (s->closed && !allow_closed) {
    throw_errno(env, "PacketSocket", EBADF, "(socket is closed)");
    return NULL;
  }
  return s;
}

/* sendBatch(buf: Uint8Array, lens: Uint32Array, count) -> frames consumed (sent or failed).
 * Frames lie back to back in buf. Stops early only on EAGAIN (then onWritable follows). */
static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  psock *s = unwrap(env, info, &argc, argv, false);
  if (!s) return NULL;
  uint8_t *buf;
  uint32_t *lens;
  size_t blen, llen;
  uint32_t count;
  napi_typedarray_type t;
  napi_value ab;
  size_t boff;
  bool is_ta;
  /* Lengths are element counts: a buf that is not bytes, or lens that are not 32-bit, would
   * make the bound checks below wrong and read past the caller's memory. */
  NAPI_OK(env, napi_is_typedarray(env, argv[0], &is_ta));
  if (is_ta) NAPI_OK(env, napi_get_typedarray_info(env, argv[0], &t, &blen, (void **)&buf, &ab, &boff));
  if (!is_ta || t != napi_uint8_array) {
    napi_throw_type_error(env, "EINVAL", "sendBatch: buf must be a Uint8Array");
    return NULL;
  }
  NAPI_OK(env, napi_is_typedarray(env, argv[1], &is_ta));
  if (is_ta) NAPI_OK(env, napi_get_typedarray_info(env, argv[1], &t, &llen, (void **)&lens, &ab, &boff));
  if (!is_ta || t != napi_uint32_array) {
    napi_throw_type_error(env, "EINVAL", "sendBatch: lens must be a Uint32Array");
    return NULL;
  }
  NAPI_OK(env, napi_get_value_uint32(env, argv[2], &count));
  if (count > llen) count = llen;
  uint32_t done = 0;
  size_t off = 0;
  while (done < count) {
    uint32_t chunk = count - done < TX_BATCH ? count - done : TX_BATCH;
    size_t o = off;
    for (uint32_t i = 0; i < chunk; i++) {
      uint32_t len = lens[done + i];
      if (o + len > blen) { chunk = i; break; }
      s->siov[i].iov_base = buf + o;
      s->siov[i].iov_len = len;
      memset(&s->smsg[i].msg_hdr, 0, sizeof s->smsg[i].msg_hdr);
      s->smsg[i].msg_hdr.msg_iov = &s->siov[i];
      s->smsg[i].msg_hdr.msg_iovlen = 1;
      o += len;
    }
    if (chunk == 0) break;
    int n = sendmmsg(s->fd, s->smsg, chunk, MSG_DONTWAIT);
    if (n < 0) {
      int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) {
        s->events |= UV_WRITABLE;
        update_poll(s);
        break;
      }
      /* This frame cannot go (link down, too big, no buffer): count it and move on. */
      s->tx_errors++;
      s->last_tx_errno = err;
      off += lens[done];
      done++;
      continue;
    }
    for (int i = 0; i < n; i++) {
      s->tx_bytes += lens[done + i];
      off += lens[done + i];
    }
    s->tx_frames += n;
    done += n;
  }
  napi_value out;
  napi_create_uint32(env, done, &out);
  return out;
}

/* stats() -> Float64Array [rxFrames, rxBytes, txFrames, txBytes, rxKernelDrops, txErrors,
 *                          rxTruncated, rxOwn, rxErrors, lastTxErrno, rcvbufBytes, rxNoMemory] */
static napi_value stats(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  psock *s = unwrap(env, info, &argc, NULL, true);
  if (!s) return NULL;
  read_kernel_drops(s);
  int rcvbuf = 0;
  socklen_t rlen = sizeof rcvbuf;
  if (s->fd >= 0) getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &rlen);
  double v[] = {s->rx_frames, s->rx_bytes,     s->tx_frames, s->tx_bytes,  s->rx_drops,
                s->tx_errors, s->rx_truncated, s->rx_own,    s->rx_errors, s->last_tx_errno,
                rcvbuf,       s->rx_nomem};
  void *data;
  napi_value ab, arr;
  NAPI_OK(env, napi_create_arraybuffer(env, sizeof v, &data, &ab));
  memcpy(data, v, sizeof v);
  NAPI_OK(env, napi_create_typedarray(env, napi_float64_array, sizeof v / sizeof v[0], ab, 0, &arr));
  return arr;
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  napi_value self;
  void *p = NULL;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, NULL, &self, NULL));
  NAPI_OK(env, napi_unwrap(env, self, &p));
  psock *s = p;
  if (!s || s->closed) return NULL;
  read_kernel_drops(s); /* keep the last counts readable after close */
  s->closed = true;
  uv_poll_stop(&s->poll);
  close(s->fd);
  s->fd = -1;
  uv_close((uv_handle_t *)&s->poll, on_handle_closed);
  napi_delete_reference(env, s->on_frames);
  napi_delete_reference(env, s->on_writable);
  napi_async_destroy(env, s->ctx);
  /* The open socket pinned its JS wrapper (so a forgotten face keeps receiving); let it go. */
  napi_reference_unref(env, s->self_ref, NULL);
  return NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  psock *s = data;
  if (!s->closed) { /* only at environment teardown: the handle may still be linked into the
                      * loop, so close the fd and leave the memory be */
    s->closed = true;
    close(s->fd);
    return;
  }
  napi_delete_reference(env, s->self_ref);
  s->wrapper_gone = true;
  maybe_free(s);
}

static int set_int(int fd, int level, int opt, int val) {
  return setsockopt(fd, level, opt, &val, sizeof val);
}

/* new PacketSocket(ifindex, slotSize, rcvbuf, sndbuf, onFrames(ab, count), onWritable(),
 *                  ringBytes, ringTimeoutMs[, ringVersion 3 (default) or 2]) */
static napi_value construct(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9], self;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  if (argc < 8) {
    napi_throw_type_error(env, "EINVAL", "PacketSocket needs 8 arguments");
    return NULL;
  }
  int32_t ifindex, slot, rcvbuf, sndbuf, ring_bytes, tov_ms;
  NAPI_OK(env, napi_get_value_int32(env, argv[6], &ring_bytes));
  NAPI_OK(env, napi_get_value_int32(env, argv[7], &tov_ms));
  int32_t ring_version = 3;
  if (argc >= 9) NAPI_OK(env, napi_get_value_int32(env, argv[8], &ring_version));
  if (ring_version != 2 && ring_version != 3) {
    napi_throw_range_error(env, "EINVAL", "ring version must be 2 (TPACKET_V2) or 3 (TPACKET_V3)");
    return NULL;
  }
  NAPI_OK(env, napi_get_value_int32(env, argv[0], &ifindex));
  NAPI_OK(env, napi_get_value_int32(env, argv[1], &slot));
  NAPI_OK(env, napi_get_value_int32(env, argv[2], &rcvbuf));
  NAPI_OK(env, napi_get_value_int32(env, argv[3], &sndbuf));
  if (slot < ETH_HLEN || slot > 65536 + 64) {
    napi_throw_range_error(env, "EINVAL", "slot size must be 14..65600");
    return NULL;
  }
  /* Protocol 0 at creation: nothing is queued until bind() names the interface and type. */
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    throw_errno(env, "socket", errno, "(AF_PACKET, SOCK_RAW)");
    return NULL;
  }
  /* Root in the init namespace may exceed rmem_max/wmem_max (FORCE); others get the cap. */
  if (set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf) < 0) set_int(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
  if (set_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, sndbuf) < 0) set_int(fd, SOL_SOCKET, SO_SNDBUF, sndbuf);
  set_int(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1); /* checked again per frame in deliver() */
  rx_ring ring = {0};
  if (ring_bytes > 0) {
    int err = ring_version == 2 ? rx_ring2_setup(fd, ring_bytes, slot, &ring)
                                : rx_ring_setup(fd, ring_bytes, slot, tov_ms > 0 ? tov_ms : 1, &ring);
    if (err) {
      close(fd);
      throw_errno(env, "setsockopt", err, ring_version == 2 ? "(PACKET_RX_RING, TPACKET_V2)" : "(PACKET_RX_RING, TPACKET_V3)");
      return NULL;
    }
  }
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(0x88B5);
  sll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    int err = errno;
    rx_ring_unmap(&ring);
    close(fd);
    throw_errno(env, "bind", err, "(AF_PACKET to interface)");
    return NULL;
  }
  psock *s = calloc(1, sizeof *s);
  uint8_t *slab = malloc((size_t)slot * (ring.map ? 1 : RX_BATCH));
  if (!s || !slab) {
    free(s);
    free(slab);
    rx_ring_unmap(&ring);
    close(fd);
    throw_errno(env, "malloc", ENOMEM, NULL);
    return NULL;
  }
  s->env = env;
  s->fd = fd;
  s->slot = slot;
  s->slab = slab;
  s->ring = ring;
  for (int i = 0; i < RX_BATCH && !ring.map; i++) {
    s->riov[i].iov_base = slab + (size_t)i * slot;
    s->riov[i].iov_len = slot;
    s->rmsg[i].msg_hdr.msg_iov = &s->riov[i];
    s->rmsg[i].msg_hdr.msg_iovlen = 1;
    s->rmsg[i].msg_hdr.msg_name = &s->raddr[i];
  }
  int rc;
  uv_loop_t *loop;
  NAPI_OK(env, napi_get_uv_event_loop(env, &loop));
  rc = uv_poll_init(loop, &s->poll, fd);
  if (rc != 0) {
    close(fd);
    free(slab);
    rx_ring_unmap(&ring);
    free(s);
    napi_throw_error(env, "EIO", uv_strerror(rc));
    return NULL;
  }
  s->poll.data = s;
  napi_value name;
  napi_create_string_utf8(env, "damc:face", NAPI_AUTO_LENGTH, &name);
  NAPI_OK(env, napi_async_init(env, self, name, &s->ctx));
  NAPI_OK(env, napi_create_reference(env, argv[4], 1, &s->on_frames));
  NAPI_OK(env, napi_create_reference(env, argv[5], 1, &s->on_writable));
  NAPI_OK(env, napi_wrap(env, self, s, finalize, NULL, NULL));
  NAPI_OK(env, napi_create_reference(env, self, 1, &s->self_ref));
  s->events = UV_READABLE;
  update_poll(s);
  return self;
}

napi_value packet_socket_init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"sendBatch", NULL, send_batch, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, stats, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value cls;
  NAPI_OK(env, napi_define_class(env, "PacketSocket", NAPI_AUTO_LENGTH, construct, NULL, 3,
                                 methods, &cls));
  NAPI_OK(env, napi_set_named_property(env, exports, "PacketSocket", cls));
  return exports;
}
