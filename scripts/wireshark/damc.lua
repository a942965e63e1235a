-- Wireshark dissector for DAMC frames (EtherType 0x88B5), wire format version 1.
-- The format is src/wire/PROTOCOL.md; type numbers mirror src/wire/types.ts.
--
-- Load it once:   tshark -X lua_script:scripts/wireshark/damc.lua -r capture.pcap -V
-- or for good:    cp scripts/wireshark/damc.lua ~/.local/lib/wireshark/plugins/
-- Display filters: damc, damc.type == 0x10, damc.name == "/B/4/echo", damc.hop_limit < 3,
--                  damc.nack_reason == 1, damc.seq, damc.request_id == 42 ...

local damc = Proto("damc", "DAMC (Distributed Architecture for Microservices Communication)")

local MSG = {
  [0x01] = "Hello", [0x02] = "LSA", [0x03] = "LSA Ack", [0x04] = "DB Summary", [0x05] = "LSA Request",
  [0x06] = "Prefix Announcement", [0x07] = "Auth Request", [0x08] = "Auth Response",
  [0x09] = "QoS Telemetry", [0x0a] = "QoS Policy", [0x0b] = "Announcement Result",
  [0x10] = "Request", [0x11] = "Response", [0x12] = "Nack",
}
local LSA_KIND = { [1] = "adjacency", [2] = "prefix" }
local ACTION = { [1] = "announce", [2] = "refresh", [3] = "withdraw" }
local AUTH_REASON = { [0] = "other", [1] = "bad-signature", [2] = "not-authorized", [3] = "prefix-conflict", [4] = "expired", [5] = "malformed" }
local NACK_REASON = { [0] = "other", [1] = "no-route", [2] = "hop-limit", [3] = "rejected", [4] = "congestion", [5] = "unreachable" }
local BOOL = { [0] = "false", [1] = "true" }

-- kind: name | nni | bool | utf8 | bytes | nested | hop | enum
local DEF = {
  [0x13] = { "name", "Name", "name" },
  [0x14] = { "component", "Component", "bytes" },
  [0x15] = { "hop_limit", "Hop Limit", "hop" },
  [0x20] = { "router", "Router", "name" },
  [0x21] = { "interface", "Interface", "utf8" },
  [0x22] = { "hello_interval", "Hello Interval (ms)", "nni" },
  [0x23] = { "dead_interval", "Dead Interval (ms)", "nni" },
  [0x24] = { "lsa_kind", "LSA Kind", "enum", LSA_KIND },
  [0x25] = { "origin", "Origin", "name" },
  [0x26] = { "seq", "Sequence Number", "nni" },
  [0x27] = { "lifetime", "Lifetime (s)", "nni" },
  [0x28] = { "adjacency", "Adjacency", "nested" },
  [0x29] = { "prefix_entry", "Prefix Entry", "nested" },
  [0x2a] = { "cost", "Cost", "nni" },
  [0x2b] = { "signature", "Signature", "bytes" },
  [0x2c] = { "lsa_body", "LSA Body (signed)", "nested" },
  [0x2d] = { "lsa_header", "LSA Header", "nested" },
  [0x2e] = { "lsa_wanted", "LSA Wanted", "nested" },
  [0x2f] = { "last", "Last", "bool" },
  [0x30] = { "action", "Action", "enum", ACTION },
  [0x31] = { "pod", "Pod", "name" },
  [0x32] = { "public_key", "Public Key", "bytes" },
  [0x33] = { "timestamp", "Timestamp (ms)", "nni" },
  [0x34] = { "announcement_body", "Announcement Body (signed)", "nested" },
  [0x35] = { "request_id", "Request ID", "nni" },
  [0x36] = { "gateway", "Gateway", "name" },
  [0x37] = { "accepted", "Accepted", "bool" },
  [0x38] = { "reason", "Reason", "enum" }, -- table chosen by message: auth or nack
  [0x39] = { "reason_text", "Reason Text", "utf8" },
  [0x3a] = { "reporter", "Reporter", "name" },
  [0x3b] = { "time", "Time (ms)", "nni" },
  [0x3c] = { "qos_sample", "QoS Sample", "nested" },
  [0x3d] = { "target", "Target", "name" },
  [0x3e] = { "rtt_us", "RTT (us)", "nni" },
  [0x3f] = { "loss_ppm", "Loss (ppm)", "nni" },
  [0x40] = { "error_ppm", "Error Rate (ppm)", "nni" },
  [0x41] = { "healthy", "Healthy", "bool" },
  [0x42] = { "sample_count", "Sample Count", "nni" },
  [0x43] = { "policy_version", "Policy Version", "nni" },
  [0x44] = { "expires", "Expires (ms)", "nni" },
  [0x45] = { "policy_entry", "Policy Entry", "nested" },
  [0x46] = { "instance", "Instance", "nested" },
  [0x47] = { "nexthop", "Next Hop", "nested" },
  [0x48] = { "weight", "Weight", "nni" },
  [0x49] = { "requester", "Requester", "name" },
  [0x4a] = { "seg_index", "Segment Index", "nni" },
  [0x4b] = { "seg_count", "Segment Count", "nni" },
  [0x4c] = { "status", "Status", "nni" },
  [0x4d] = { "payload", "Payload", "bytes" },
  [0x56] = { "grant", "Grant", "nested" },
  [0x57] = { "lsa_part", "LSA Part", "nni" },
  [0x58] = { "grant_body", "Grant Body (signed)", "nested" },
  [0x5a] = { "authority", "Authority", "name" },
  [0x7b] = { "policy_body", "Policy Body (signed)", "nested" },
  -- service data plane (0x66-0x75): the SGs' reliable segments
  [0x66] = { "responder", "Responder", "name" },
  [0x67] = { "ack", "Ack", "nested" },
  [0x68] = { "ack_below", "Ack Below", "nni" },
  [0x6a] = { "ack_bits", "Ack Bits", "bytes" },
  [0x4e] = { "remaining_lifetime", "Remaining Lifetime (s)", "nni" },
}

