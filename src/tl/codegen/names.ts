// Names used in generated code: the wire name stays as the schema writes it; TypeScript names are derived.

/** `server_public_key_fingerprints` → `serverPublicKeyFingerprints` (the field names GramJS and mtcute use). */
export function camel(name: string): string {
  return name.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `messages.sendMessage` → `MessagesSendMessage`, `p_q_inner_data` → `PQInnerData`. */
export function pascal(name: string): string {
  return name
    .split('.')
    .map((part) => {
      const c = camel(part);
      return c.charAt(0).toUpperCase() + c.slice(1);
    })
    .join('');
}

/** An identifier fragment for function names: `messages.sendMessage` → `messages_sendMessage`. */
export function ident(name: string): string {
  return name.replace(/\./g, '_');
}

export function hex(id: number): string {
  return '0x' + (id >>> 0).toString(16).padStart(8, '0');
}
