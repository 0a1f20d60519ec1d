import type { Publisher } from "../publisher";
import type { Registry } from "../registry";
import type { UserAuthentication } from "../user-auth";

/** What endpoint handlers may touch: indexes to read, and the two ways to act on sockets. */
export interface ApiServices {
  registry: Registry;
  publisher: Publisher;
  users: UserAuthentication;
}

export interface ApiRequest {
  /** URL-decoded path parameters captured by the route pattern. */
  params: string[];
  query: URLSearchParams;
  /** Parsed JSON body of POST requests (an object); undefined for GET. */
  body: Record<string, unknown> | undefined;
}

export type ApiHandler = (request: ApiRequest, services: ApiServices) => unknown;
