// Placeholder until the decoders land (issue 3): the CLI answers honestly instead of failing to build.
export function runDecode(_args: string[]): { code: number; out: string } {
  return { code: 2, out: 'homebeat decode: decoders are not built into this version yet' };
}
