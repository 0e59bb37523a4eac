/**
 * What the loopback sinks (SMTP, fake Twilio) share: a list of captured messages, newest first, and a way to wait
 * for one that matches, whether it already arrived or arrives later.
 */
export class Captures<T> {
  private captured: T[] = [];
  private readonly listeners = new Set<(message: T) => void>();

  constructor(
    private readonly label: string,
    private readonly maxMessages: number,
  ) {}

  add(message: T): void {
    this.captured = [message, ...this.captured].slice(0, this.maxMessages);
    for (const listener of this.listeners) listener(message);
  }

  list(): T[] {
    return [...this.captured];
  }

  clear(): void {
    this.captured = [];
  }

  waitFor(predicate: (message: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const existing = this.captured.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise<T>((resolve, reject) => {
      const listener = (message: T) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(message);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(
          new Error(`${this.label}: no matching message within ${timeoutMs} ms (${this.captured.length} captured)`),
        );
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }
}
