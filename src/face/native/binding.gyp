{
  "targets": [
    {
      "target_name": "damc_face",
      "sources": ["addon.c", "packet_socket.c", "psock_rx.c", "rx_ring.c", "link_monitor.c", "iface.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-std=gnu11"]
    }
  ]
}
