// Encodes the corpus with Hugging Face tokenizers (npm @anush008/tokenizers 0.6.0 = tokenizers 0.22.2), one chunk
// at a time (sequential awaits, so single-threaded), and prints JSON {seconds, tokens, bytes}.
// Usage: NODE_PATH=/tmp/hfbench/node_modules node hf_encode.js tokenizer.json corpus.jsonl
const { Tokenizer } = require("@anush008/tokenizers");
const fs = require("fs");

async function main() {
  const [tokenizerPath, corpusPath] = process.argv.slice(2);
  const tokenizer = Tokenizer.fromFile(tokenizerPath);
  const chunks = fs.readFileSync(corpusPath, "utf8").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));
  const bytes = chunks.reduce((n, c) => n + Buffer.byteLength(c, "utf8"), 0);
  await tokenizer.encode(chunks[0], null, { addSpecialTokens: false }); // warm-up
  let best = Infinity;
  let tokens = 0;
  for (let run = 0; run < 3; run++) {
    const start = process.hrtime.bigint();
    tokens = 0;
    for (const chunk of chunks) {
      const encoding = await tokenizer.encode(chunk, null, { addSpecialTokens: false });
      tokens += encoding.getIds().length;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  console.log(JSON.stringify({ seconds: best, tokens, bytes }));
}

main();
