/* TPACKET_V3 receive ring (see rx_ring.h). */
#include "rx_ring.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

/* Maps the ring the kernel just set up on fd: block_nr blocks of block bytes. */
static int map_ring(int fd, uint32_t block, uint32_t nr, int version, rx_ring *r) {
  size_t len = (size_t)block * nr;
  void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return errno;
  r->map = map;
  r->map_len = len;
  r->block_size = block;
  r->block_nr = nr;
  r->cur = 0;
  r->version = version;
  return 0;
}

int rx_ring_setup(int fd, uint32_t ring_bytes, uint32_t max_frame, int tov_ms, rx_ring *r) {
  int v = TPACKET_V3;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0) return errno;
  uint32_t block = 1 << 17; /* 128 KiB: ~700 small frames per wakeup */
  while (block < max_frame + 256) block <<= 1;
  uint32_t nr = ring_bytes / block;
  if (nr < 4) nr = 4;
  struct tpacket_req3 req;
  memset(&req, 0, sizeof req);
  req.tp_block_size = block;
  req.tp_block_nr = nr;
  req.tp_frame_size = 2048; /* V3 frames are variable; this only has to divide the block */
  req.tp_frame_nr = nr * (block / 2048);
  req.tp_retire_blk_tov = tov_ms;
  if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) return errno;
  return map_ring(fd, block, nr, TPACKET_V3, r);
}

struct tpacket_block_desc *rx_ring_ready(rx_ring *r) {
  struct tpacket_block_desc *bd = (void *)(r->map + (size_t)r->cur * r->block_size);
  return (__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) ? bd : NULL;
}

void rx_ring_release(rx_ring *r) {
  struct tpacket_block_desc *bd = (void *)(r->map + (size_t)r->cur * r->block_size);
  __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  r->cur = (r->cur + 1) % r->block_nr;
}

void rx_ring_unmap(rx_ring *r) {
  if (r->map) munmap(r->map, r->map_len);
  r->map = NULL;
}

int rx_ring2_setup(int fd, uint32_t ring_bytes, uint32_t max_frame, rx_ring *r) {
  int v = TPACKET_V2;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0) return errno;
  /* The frame lies at TPACKET_ALIGN(header + sockaddr_ll + 16) - 14 in its slot: 128 covers it. */
  uint32_t frame = 2048;
  while (frame < max_frame + 128) frame <<= 1;
  uint32_t block = frame > (1 << 16) ? frame : 1 << 16;
  uint32_t nr = ring_bytes / block;
  if (nr < 1) nr = 1;
  struct tpacket_req req;
  memset(&req, 0, sizeof req);
  req.tp_block_size = block;
  req.tp_block_nr = nr;
  req.tp_frame_size = frame;
  req.tp_frame_nr = nr * (block / frame);
  if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) return errno;
  r->frame_size = frame;
  r->frame_nr = req.tp_frame_nr;
  return map_ring(fd, block, nr, TPACKET_V2, r);
}

/* Blocks hold whole frames back to back (block % frame == 0), so frame i is at i * frame. */
struct tpacket2_hdr *rx_ring2_frame(rx_ring *r, uint32_t ahead) {
  uint32_t i = (r->cur + ahead) % r->frame_nr;
  struct tpacket2_hdr *h = (void *)(r->map + (size_t)i * r->frame_size);
  return (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) ? h : NULL;
}

void rx_ring2_release(rx_ring *r) {
  struct tpacket2_hdr *h = (void *)(r->map + (size_t)r->cur * r->frame_size);
  __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  r->cur = (r->cur + 1) % r->frame_nr;
}