local pf = {
  version = ProtoField.uint8("damc.version", "Version"),
  type = ProtoField.uint8("damc.type", "Message Type", base.HEX, MSG),
  length = ProtoField.uint32("damc.length", "Length"),
  auth_reason = ProtoField.uint32("damc.auth_reason", "Reason", base.DEC, AUTH_REASON),
  nack_reason = ProtoField.uint32("damc.nack_reason", "Reason", base.DEC, NACK_REASON),
  unknown = ProtoField.bytes("damc.unknown", "Unknown TLV"),
  padding = ProtoField.bytes("damc.padding", "Padding"),
}
for _, d in pairs(DEF) do
  local abbr, label, kind = "damc." .. d[1], d[2], d[3]
  if kind == "name" or kind == "utf8" then
    d.f = ProtoField.string(abbr, label)
  elseif kind == "nni" then
    d.f = ProtoField.uint64(abbr, label)
  elseif kind == "hop" then
    d.f = ProtoField.uint8(abbr, label)
  elseif kind == "bool" then
    d.f = ProtoField.uint8(abbr, label, base.DEC, BOOL)
  elseif kind == "enum" and d[4] then
    d.f = ProtoField.uint32(abbr, label, base.DEC, d[4])
  elseif kind == "bytes" then
    d.f = ProtoField.bytes(abbr, label)
  end
  if d.f then pf[d[1]] = d.f end
