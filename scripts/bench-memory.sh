#!/usr/bin/env bash
# Peak memory of a history scan on hostile sizes (issue 8): a 2 GB blob of zeros (2 MB on
# the wire) and a 700 MB text file with a key at its end, against git's own object
# inflation on the same repository as the reference. GNU time's %M is the peak RSS of the
# largest process of the tree (node or one of its git children).
# Usage: npm run build && bash scripts/bench-memory.sh [DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$(mktemp -d /tmp/leakguard-bench-memory-XXXXXX)}
repo=$dir/repo
if ! git -C "$repo" rev-parse -q --verify HEAD >/dev/null 2>&1; then
  rm -rf "$repo"
  git init -q "$repo"
  cd "$repo"
  git config user.name bench && git config user.email bench@example.com
  head -c 2147483648 /dev/zero > zeros.bin
  # 700 MB of ordinary lines, then one key (built at run time, never committed).
  key="sk_""live_$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
  { yes 'const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0); // checkout' || true; } | head -c 734003200 > big.js
  printf 'module.exports = "%s";\n' "$key" >> big.js
  git add zeros.bin big.js && git commit -qm "hostile sizes"
  rm zeros.bin big.js
  git gc -q
fi
cd "$repo"
t() { /usr/bin/time -f "%M %e" "$@" 2>&1 >/dev/null | tail -1; }
read -r ref_kb ref_s < <(t git cat-file --batch-all-objects --batch --unordered)
read -r lg_kb lg_s < <(t node "$root/dist/cli/main.js" scan --history --format json --no-progress . || true)
found=$(node "$root/dist/cli/main.js" scan --history --format json --no-progress . | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const r=JSON.parse(s);console.log(r.findings.filter(f=>f.rule==="stripe-live-secret-key").length)})' || true)
echo "reference git cat-file --batch-all-objects: peak $((ref_kb / 1024)) MB, ${ref_s} s"
echo "leakguard scan --history:                  peak $((lg_kb / 1024)) MB, ${lg_s} s, live keys found: ${found}"
