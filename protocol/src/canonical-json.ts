// Canonical JSON (RFC 8785: sorted keys, no whitespace) so that signer and verifier
// hash the same bytes whatever order a JSON encoder wrote the keys in.
import serialize from 'canonicalize';

export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}
