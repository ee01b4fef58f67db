#!/usr/bin/env node
// Usage: node tools/optimize/optimize.mjs IN OUT
//
// Shrinks a WebAssembly *component* (as `cargo build --target wasm32-wasip2`
// writes it) by running Binaryen's wasm-opt (npm `binaryen`, pinned in
// package.json next to this file) on every top-level core module, and by
// dropping the top-level `component-name` custom section (debug names only).
// Every other top-level section is copied byte for byte; nested components
// (section id 4) are left as they are. Only Node's standard library is used.
//
// The wasm-opt features are the ones rustc 1.95 enables for wasm32-wasip2
// (`rustc --print cfg --target wasm32-wasip2`), named explicitly: rustc strips
// the core module's `target_features` section (`strip = true`), and without the
// flags Binaryen would refuse the module's memory.copy / memory.fill. Never
// `--all-features`: the output must use only what every wasi:http host
// (wasmtime, Spin, jco on V8) enables by default.
//
// OUT is written to a temporary file next to it and renamed, so a failure never
// leaves a partial OUT behind.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WASM_OPT = path.join(HERE, "node_modules", "binaryen", "bin", "wasm-opt");

/** rustc 1.95's wasm32-wasip2 target features, as Binaryen names them. */
export const FEATURES = [
  "--enable-bulk-memory", // also enables bulk-memory-opt (memory.copy / memory.fill)
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int",
  "--enable-reference-types",
  "--enable-multivalue",
];

/** The optimisation flags, measured in BENCHMARKS.md ("Size per change"). */
export const PASSES = ["-Oz", "--strip-debug", "--strip-producers"];

const MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);
const COMPONENT_VERSION = Buffer.from([0x0d, 0x00, 0x01, 0x00]);
const SECTION_CUSTOM = 0;
const SECTION_CORE_MODULE = 1;

class OptimizeError extends Error {}

function fail(message) {
  throw new OptimizeError(message);
}

/** Reads an unsigned LEB128 (at most 32 bits) at `pos`: [value, next position]. */
function readU32(buf, pos, what) {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= buf.length) fail(`truncated LEB128 in ${what} at byte ${pos}`);
    const byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) {
      if (value > 0xffffffff) fail(`LEB128 out of range in ${what}`);
      return [value, pos];
    }
  }
  fail(`LEB128 too long in ${what} at byte ${pos}`);
}

/** Encodes `value` as unsigned LEB128. */
function encodeU32(value) {
  const bytes = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return Buffer.from(bytes);
}

/** The top-level sections of a component: { id, payload, name? }. */
function sections(wasm) {
  if (wasm.length < 8 || !wasm.subarray(0, 4).equals(MAGIC)) {
    fail("not a WebAssembly binary (no \\0asm magic)");
  }
  if (!wasm.subarray(4, 8).equals(COMPONENT_VERSION)) {
    const v = [...wasm.subarray(4, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    fail(`not a component (version/layer bytes ${v}, expected 0d 00 01 00); a core module needs plain wasm-opt`);
  }
  const out = [];
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, start] = readU32(wasm, pos + 1, `the size of section ${out.length} (id ${id})`);
    const end = start + size;
    if (end > wasm.length) fail(`section ${out.length} (id ${id}) runs past the end of the file`);
    const payload = wasm.subarray(start, end);
    const section = { id, payload };
    if (id === SECTION_CUSTOM) {
      const [len, at] = readU32(payload, 0, "a custom section name");
      if (at + len > payload.length) fail(`custom section ${out.length} has a truncated name`);
      section.name = payload.subarray(at, at + len).toString("utf8");
    }
    out.push(section);
    pos = end;
  }
  return out;
}

/** Runs wasm-opt on one core module, returns the optimised bytes. */
function optimizeCore(module, index, tmp) {
  const input = path.join(tmp, `core${index}.wasm`);
  const output = path.join(tmp, `core${index}.opt.wasm`);
  fs.writeFileSync(input, module);
  const run = spawnSync(process.execPath, [WASM_OPT, input, "-o", output, ...PASSES, ...FEATURES], {
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) fail(`could not run wasm-opt (${WASM_OPT}): ${run.error.message}`);
  if (run.status !== 0) {
    const stderr = run.stderr.toString("utf8").trim().split("\n").slice(-20).join("\n");
    fail(`wasm-opt failed on core module ${index} (exit ${run.status ?? run.signal}):\n${stderr}`);
  }
  const optimized = fs.readFileSync(output);
  if (!optimized.subarray(0, 8).equals(Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]))) {
    fail(`wasm-opt wrote something that is not a core module for core module ${index}`);
  }
  return optimized;
}

/** Optimises the component bytes `wasm`: returns the new bytes. */
export function optimizeComponent(wasm) {
  const parts = [wasm.subarray(0, 8)];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "optimize-component-"));
  try {
    let modules = 0;
    for (const section of sections(wasm)) {
      if (section.id === SECTION_CUSTOM && section.name === "component-name") continue;
      if (section.id === SECTION_CORE_MODULE) {
        const optimized = optimizeCore(section.payload, modules++, tmp);
        parts.push(Buffer.from([section.id]), encodeU32(optimized.length), optimized);
      } else {
        parts.push(Buffer.from([section.id]), encodeU32(section.payload.length), section.payload);
      }
    }
    if (modules === 0) fail("the component holds no core module");
    return Buffer.concat(parts);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write("usage: node tools/optimize/optimize.mjs IN.wasm OUT.wasm\n");
    return 2;
  }
  const [inPath, outPath] = argv;
  if (!fs.existsSync(WASM_OPT)) {
    process.stderr.write(
      `optimize: wasm-opt not found at ${WASM_OPT}\n` +
        "optimize: install the pinned binaryen with `npm ci --prefix tools/optimize` (tools/optimize.sh does it)\n",
    );
    return 1;
  }
  const tmpOut = path.join(path.dirname(path.resolve(outPath)), `.${path.basename(outPath)}.${process.pid}.tmp`);
  try {
    const wasm = fs.readFileSync(inPath);
    const optimized = optimizeComponent(wasm);
    fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
    fs.writeFileSync(tmpOut, optimized);
    fs.renameSync(tmpOut, outPath);
    console.log(`optimized ${inPath} (${wasm.length} bytes) -> ${outPath} (${optimized.length} bytes)`);
    return 0;
  } catch (err) {
    fs.rmSync(tmpOut, { force: true });
    const message = err instanceof OptimizeError || err.code ? err.message : err.stack || String(err);
    process.stderr.write(`optimize: ${inPath}: ${message}\n`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
