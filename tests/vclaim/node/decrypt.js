// Independent VClaim v2.0 decryptor (shared/docs/vclaim-protocol.md, "Responses"):
// AES-256-CBC with Node's strict PKCS#7 unpadding, then lz-string
// decompressFromEncodedURIComponent, then JSON.parse.
// stdin: {"consid", "secret", "timestamp", "ciphertexts": [...]}
// stdout: {"payloads": [...]}; exits non-zero on any failure.
"use strict";
const crypto = require("crypto");
const LZString = require("lz-string");

function decrypt(ciphertext, consid, secret, timestamp) {
  const key = crypto.createHash("sha256").update(consid + secret + timestamp, "utf8").digest();
  const decipher = crypto.createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
  const compressed = Buffer.concat([
    decipher.update(Buffer.from(ciphertext, "base64")),
    decipher.final(), // throws on bad padding
  ]).toString("latin1");
  if (!/^[A-Za-z0-9+\-$]*$/.test(compressed)) throw new Error("not an lz-string URI component");
  const json = LZString.decompressFromEncodedURIComponent(compressed);
  if (!json) throw new Error("lz-string decompression failed");
  return JSON.parse(json);
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const req = JSON.parse(input);
  const payloads = req.ciphertexts.map((c) => decrypt(c, req.consid, req.secret, req.timestamp));
  process.stdout.write(JSON.stringify({ payloads }));
});
