import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Request, Response } from 'express';

/** How long a browser's EventSource waits before reconnecting after the stream drops (the SSE `retry:` field). */
export const RETRY_MS = 3000;

/**
 * One Server-Sent Events stream fanned out to every subscriber: `read()` runs once per `intervalMs` while anyone
 * listens (not once per subscriber), and each gets the same `event: <name>` with its JSON at once on subscribing and
 * then every interval. A stream ends when its client goes, or when the server stops accepting (the kit's `close`
 * emits `closing`): an open console does not hold a shutdown for its drain timeout.
 */
export class EventStream<T> {
  private readonly subscribers = new Set<Response>();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Servers whose `closing` ends every stream: one listener a server, however many subscribe through it. */
  private readonly watched = new WeakSet<Server>();

  constructor(
    private readonly name: string,
    private readonly read: () => T,
    private readonly intervalMs: number,
  ) {}

  /** How many streams are open. */
  get size(): number {
    return this.subscribers.size;
  }

  /** Whether it reads and pushes (someone listens). */
  get reading(): boolean {
    return this.timer !== undefined;
  }

  subscribe(request: Request, response: Response): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies that buffer (nginx) pass each event on at once.
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    response.write(this.event(this.read()));
    this.subscribers.add(response);
    const server = (request.socket as Socket & { server?: Server }).server;
    if (server && !this.watched.has(server)) {
      this.watched.add(server);
      server.once('closing', () => {
        this.watched.delete(server);
        this.stop();
      });
    }
    // The response's close (the client went, or the stream was ended), not the request's (its body was read).
    response.on('close', () => {
      this.subscribers.delete(response);
      if (this.subscribers.size === 0) this.stop();
    });
    this.timer ??= setInterval(() => this.push(), this.intervalMs);
  }

  /** Ends every stream (clients reconnect after RETRY_MS). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const response of this.subscribers) response.end();
    this.subscribers.clear();
  }

  private push(): void {
    const text = this.event(this.read());
    for (const response of this.subscribers) response.write(text);
  }

  private event(value: T): string {
    return `event: ${this.name}\ndata: ${JSON.stringify(value)}\n\n`;
  }
}
