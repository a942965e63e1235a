/* The two receive paths of a PacketSocket. Both hand JS one fresh ArrayBuffer per batch:
 * [u32 offset, u32 length] x count, then the frames (Ethernet header included); frames that
 * were truncated or are our own transmissions are counted and left out. */
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>

#include "psock.h"

/* Opens the buffer JS will get: [u32 offset, u32 length] x count, then the frames, and counts
 * the batch as received only then. NULL (scope already closed) when V8 could not allocate it:
 * those frames are dropped, and counted as that (rx_nomem), never as received. */
static uint8_t *batch_open(psock *s, uint32_t count, size_t bytes, napi_handle_scope *scope, napi_value *ab) {
  napi_open_handle_scope(s->env, scope);
  void *data;
  if (napi_create_arraybuffer(s->env, (size_t)count * 8 + bytes, &data, ab) != napi_ok) {
    napi_close_handle_scope(s->env, *scope);
    s->rx_nomem += count;
    return NULL;
  }
  s->rx_frames += count;
  s->rx_bytes += bytes;
  return data;
}

/* Copies frame k into the batch at *off and records it in the index. */
static void batch_put(uint8_t *data, uint32_t k, uint32_t *off, const void *frame, uint32_t len) {
  uint32_t *index = (uint32_t *)data;
  memcpy(data + *off, frame, len);
  index[k * 2] = *off;
  index[k * 2 + 1] = len;
  *off += len;
}

/* One JS call for the whole batch. */
static void batch_deliver(psock *s, uint32_t count, napi_value ab, napi_handle_scope scope) {
  napi_value argv[2];
  argv[0] = ab;
  napi_create_uint32(s->env, count, &argv[1]);
  call_js_from_uv(s->env, s->ctx, s->self_ref, s->on_frames, 2, argv);
  napi_close_handle_scope(s->env, scope);
}

static void deliver(psock *s, int n) {
  uint32_t count = 0, bytes = 0;
  for (int i = 0; i < n; i++) {
    uint32_t len = s->rmsg[i].msg_len;
    if (s->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC || len < ETH_HLEN) {
      s->rx_truncated++;
      s->rmsg[i].msg_len = 0;
    } else if (s->raddr[i].sll_pkttype == PACKET_OUTGOING) {
      s->rx_own++; /* only if PACKET_IGNORE_OUTGOING was refused */
      s->rmsg[i].msg_len = 0;
    } else {
      count++;
      bytes += len;
    }
  }
  if (count == 0) return;
  napi_handle_scope scope;
  napi_value ab;
  uint8_t *data = batch_open(s, count, bytes, &scope, &ab);
  if (!data) return;
  uint32_t off = count * 8, k = 0;
  for (int i = 0; i < n; i++) {
    if (s->rmsg[i].msg_len == 0) continue;
    batch_put(data, k++, &off, s->riov[i].iov_base, s->rmsg[i].msg_len);
  }
  batch_deliver(s, count, ab, scope);
}

void psock_receive(psock *s) {
  for (int round = 0; round < RX_ROUNDS && !s->closed; round++) {
    for (int i = 0; i < RX_BATCH; i++) {
      s->rmsg[i].msg_hdr.msg_namelen = sizeof s->raddr[i];
      s->rmsg[i].msg_hdr.msg_flags = 0;
    }
    int n = recvmmsg(s->fd, s->rmsg, RX_BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      /* EAGAIN: drained. ENETDOWN and friends: a one-shot socket error after a link flap. */
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) s->rx_errors++;
      return;
    }
    deliver(s, n);
    if (n < RX_BATCH) return;
  }
}

/* Ring mode: one JS call per block the kernel handed over; the block goes back to the kernel
 * as soon as it is copied, before JS runs, so the kernel can refill it meanwhile. */
void psock_receive_ring(psock *s) {
  for (uint32_t b = 0; b < s->ring.block_nr && !s->closed; b++) {
    struct tpacket_block_desc *bd = rx_ring_ready(&s->ring);
    if (!bd) return;
    uint32_t n = bd->hdr.bh1.num_pkts, count = 0;
    size_t bytes = 0;
    uint8_t *p = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
    for (uint32_t i = 0; i < n; i++, p += ((struct tpacket3_hdr *)p)->tp_next_offset) {
      struct tpacket3_hdr *h = (void *)p;
      struct sockaddr_ll *sll = (void *)(p + TPACKET_ALIGN(sizeof *h));
      if (h->tp_snaplen < h->tp_len || h->tp_snaplen < ETH_HLEN) s->rx_truncated++;
      else if (sll->sll_pkttype == PACKET_OUTGOING) s->rx_own++;
      else { count++; bytes += h->tp_snaplen; }
    }
    if (count == 0) { rx_ring_release(&s->ring); continue; }
    napi_handle_scope scope;
    napi_value ab;
    uint8_t *data = batch_open(s, count, bytes, &scope, &ab);
    if (!data) {
      rx_ring_release(&s->ring);
      return;
    }
    uint32_t off = count * 8, k = 0;
    p = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
    for (uint32_t i = 0; i < n; i++, p += ((struct tpacket3_hdr *)p)->tp_next_offset) {
      struct tpacket3_hdr *h = (void *)p;
      struct sockaddr_ll *sll = (void *)(p + TPACKET_ALIGN(sizeof *h));
      if (h->tp_snaplen < h->tp_len || h->tp_snaplen < ETH_HLEN || sll->sll_pkttype == PACKET_OUTGOING)
        continue;
      batch_put(data, k++, &off, p + h->tp_mac, h->tp_snaplen);
    }
    rx_ring_release(&s->ring);
    batch_deliver(s, count, ab, scope);
  }
}


/* Frame-ring mode (TPACKET_V2): up to RX_BATCH frames per JS call, each handed back to the
 * kernel as soon as it is copied, before JS runs. */
void psock_receive_ring2(psock *s) {
  for (int round = 0; round < RX_ROUNDS && !s->closed; round++) {
    uint32_t n = 0, count = 0;
    size_t bytes = 0;
    struct tpacket2_hdr *h;
    while (n < RX_BATCH && (h = rx_ring2_frame(&s->ring, n)) != NULL) {
      struct sockaddr_ll *sll = (void *)((uint8_t *)h + TPACKET_ALIGN(sizeof *h));
      if (h->tp_snaplen < h->tp_len || h->tp_snaplen < ETH_HLEN) s->rx_truncated++;
      else if (sll->sll_pkttype == PACKET_OUTGOING) s->rx_own++;
      else { count++; bytes += h->tp_snaplen; }
      n++;
    }
    if (n == 0) return;
    napi_handle_scope scope;
    napi_value ab;
    uint8_t *data = count ? batch_open(s, count, bytes, &scope, &ab) : NULL;
    uint32_t off = count * 8, k = 0;
    for (uint32_t i = 0; i < n; i++) {
      h = rx_ring2_frame(&s->ring, 0);
      struct sockaddr_ll *sll = (void *)((uint8_t *)h + TPACKET_ALIGN(sizeof *h));
      if (data && h->tp_snaplen >= h->tp_len && h->tp_snaplen >= ETH_HLEN && sll->sll_pkttype != PACKET_OUTGOING)
        batch_put(data, k++, &off, (uint8_t *)h + h->tp_mac, h->tp_snaplen);
      rx_ring2_release(&s->ring);
    }
    if (data) batch_deliver(s, count, ab, scope);
    if (n < RX_BATCH) return;
  }
}
