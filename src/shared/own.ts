/**
 * A table's own entry for a name that came from outside (a device, a broker, a file, a request):
 * never a member of Object.prototype (`toString`, `constructor`, `__proto__`), which a plain
 * `table[name]` returns.
 */
export const own = <V>(table: Readonly<Record<string, V>>, name: string): V | undefined =>
  Object.hasOwn(table, name) ? table[name] : undefined;
