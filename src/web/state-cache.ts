/**
 * Results kept by the state of their input (an evaluation's fingerprint, a vendor's answers):
 * asking again for an export of the same state returns what was made, and concurrent requests for
 * one state share one computation. Bounded; the oldest state is dropped first.
 */
export class StateCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly max = 32) {}

  get(key: string, make: () => T | Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const made = Promise.resolve().then(make);
    this.entries.set(key, made);
    made.catch(() => this.entries.delete(key));
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return made;
  }
}
