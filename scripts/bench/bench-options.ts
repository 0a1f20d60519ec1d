/**
 * Command-line options of the benchmark scripts: `--name value`, `--name=value` and bare switches,
 * each with an environment variable as the fallback, and one clear error for anything else.
 */
export class BenchFlags {
  private constructor(private readonly flags: ReadonlyMap<string, string>) {}

  /** `switches` take no value; every other known flag needs one. Unknown flags are an error. */
  static parse(argv: readonly string[], known: readonly string[], switches: readonly string[] = []): BenchFlags {
    const flags = new Map<string, string>();
    for (let index = 0; index < argv.length; index++) {
      const arg = argv[index] ?? "";
      if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
      const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
      if (!known.includes(name) && !switches.includes(name)) {
        throw new Error(`unknown option --${name} (known: ${[...known, ...switches].join(", ")})`);
      }
      if (switches.includes(name)) {
        flags.set(name, "1");
        continue;
      }
      const value = inline ?? argv[++index];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      flags.set(name, value);
    }
    return new BenchFlags(flags);
  }

  isSet(flag: string, env: string): boolean {
    return this.flags.has(flag) || process.env[env] === "1";
  }

  text(flag: string, env: string, fallback: string): string {
    return this.flags.get(flag) ?? process.env[env] ?? fallback;
  }

  positive(flag: string, env: string, fallback: number): number {
    const value = Number(this.text(flag, env, String(fallback)).replace(/_/g, ""));
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} must be a positive integer`);
    return value;
  }

  /** A comma-separated list such as `1000,10000` (underscores allowed: `10_000`). */
  positiveList(flag: string, env: string, fallback: string): number[] {
    const values = this.text(flag, env, fallback)
      .split(",")
      .map((part) => Number(part.trim().replace(/_/g, "")));
    if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 1)) {
      throw new Error(`--${flag} must be a comma-separated list of positive integers`);
    }
    return values;
  }
}
