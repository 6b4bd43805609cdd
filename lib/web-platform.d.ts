/**
 * The few web-platform globals lib/ may use. They exist in every context the
 * core runs in (service worker, pages, Node 20) and touch neither the DOM nor
 * browser.* APIs, so they are declared here rather than pulling in the "dom"
 * lib, which would let DOM code into lib/ unnoticed.
 */
declare class URL {
  constructor(url: string, base?: string | URL);
  hash: string;
  host: string;
  hostname: string;
  href: string;
  readonly origin: string;
  password: string;
  pathname: string;
  port: string;
  protocol: string;
  search: string;
  readonly searchParams: URLSearchParams;
  username: string;
  toString(): string;
}

declare class URLSearchParams {
  constructor(init?: string | Record<string, string> | [string, string][]);
  get(name: string): string | null;
  has(name: string): boolean;
  set(name: string, value: string): void;
  append(name: string, value: string): void;
  toString(): string;
}

/** Only as a type: lib/ accepts a caller's signal and passes it on. */
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
}
