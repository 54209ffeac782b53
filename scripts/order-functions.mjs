// Renames a wasm's functions (its `name` section) so that `wasm-opt --reorder-functions-by-name`
// puts side by side the functions that look alike: every copy of one generic function, and
// every implementation of one trait method, sorted by the path of what they implement rather
// than by the type they were made for. gzip finds repeats only within 32 KB, and Rust's
// monomorphised copies are each other's best repeats: ordered this way the page's wasm is
// about 5 KB gzip smaller (BENCHMARKS.md, "Functions in order"), with the same code.
// Usage: node scripts/order-functions.mjs IN.wasm OUT.wasm (IN must carry names: wasm-bindgen
// --keep-debug, wasm-opt -g).
import { readFileSync, writeFileSync } from "node:fs";

/** The sort key of a function's name: `<T as tachys::…::Render>::build` sorts as `tachys::…`. */
export function orderKey(name) {
  const bare = name.replace(/^<+/, "");
  const as = bare.indexOf(" as ");
  return as >= 0 ? bare.slice(as + 4) : bare;
}

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

const withLength = (bytes) => Buffer.concat([leb(bytes.length), bytes]);

/** The `name` section's body with each function renamed to its key (and its index, so that
 * names stay unique); the other subsections as they were. */
function renamed(body, start) {
  const parts = [body.subarray(0, start)];
  let at = start;
  while (at < body.length) {
    const id = body[at];
    const [size, from] = readLeb(body, at + 1);
    const sub = body.subarray(from, from + size);
    at = from + size;
    if (id !== 1) {
      parts.push(Buffer.from([id]), withLength(sub));
      continue;
    }
    let [count, p] = readLeb(sub, 0);
    const names = [leb(count)];
    for (let i = 0; i < count; i++) {
      let index;
      let length;
      [index, p] = readLeb(sub, p);
      [length, p] = readLeb(sub, p);
      const name = sub.subarray(p, p + length).toString("utf8");
      p += length;
      names.push(leb(index), withLength(Buffer.from(`${orderKey(name)} #${index}`, "utf8")));
    }
    parts.push(Buffer.from([1]), withLength(Buffer.concat(names)));
  }
  return Buffer.concat(parts);
}

export function orderNames(wasm) {
  const parts = [wasm.subarray(0, 8)];
  let renamedAny = false;
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, from] = readLeb(wasm, at + 1);
    let body = wasm.subarray(from, from + size);
    at = from + size;
    if (id === 0) {
      const [length, p] = readLeb(body, 0);
      if (body.subarray(p, p + length).toString("utf8") === "name") {
        body = renamed(body, p + length);
        renamedAny = true;
      }
    }
    parts.push(Buffer.from([id]), withLength(body));
  }
  if (!renamedAny) throw new Error("order-functions: the wasm has no name section to order by");
  return Buffer.concat(parts);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  writeFileSync(output, orderNames(readFileSync(input)));
}
