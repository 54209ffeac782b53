// Validates AsyncAPI documents with the reference parser (@asyncapi/parser: the official
// JSON Schemas plus its semantic rules). CI runs it on the bundled examples and on the
// export of every gallery model (written by `cargo test --test asyncapi`); any error fails.
// Usage: node scripts/validate-asyncapi.mjs DIR_OR_FILE...
import fs from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';

const files = [];
const walk = (p) => {
  if (fs.statSync(p).isDirectory()) {
    for (const entry of fs.readdirSync(p).sort()) walk(path.join(p, entry));
  } else if (/\.(ya?ml|json)$/.test(p)) {
    files.push(p);
  }
};
process.argv.slice(2).forEach(walk);
if (files.length === 0) {
  console.error('validate-asyncapi: no document found in', process.argv.slice(2).join(' '));
  process.exit(1);
}
const parser = new Parser();
let invalid = 0;
for (const file of files) {
  const { document, diagnostics } = await parser.parse(fs.readFileSync(file, 'utf8'));
  // Severity 0 is an error; warnings (1) and hints are style advice, not validity.
  const errors = diagnostics.filter((d) => d.severity === 0);
  if (!document || errors.length > 0) {
    invalid += 1;
    console.error(`INVALID ${file}`);
    for (const e of errors) console.error(`  ${e.message} at /${e.path.join('/')}`);
  }
}
console.log(`asyncapi: ${files.length - invalid} valid, ${invalid} invalid`);
process.exit(invalid === 0 ? 0 : 1);
