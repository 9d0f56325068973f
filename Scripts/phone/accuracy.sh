#!/usr/bin/env bash
# Measures agreement with libphonenumber on a full corpus (not committed: ~100,000 lines).
#
#   pip install phonenumbers==9.0.43
#   Scripts/phone/accuracy.sh [per-type] [seed]
#
# Writes the corpus with Scripts/phone/make-corpus.py, then runs the agreement suite on it
# (PhoneAgreementTests reads ROASPROOF_PHONE_CORPUS) and prints the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
per_type="${1:-20}"
seed="${2:-2}"
corpus="${TMPDIR:-/tmp}/roasproof-phones-corpus-${per_type}-${seed}.jsonl"
python3 Scripts/phone/make-corpus.py --per-type "$per_type" --seed "$seed" > "$corpus"
echo "corpus: $corpus ($(wc -l < "$corpus") records)"
ROASPROOF_PHONE_CORPUS="$corpus" swift test --filter PhoneAgreementTests/libphonenumberCorpus 2>&1 \
  | grep -E "records\)|valid numbers agree|disagreement|✘|✔ Test run|passed after|failed after"
