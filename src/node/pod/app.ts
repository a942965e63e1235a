/** What a built-in app sees and answers: an HTTP exchange with the body read whole. */
export interface AppRequest {
  method: string;
  /** Path and query, as the client wrote them ("/echo?x=1"). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type App = (req: AppRequest) => AppResponse;

export function json(status: number, value: unknown, headers: Record<string, string> = {}): AppResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(value) + '\n') };
}
