#!/usr/bin/env node
// Runs Meta's capi-param-builder (Node.js) normalizer over inputs.json and writes its
// answers as test vectors. The param-builder is a development oracle only: pass the path
// of a checkout of facebook/capi-param-builder; none of its code is part of this repository.
//
//   node Scripts/param-builder-vectors/generate.js /path/to/capi-param-builder \
//        > Tests/IdentityTests/Vectors/param-builder.jsonl
const path = require('path');
const fs = require('fs');
const repo = process.argv[2];
if (!repo) { console.error('usage: generate.js <capi-param-builder checkout>'); process.exit(2); }
const src = path.join(repo, 'nodejs', 'capi-param-builder', 'src', 'piiUtil');
const { getNormalizedPII, getNormalizedAndHashedPII } = require(path.join(src, 'PIIUtil.js'));
const types = { em: 'email', ph: 'phone', fn: 'first_name', ln: 'last_name', ct: 'city', st: 'state',
  zp: 'zip_code', country: 'country', db: 'date_of_birth', ge: 'gender', external_id: 'external_id' };
const inputs = JSON.parse(fs.readFileSync(path.join(__dirname, 'inputs.json'), 'utf8'));
for (const [field, values] of Object.entries(inputs)) {
  for (const input of values) {
    const fields = field === 'hashed' ? ['em', 'external_id'] : [field];
    for (const f of fields) {
      const normalized = getNormalizedPII(input, types[f]);
      const hashed = getNormalizedAndHashedPII(input, types[f]);
      process.stdout.write(JSON.stringify({ field: f, input, param_builder: normalized ?? null,
        param_builder_hash: hashed ?? null }) + '\n');
    }
  }
}