end
local list = {}
for _, f in pairs(pf) do list[#list + 1] = f end
damc.fields = list

local ef_malformed = ProtoExpert.new("damc.malformed", "Malformed DAMC frame", expert.group.MALFORMED, expert.severity.ERROR)
local ef_unknown = ProtoExpert.new("damc.unknown_type", "Unknown TLV type", expert.group.UNDECODED, expert.severity.WARN)
damc.experts = { ef_malformed, ef_unknown }

local function critical(t) return t < 32 or t % 2 == 1 end

-- VAR-NUMBER at offset o; returns value, size (nil if cut short or 8-byte).
local function varnum(tvb, o, limit)
  if o >= limit then return nil end
  local b = tvb(o, 1):uint()
  if b < 253 then return b, 1 end
  local n = (b == 253) and 2 or ((b == 254) and 4 or 8)
  if n == 8 or o + 1 + n > limit then return nil end
  return tvb(o + 1, n):uint(), 1 + n
end

-- NonNegativeInteger: returns a UInt64 (or nil for a bad length) and its text.
local function nni(range)
  local len = range:len()
  if len == 1 or len == 2 or len == 4 or len == 8 then
    local v = range:uint64()
    return v, tostring(v)
  end
  return nil, "bad length " .. len
end

local function component_text(range)
  if range:len() == 0 then return "..." end
  local out, periods = {}, true
  for i = 0, range:len() - 1 do
    local b = range(i, 1):uint()
    if b ~= 0x2e then periods = false end
    local c = string.char(b)
    if c:match("[A-Za-z0-9%-%._~]") then out[#out + 1] = c else out[#out + 1] = string.format("%%%02X", b) end
  end
  local s = table.concat(out)
  if periods then s = s .. "..." end
  return s
end

local function name_text(tvb, o, limit)
  local parts = {}
  while o < limit do
    local t, ts = varnum(tvb, o, limit); if not t then return nil end
    local l, ls = varnum(tvb, o + ts, limit); if not l then return nil end
    local v = o + ts + ls
    if v + l > limit then return nil end
    if t == 0x14 then parts[#parts + 1] = (l > 0) and component_text(tvb(v, l)) or "..." end
    o = v + l
  end
  return "/" .. table.concat(parts, "/")
end

-- Dissects the TLVs in [o, limit) into tree; ctx.msg is the message type (for reasons);
-- ctx.sum collects the first value of each field for the Info column.
local function tlvs(tvb, pinfo, tree, o, limit, ctx)
  while o < limit do
    local start = o
    local t, ts = varnum(tvb, o, limit)
    local l, ls
    if t then l, ls = varnum(tvb, o + ts, limit) end
    if not t or not l or o + ts + ls + l > limit then
      tree:add_proto_expert_info(ef_malformed, "TLV at offset " .. start .. " overruns its container")
      return false
    end
    local v = o + ts + ls
    local whole, value = tvb(start, ts + ls + l), tvb(v, l)
    local d = DEF[t]
    if MSG[t] then
      -- A nested message (the announcement inside an auth request).
      local sub = tree:add(damc, whole, MSG[t])
      sub:add(pf.type, tvb(start, ts), t)
      local inner = { msg = t, sum = ctx.sum }
      if not tlvs(tvb, pinfo, sub, v, v + l, inner) then return false end
    elseif not d then
      local item = tree:add(pf.unknown, whole)
      item:append_text(string.format(" type %d (0x%x), %d bytes, %s", t, t, l, critical(t) and "critical: receivers reject the frame" or "skippable"))
      item:add_proto_expert_info(ef_unknown)
    else
      local kind, text = d[3], nil
      if kind == "name" then
        text = name_text(tvb, v, v + l) or "(malformed name)"
        local item = tree:add(d.f, whole, text)
        local comps = item:add(damc, value, "Components")
        tlvs(tvb, pinfo, comps, v, v + l, ctx)
      elseif kind == "nested" then
        local sub = tree:add(damc, whole, d[2])
        if not tlvs(tvb, pinfo, sub, v, v + l, ctx) then return false end
      elseif kind == "nni" then
        local n
        n, text = nni(value)
        if n then tree:add(d.f, whole, n) else tree:add_proto_expert_info(ef_malformed, d[2] .. ": " .. text) end
      elseif kind == "hop" then
        if l == 1 then
          text = tostring(value:uint())
          tree:add(d.f, whole, value:uint())
        else
          tree:add_proto_expert_info(ef_malformed, "Hop Limit must be 1 byte")
        end
      elseif kind == "bool" then
        local b = (l == 1) and value:uint() or 255
        text = BOOL[b] or "bad"
        tree:add(d.f, whole, b)
      elseif kind == "enum" then
        local n = (l >= 1 and l <= 4) and value:uint() or 0
        if t == 0x38 then
          local isNack = ctx.msg == 0x12 -- auth-response and announcement-result use the auth reasons
          local names = isNack and NACK_REASON or AUTH_REASON
          text = names[n] or "other"
          tree:add(isNack and pf.nack_reason or pf.auth_reason, whole, n)
        else
          text = (d[4] and d[4][n]) or ("unknown " .. n)
          tree:add(d.f, whole, n)
        end
      elseif kind == "utf8" then
        text = value:string(ENC_UTF_8)
        tree:add(d.f, whole, text)
      elseif kind == "bytes" then
        -- The item covers the value only (bytes fields take their value from the range).
        local item = tree:add(d.f, value)
        if t == 0x14 then item:append_text(" (" .. component_text(value) .. ")") end
      end
      if text and ctx.sum[d[1]] == nil then ctx.sum[d[1]] = text end
    end
    o = v + l
  end
  return true
end

local function info(t, s)
  local function f(k, p) return s[k] and ((p or "") .. s[k]) or "" end
  if t == 0x01 then return f("router") .. f("interface", " on ")
  elseif t == 0x02 then return f("lsa_kind") .. " " .. f("origin") .. f("seq", " seq=") .. f("lsa_part", " part=") .. f("lifetime", " lifetime=")
  elseif t == 0x03 or t == 0x04 then return f("origin") .. f("seq", " seq=") .. f("last", " last=")
  elseif t == 0x05 then return f("lsa_kind") .. " " .. f("origin")
  elseif t == 0x06 then return f("action") .. " " .. f("name") .. f("pod", " by ")
  elseif t == 0x07 then return f("request_id", "id=") .. f("gateway", " gw=") .. f("action", " ") .. f("name", " ")
  elseif t == 0x08 then return f("request_id", "id=") .. f("accepted", " accepted=") .. f("reason", " ") .. f("name", " ")
  elseif t == 0x0b then return f("pod") .. f("accepted", " accepted=") .. f("reason", " ") .. f("name", " ")
  elseif t == 0x09 then return f("reporter") .. f("target", " target=") .. f("rtt_us", " rtt=") .. (s.rtt_us and "us" or "")
  elseif t == 0x0a then return f("origin") .. f("policy_version", " v") .. f("name", " ")
  elseif t == 0x10 or t == 0x11 then
    return f("name") .. f("request_id", " id=") .. f("hop_limit", " hop=") .. f("seg_index", " seg=") .. f("seg_count", "/") .. f("status", " status=")
  elseif t == 0x12 then return f("reason") .. " " .. f("name") .. f("request_id", " id=") .. f("hop_limit", " hop=")
  end
  return ""
end

function damc.dissector(tvb, pinfo, tree)
  local len = tvb:len()
  if len < 1 then return 0 end
  pinfo.cols.protocol = "DAMC"
  local root = tree:add(damc, tvb(), "DAMC")
  local ver = tvb(0, 1):uint()
  root:add(pf.version, tvb(0, 1))
  if ver ~= 1 then
    pinfo.cols.info = "DAMC version " .. ver .. " (unsupported)"
    root:add_proto_expert_info(ef_malformed, "unsupported version " .. ver)
    return len
  end
  local t, ts = varnum(tvb, 1, len)
  local l, ls
  if t then l, ls = varnum(tvb, 1 + ts, len) end
  if not t or not l or 1 + ts + ls + l > len then
    pinfo.cols.info = "DAMC (malformed)"
    root:add_proto_expert_info(ef_malformed, "message TLV cut short")
    return len
  end
  local v = 1 + ts + ls
  local mname = MSG[t] or string.format("Unknown message 0x%02x", t)
  root:append_text(", " .. mname)
  root:add(pf.type, tvb(1, ts), t)
  root:add(pf.length, tvb(1 + ts, ls), l)
  local ctx = { msg = t, sum = {} }
  if MSG[t] then tlvs(tvb, pinfo, root, v, v + l, ctx) end
  if v + l < len then root:add(pf.padding, tvb(v + l, len - v - l)) end
  pinfo.cols.info = mname .. " " .. info(t, ctx.sum)
  return len
end

DissectorTable.get("ethertype"):add(0x88b5, damc)
