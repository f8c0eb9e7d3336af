/**
 * Dispatch tables named as Wireshark names them (`linktype`, `ethertype`, `ip.proto`, `udp.port`, `tcp.port`),
 * filled by an explicit call. `registry.bind('udp.port', 5300, dns)` is tshark's "Decode As".
 */
import type { Binding, Protocol } from '../protocols/types.js';

export class Registry {
  private readonly tables = new Map<string, Map<number, Protocol<any, any>>>();
  private readonly byName = new Map<string, Protocol<any, any>>();

  /** Register a protocol by name and bind it under each of its own bindings. */
  add(proto: Protocol<any, any>): this {
    this.byName.set(proto.name, proto);
    for (const b of proto.bindings ?? []) this.bind(b.table, b.key, proto);
    return this;
  }

  bind(table: string, key: number, proto: Protocol<any, any>): this {
    let t = this.tables.get(table);
    if (!t) this.tables.set(table, (t = new Map()));
    t.set(key, proto);
    if (!this.byName.has(proto.name)) this.byName.set(proto.name, proto);
    return this;
  }

  unbind(table: string, key: number): this {
    this.tables.get(table)?.delete(key);
    return this;
  }

  lookup(table: string, key: number): Protocol<any, any> | undefined {
    return this.tables.get(table)?.get(key);
  }

  resolve(b: Binding | { proto: string }): Protocol<any, any> | undefined {
    return 'proto' in b ? this.byName.get(b.proto) : this.lookup(b.table, b.key);
  }

  protocol(name: string): Protocol<any, any> | undefined {
    return this.byName.get(name);
  }

  protocols(): Protocol<any, any>[] {
    return [...this.byName.values()];
  }

  /** Every binding, for `-G decodes`-style listings and tests. */
  entries(): { table: string; key: number; proto: string }[] {
    const out: { table: string; key: number; proto: string }[] = [];
    for (const [table, m] of this.tables) for (const [key, p] of m) out.push({ table, key, proto: p.name });
    return out;
  }
}
