/* The PacketSocket's state, shared by packet_socket.c (lifecycle, poll, send) and
 * psock_rx.c (the two receive paths). */
#ifndef DAMC_FACE_PSOCK_H
#define DAMC_FACE_PSOCK_H

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "common.h"
#include "rx_ring.h"

#define RX_BATCH 128
#define RX_ROUNDS 8
#define TX_BATCH 256

typedef struct {
  napi_env env;
  int fd;
  uv_poll_t poll;
  int events;
  bool closed, handle_closed, wrapper_gone;
  napi_ref self_ref, on_frames, on_writable;
  napi_async_context ctx;
  uint32_t slot;
  uint8_t *slab;
  rx_ring ring; /* ring.map == NULL: recvmmsg mode */
  struct mmsghdr rmsg[RX_BATCH];
  struct iovec riov[RX_BATCH];
  struct sockaddr_ll raddr[RX_BATCH];
  struct mmsghdr smsg[TX_BATCH];
  struct iovec siov[TX_BATCH];
  double rx_frames, rx_bytes, tx_frames, tx_bytes, rx_drops, tx_errors, rx_truncated, rx_own,
      rx_errors, rx_nomem;
  int last_tx_errno;
} psock;

/* Drains the socket with recvmmsg: one JS call per recvmmsg batch. */
void psock_receive(psock *s);
/* Drains the TPACKET_V3 ring: one JS call per block. */
void psock_receive_ring(psock *s);
/* Drains the TPACKET_V2 frame ring: one JS call per up to RX_BATCH frames. */
void psock_receive_ring2(psock *s);

#endif
