// Preloaded with `node --require` by bench.py: resolves the one stand-in Gorgias
// host named in BENCH_GORGIAS_HOST (e.g. benchacct.gorgias.com) to 127.0.0.1, so
// that gorgias-mcp-server (which accepts only https://*.gorgias.com) reaches the
// local TLS upstream. Every other name goes to the real dns.lookup. No
// /etc/hosts edit, nothing outside this process.
"use strict";
const dns = require("node:dns");
const host = (process.env.BENCH_GORGIAS_HOST || "").toLowerCase();
const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = {};
  } else if (typeof options === "number") {
    options = { family: options };
  }
  if (host && String(hostname).toLowerCase() === host) {
    const answer = { address: "127.0.0.1", family: 4 };
    process.nextTick(() => (options && options.all ? callback(null, [answer]) : callback(null, answer.address, answer.family)));
    return {};
  }
  return realLookup.call(this, hostname, options, callback);
};
