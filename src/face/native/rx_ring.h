/* Optional receive path: a PACKET_MMAP TPACKET_V3 ring shared with the kernel. The kernel
 * copies frames into blocks in its softirq (on the sending CPU for a veth) and hands over a
 * whole block when it is full or its retire timer (tov_ms) fires, so a busy receiver makes no
 * system call per frame; the price is up to tov_ms of delay for a lone frame and the ring's
 * memory, pinned for the socket's life. */
#ifndef DAMC_FACE_RX_RING_H
#define DAMC_FACE_RX_RING_H

#include <linux/if_packet.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint8_t *map;
  size_t map_len;
  uint32_t block_size, block_nr, cur;
  /* TPACKET_V2 only: fixed frame slots, cur counts frames instead of blocks. */
  uint32_t frame_size, frame_nr;
  int version;
} rx_ring;

/* Sets PACKET_VERSION/PACKET_RX_RING on fd (before bind) and maps the ring. Returns 0 or an
 * errno. ring_bytes is rounded to whole blocks; max_frame bounds the block size from below. */
int rx_ring_setup(int fd, uint32_t ring_bytes, uint32_t max_frame, int tov_ms, rx_ring *r);
/* The block user space owns now, or NULL. */
struct tpacket_block_desc *rx_ring_ready(rx_ring *r);
/* Gives the current block back to the kernel and moves on. */
void rx_ring_release(rx_ring *r);
void rx_ring_unmap(rx_ring *r);

/* The per-frame alternative: a TPACKET_V2 ring of fixed slots (the smallest power of two that
 * holds max_frame and the kernel's header). Each frame is user space's as soon as the kernel has
 * copied it (no block timer: no added delay), and the socket polls readable while one waits. */
int rx_ring2_setup(int fd, uint32_t ring_bytes, uint32_t max_frame, rx_ring *r);
/* The frame at the ring's head if user space owns it, or NULL. */
struct tpacket2_hdr *rx_ring2_frame(rx_ring *r, uint32_t ahead);
/* Gives the head frame back to the kernel and moves on. */
void rx_ring2_release(rx_ring *r);

#endif
